// DigestRuns: one run of a definition (see the header's policy).
#include "digest/digest_runs.hpp"

#include <algorithm>

#include "digest/digest_builder.hpp"

namespace communique {

namespace {

// Where a failed run leaves the count: the next run takes its posts again, unless it was
// the first run (whose posts are only those of one period back: a later run that counted
// from 0 would take every post the list ever had).
std::int64_t retry_from(const RunRecord& record) {
  return record.follows ? record.run.after_seq : record.run.up_to_seq;
}

}  // namespace

std::string no_new_posts_note(Timestamp since) {
  return "no new posts since " + format_iso8601(since);
}

Result<DigestRun> DigestRuns::run(const DigestDefinition& digest, Timestamp now,
                                  std::optional<Timestamp> scheduled_for) {
  auto last = digests_.last_digest_run(digest.id);
  if (!last) {
    return std::move(last).error();
  }
  RunRecord record;
  DigestRun& run = record.run;
  run.digest_id = digest.id;
  run.scheduled_for = scheduled_for;
  run.ran_at = now;
  std::optional<Timestamp> published_since;
  if (*last) {
    record.follows = (*last)->id;
    run.since = (*last)->ran_at;
    run.after_seq = (*last)->up_to_seq;
  } else {
    run.since = now - period_of(digest.rule, now);
    published_since = run.since;
  }
  auto up_to = posts_.last_published_seq(digest.list_id);
  if (!up_to) {
    return std::move(up_to).error();
  }
  run.up_to_seq = std::max(*up_to, run.after_seq);
  auto collected = posts_.published_posts(digest.list_id, run.after_seq, published_since);
  if (!collected) {
    return std::move(collected).error();
  }
  std::erase_if(*collected,
                [&run](const Post& post) { return post.published_seq > run.up_to_seq; });
  auto list = lists_.find_list(digest.list_id);
  if (!list) {
    return std::move(list).error();
  }
  auto sections = posts_.sections(digest.list_id);
  if (!sections) {
    return std::move(sections).error();
  }
  Issue issue = build_digest(digest, *list, *sections, *collected, now);
  if (issue.posts.empty()) {
    run.outcome = RunOutcome::skipped;
    run.note = no_new_posts_note(run.since);
    return digests_.record_digest_run(record, now);
  }
  if (auto subject = validate_subject(issue.subject); !subject) {
    run.outcome = RunOutcome::failed;
    run.note = "no issue made: " + subject.error().message;
    run.up_to_seq = retry_from(record);
    return digests_.record_digest_run(record, now);
  }
  run.posts = static_cast<int>(issue.posts.size());
  if (digest.review) {
    run.outcome = RunOutcome::draft;
  } else {
    run.outcome = RunOutcome::sent;
    issue.status = IssueStatus::scheduled;
    issue.scheduled_at = now;
  }
  record.issue = std::move(issue);
  auto recorded = digests_.record_digest_run(record, now);
  if (recorded || recorded.error().code == ErrorCode::conflict) {
    return recorded;
  }
  // The issue could not be written: the run is recorded failed, so `digests show` says so.
  RunRecord failed = record;
  failed.issue.reset();
  failed.run.outcome = RunOutcome::failed;
  failed.run.posts = 0;
  failed.run.up_to_seq = retry_from(failed);
  failed.run.note = "no issue made: " + recorded.error().message;
  (void)digests_.record_digest_run(failed, now);
  return recorded;
}

}  // namespace communique
