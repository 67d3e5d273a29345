// DigestStore: digest definitions, their sections and their runs, and the writes that turn
// a run (or a post's own announcement) into an issue.
//
// Policy: a definition's name is unique in its list (ignoring ASCII case); its sections are
// of its own list, each once. A run is recorded together with the issue it made, in one
// transaction, so that a crash never leaves a run without its issue or an issue without its
// run; and the record refuses a run that another runner recorded first (see
// record_digest_run), so two servers never both run one scheduled instant and two runs by
// hand never both take the same posts. A post's announcement (its own letter to the list's
// immediate subscribers) is marked in the transaction that writes that letter's issue, and
// only once.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "core/digest.hpp"
#include "core/issue.hpp"

namespace communique {

// A run to record, with the issue it made (none: skipped or failed) and the run it follows
// (none: the first run of its definition).
struct RunRecord {
  DigestRun run;
  std::optional<DigestRunId> follows;
  std::optional<Issue> issue;  // status draft, or scheduled with scheduled_at set
};

// A published post not yet announced, and whether it has anyone to tell (an original on a
// list with immediate subscribers; a translation goes in its original's letter).
struct PostToAnnounce {
  PostId post = 0;
  ListId list = 0;
  std::string title;
  bool has_immediate_readers = false;
  Timestamp published_at{};  // the time the post says it was published
};

class DigestStore {
 public:
  virtual ~DigestStore() = default;

  // Writes a new definition with its sections. conflict when the list has a definition of
  // that name; not_found when the list is not there or a section is not of the list.
  virtual Result<DigestDefinition> create_digest(const DigestDefinition& digest, Timestamp now) = 0;
  virtual Result<DigestDefinition> find_digest(DigestId id) = 0;
  virtual Result<DigestDefinition> find_digest(ListId list, const std::string& name) = 0;
  // Every definition, by id.
  virtual Result<std::vector<DigestDefinition>> digests() = 0;
  virtual Result<DigestDefinition> update_digest(DigestId id, const DigestChanges& changes,
                                                 Timestamp now) = 0;
  // Removes a definition and its runs; the issues its runs made stay.
  virtual Result<void> remove_digest(DigestId id) = 0;

  // The runs of a definition, newest first, at most `limit`.
  virtual Result<std::vector<DigestRun>> digest_runs(DigestId id, std::size_t limit) = 0;
  virtual Result<std::optional<DigestRun>> last_digest_run(DigestId id) = 0;
  // Writes the record's issue (scheduled at its scheduled_at when its status is scheduled)
  // and the run naming it, as one transaction; returns the run with its id and issue id.
  // conflict when the definition's last run is not `follows` (another runner recorded a
  // run since this one read it) or when a run for the same scheduled instant exists.
  virtual Result<DigestRun> record_digest_run(const RunRecord& record, Timestamp now) = 0;

  // Published posts whose own letter has not gone, oldest first, at most `limit`.
  virtual Result<std::vector<PostToAnnounce>> posts_to_announce(std::size_t limit) = 0;
  // Marks `post` announced at `now` and writes `issue` (its own letter; none when there is
  // nobody to tell), as one transaction; the issue's id, if one was written. conflict when
  // the post was announced already (another runner did it).
  virtual Result<std::optional<IssueId>> announce_post(PostId post,
                                                       const std::optional<Issue>& issue,
                                                       Timestamp now) = 0;
};

}  // namespace communique
