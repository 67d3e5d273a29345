// DigestScheduler: what `serve` does for digests at every round of its delivery service —
// runs the definitions that are due, and gives each newly published post its own letter
// to the list's immediate subscribers.
//
// Policy:
//   - A definition is due when its rule's latest scheduled instant since its last run
//     (that run's scheduled instant, a run by hand's time, or else when it was made) has
//     passed: due_run(). However long the server was down, that is one run, for the
//     latest missed instant. Disabled definitions are not run.
//   - Two servers may find the same run due: the store records it once (the second is
//     refused as a conflict and logged at debug level), so one instant makes one issue.
//   - Each published original post not yet announced gets one digest issue of that post
//     alone, for the immediate cadence, scheduled at once, subject its title; it is marked
//     announced in the same transaction. A post with nobody to tell (its list has no
//     immediate subscriber, or it is a translation) is marked announced without a letter,
//     so that subscribers who choose immediate later are not sent old posts.
// The issues it makes are sent by the delivery service like any scheduled issue.
#pragma once

#include "digest/digest_runs.hpp"

namespace communique {

// When the schedule of `digest` counts from: its last run's scheduled instant (a run by
// hand: when it ran), or else when the definition was made.
Timestamp schedule_origin(const DigestDefinition& digest, const std::optional<DigestRun>& last);

// When `serve` runs `digest` next, seen at `now`: the run that is due (a past instant), or
// else the next scheduled instant.
Timestamp next_digest_run(const DigestDefinition& digest, const std::optional<DigestRun>& last,
                          Timestamp now);

class DigestScheduler {
 public:
  DigestScheduler(Store& store, DigestRuns& runs) : digests_(store), runs_(runs) {}

  // One look at `now`: runs the due definitions and announces new posts. How many runs
  // and announcements it recorded; a failure of one definition is logged and the others
  // go on.
  Result<int> run_due(Timestamp now);

 private:
  Result<int> run_due_digests(Timestamp now);
  Result<int> announce_posts(Timestamp now);

  DigestStore& digests_;
  DigestRuns& runs_;
};

}  // namespace communique
