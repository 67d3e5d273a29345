// DigestScheduler: due digest runs and posts' own letters (see the header's policy).
#include "digest/digest_scheduler.hpp"

#include "base/log.hpp"
#include "base/text.hpp"

namespace communique {

namespace {

// How many posts one look announces: the rest wait for the next round.
constexpr std::size_t kAnnouncementsPerLook = 100;

// A post dated longer ago than this is not news: it is recorded as announced without a
// letter (a back catalogue entered before `serve` first looked, or an old item dated by
// its source), so immediate readers get what is new, not the archive.
constexpr std::chrono::hours kNewsFor{24};

// The letter of one post to the immediate subscribers of its list.
Issue announcement(const PostToAnnounce& post, Timestamp now) {
  Issue issue;
  issue.kind = IssueKind::digest;
  issue.status = IssueStatus::scheduled;
  issue.scheduled_at = now;
  // A title may be longer than a subject may be (300 against 250 characters).
  issue.subject = shorten(post.title, 250);
  issue.lists = {post.list};
  issue.posts = {post.post};
  issue.cadence = Cadence::immediate;
  return issue;
}

}  // namespace

Timestamp schedule_origin(const DigestDefinition& digest, const std::optional<DigestRun>& last) {
  return last ? last->scheduled_for.value_or(last->ran_at) : digest.created_at;
}

Timestamp next_digest_run(const DigestDefinition& digest, const std::optional<DigestRun>& last,
                          Timestamp now) {
  if (auto due = due_run(digest.rule, schedule_origin(digest, last), now)) {
    return *due;
  }
  return next_run_after(digest.rule, now);
}

Result<int> DigestScheduler::run_due(Timestamp now) {
  auto ran = run_due_digests(now);
  if (!ran) {
    return ran;
  }
  auto announced = announce_posts(now);
  if (!announced) {
    return announced;
  }
  return *ran + *announced;
}

Result<int> DigestScheduler::run_due_digests(Timestamp now) {
  auto log = logger("digest");
  auto all = digests_.digests();
  if (!all) {
    return std::move(all).error();
  }
  int recorded = 0;
  for (const auto& digest : *all) {
    if (!digest.enabled) {
      continue;
    }
    auto last = digests_.last_digest_run(digest.id);
    if (!last) {
      log->error("digest {}: {}", digest.id, last.error().message);
      continue;
    }
    const auto due = due_run(digest.rule, schedule_origin(digest, *last), now);
    if (!due) {
      continue;
    }
    auto run = runs_.run(digest, now, *due);
    if (!run) {
      if (run.error().code == ErrorCode::conflict) {
        log->debug("digest {}: {}", digest.id, run.error().message);
      } else {
        log->error("digest {} ({}): run for {} failed: {}", digest.id, digest.name,
                   format_iso8601(*due), run.error().message);
      }
      continue;
    }
    log->info("digest {} ({}): ran for {}: {}, {} post(s){}", digest.id, digest.name,
              format_iso8601(*due), to_string(run->outcome), run->posts,
              run->issue_id ? ", issue " + std::to_string(*run->issue_id) : "");
    ++recorded;
  }
  return recorded;
}

Result<int> DigestScheduler::announce_posts(Timestamp now) {
  auto log = logger("digest");
  auto posts = digests_.posts_to_announce(kAnnouncementsPerLook);
  if (!posts) {
    return std::move(posts).error();
  }
  int recorded = 0;
  for (const auto& post : *posts) {
    std::optional<Issue> letter;
    if (post.has_immediate_readers && post.published_at + kNewsFor >= now) {
      letter = announcement(post, now);
    }
    auto announced = digests_.announce_post(post.post, letter, now);
    if (!announced) {
      if (announced.error().code != ErrorCode::conflict) {
        log->error("post {}: its own letter could not be made: {}", post.post,
                   announced.error().message);
      }
      continue;
    }
    if (*announced) {
      log->info("post {}: its own letter is issue {}", post.post, **announced);
    }
    ++recorded;
  }
  return recorded;
}

}  // namespace communique
