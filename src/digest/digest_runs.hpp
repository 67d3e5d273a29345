// DigestRuns: runs a digest definition once — collects the posts published since its
// previous run, builds the digest issue, and records the run with its issue.
//
// Policy:
//   - A run collects the list's published posts numbered after the previous run's
//     up_to_seq and up to the highest number when it starts (a post published meanwhile
//     is the next run's); the first run takes those published within one period back.
//   - Nothing new (or nothing the definition shows) makes no issue: the run is recorded
//     skipped with the note "no new posts since TIME". An empty digest is never sent.
//   - Otherwise its issue is a draft for an editor (review), or scheduled at the run's
//     time so that the delivery service (or `digests run`) sends it; outcome draft | sent.
//   - The issue and the run are written in one transaction (DigestStore::record_digest_run):
//     a crash leaves both or neither; a run another runner recorded first refuses this one
//     (conflict), so one scheduled instant runs once however many servers look.
//   - A run that cannot make its issue (a subject that does not read) is recorded failed
//     with the reason in its note.
// Not here: when a definition is due (DigestScheduler), sending (the campaign runner).
#pragma once

#include <optional>

#include "store/store.hpp"

namespace communique {

class DigestRuns {
 public:
  // Of the store it uses the definitions and runs, the posts and sections, and the lists.
  explicit DigestRuns(Store& store) : digests_(store), posts_(store), lists_(store) {}

  // Runs `digest` at `now`, for `scheduled_for` (none: by hand); the recorded run.
  Result<DigestRun> run(const DigestDefinition& digest, Timestamp now,
                        std::optional<Timestamp> scheduled_for);

 private:
  DigestStore& digests_;
  PostStore& posts_;
  ListStore& lists_;
};

// The note of a skipped run: "no new posts since 2026-12-07T09:00:00Z".
std::string no_new_posts_note(Timestamp since);

}  // namespace communique
