// FeedPoller: fetch, parse, sync and record one poll of a feed.
#include "feeds/feed_poller.hpp"

#include <fmt/format.h>

#include <thread>

#include "base/log.hpp"
#include "feeds/feed_fetch.hpp"
#include "feeds/feed_parse.hpp"
#include "feeds/feed_sync.hpp"
#include "feeds/poll_policy.hpp"

namespace communique {

namespace {

// How long past the fetch's timeout a claim lasts: parsing and writing come after it.
constexpr std::chrono::seconds kClaimMargin{60};

FetchSettings fetch_settings(const FeedSettings& settings) {
  return FetchSettings{.max_body = settings.max_body_mb * 1024 * 1024,
                       .timeout = settings.timeout,
                       .max_redirects = 5,
                       .allow_private_networks = settings.allow_private_networks};
}

}  // namespace

std::string describe(const PollSummary& summary) {
  const std::string head = fmt::format("feed {}: ", summary.feed);
  switch (summary.kind) {
    case PollSummary::Kind::unchanged:
      return head + "unchanged";
    case PollSummary::Kind::failed:
      return head + "error: " + summary.message;
    case PollSummary::Kind::waiting:
      return head + "waiting: " + summary.message;
    case PollSummary::Kind::busy:
      return head + "busy (another poll is running)";
    case PollSummary::Kind::changed:
      break;
  }
  std::string line =
      head + fmt::format("new {}, updated {}", summary.counts.created, summary.counts.updated);
  if (summary.counts.kept > 0) {
    line += fmt::format(", kept {} (a digest carried them)", summary.counts.kept);
  }
  if (summary.counts.recorded > 0) {
    line += fmt::format(", recorded {} without publishing", summary.counts.recorded);
  }
  return line;
}

Result<PollSummary> FeedPoller::poll(const Feed& feed) {
  if (feed.status == FeedStatus::gone) {
    return PollSummary{.feed = feed.id,
                       .kind = PollSummary::Kind::failed,
                       .message = fmt::format("the feed is gone (its server answered HTTP 410) "
                                              "and is no longer polled; remove it with "
                                              "communique feeds rm {}",
                                              feed.id)};
  }
  return claim_and_poll(feed, feed.next_poll_at);
}

Result<PollSummary> FeedPoller::poll_now(FeedId id) {
  auto feed = store_.find_feed(id);
  if (!feed) {
    return std::move(feed).error();
  }
  if (feed->status == FeedStatus::gone) {
    return poll(*feed);
  }
  return claim_and_poll(*feed, std::nullopt);
}

Result<PollSummary> FeedPoller::claim_and_poll(const Feed& feed, std::optional<Timestamp> seen) {
  const Timestamp now = clock_();
  auto claimed = store_.claim_feed(feed.id, seen, now, now + settings_.timeout + kClaimMargin);
  if (!claimed) {
    return std::move(claimed).error();
  }
  if (!*claimed) {
    return PollSummary{.feed = feed.id, .kind = PollSummary::Kind::busy};
  }
  // Read again under the claim: a poll that ended since the caller's read moved the
  // validators and the first-poll flag.
  auto current = store_.find_feed(feed.id);
  if (!current) {
    return std::move(current).error();
  }
  return poll_claimed(*current);
}

Result<std::vector<PollSummary>> FeedPoller::poll_due(std::size_t limit) {
  auto due = store_.due_feeds(clock_(), limit);
  if (!due) {
    return std::move(due).error();
  }
  std::vector<PollSummary> polled;
  for (const Feed& feed : *due) {
    auto summary = poll(feed);
    if (!summary) {
      return std::move(summary).error();
    }
    if (summary->kind != PollSummary::Kind::busy) {
      polled.push_back(std::move(*summary));
    }
  }
  return polled;
}

void FeedPoller::run(const std::atomic<bool>& stop) {
  constexpr auto kLookEvery = std::chrono::seconds(1);
  constexpr auto kNap = std::chrono::milliseconds(100);
  while (!stop) {
    auto due = store_.due_feeds(clock_(), settings_.poll_concurrency);
    if (!due) {
      logger("feeds")->error("could not read the due feeds: {}", due.error().message);
    } else if (!due->empty()) {
      std::vector<std::thread> polls;
      polls.reserve(due->size());
      for (const Feed& feed : *due) {
        polls.emplace_back([this, feed] {
          if (auto polled = poll(feed); !polled) {
            logger("feeds")->error("feed {}: {}", feed.id, polled.error().message);
          }
        });
      }
      for (auto& thread : polls) {
        thread.join();
      }
      continue;  // more may be due at once
    }
    for (auto waited = std::chrono::milliseconds(0); waited < kLookEvery && !stop; waited += kNap) {
      std::this_thread::sleep_for(kNap);
    }
  }
}

Result<PollSummary> FeedPoller::record_failure(const Feed& feed, const FeedPollOutcome& outcome,
                                               Timestamp now) {
  auto recorded = store_.record_feed_poll(feed.id, {}, outcome, now);
  if (!recorded) {
    return std::move(recorded).error();
  }
  logger("feeds")->warn("feed {} ({}): {}", feed.id, feed.url, outcome.last_error);
  return PollSummary{
      .feed = feed.id, .kind = PollSummary::Kind::failed, .message = outcome.last_error};
}

Result<PollSummary> FeedPoller::poll_claimed(const Feed& feed) {
  const Timestamp now = clock_();
  auto fetched = fetch_feed(feed.url, FetchValidators{feed.etag, feed.last_modified},
                            fetch_settings(settings_), now);
  if (!fetched) {
    return record_failure(feed, poll_failed(feed, "error", fetched.error().message, {}, now), now);
  }
  switch (fetched->outcome) {
    case FetchOutcome::gone:
      return record_failure(feed, poll_gone(feed, now), now);
    case FetchOutcome::retry_later: {
      const std::string message =
          fmt::format("the server asked for no poll {}(HTTP {})",
                      fetched->retry_after ? "before " + format_iso8601(*fetched->retry_after) + " "
                                           : std::string("for now "),
                      fetched->status);
      return record_failure(
          feed,
          poll_failed(feed, std::to_string(fetched->status), message, fetched->retry_after, now),
          now);
    }
    case FetchOutcome::not_modified: {
      auto outcome = poll_succeeded(feed, fetched->status, fetched->validators.etag,
                                    fetched->validators.last_modified, {}, {}, now);
      auto recorded = store_.record_feed_poll(feed.id, {}, outcome, now);
      if (!recorded) {
        return std::move(recorded).error();
      }
      return PollSummary{.feed = feed.id, .kind = PollSummary::Kind::unchanged};
    }
    case FetchOutcome::fetched:
      break;
  }
  auto parsed = parse_feed(fetched->body, fetched->content_type, fetched->final_url);
  if (!parsed) {
    return record_failure(
        feed,
        poll_failed(feed, std::to_string(fetched->status),
                    "the document is not a feed Communiqué reads: " + parsed.error().message, {},
                    now),
        now);
  }
  // The document is read: its bytes go before the writes are made, and the items once the
  // writes carry what is kept of them, so that the document is held about once, not thrice.
  std::string().swap(fetched->body);
  auto recorded_items = store_.recorded_items(feed.id);
  if (!recorded_items) {
    return std::move(recorded_items).error();
  }
  const auto writes = plan_feed_sync(feed, *parsed, *recorded_items, now);
  auto outcome = poll_succeeded(
      feed, fetched->status, fetched->validators.etag, fetched->validators.last_modified,
      static_cast<std::int64_t>(parsed->items.size()), parsed->title, now);
  std::vector<FeedItem>().swap(parsed->items);
  auto counts = store_.record_feed_poll(feed.id, writes, outcome, now);
  if (!counts) {
    // The transaction wrote nothing: say why on the feed, so that `feeds ls` shows it.
    return record_failure(
        feed,
        poll_failed(feed, "error", "its items could not be stored: " + counts.error().message, {},
                    now),
        now);
  }
  const bool changed = counts->created + counts->updated + counts->kept + counts->recorded > 0;
  if (changed) {
    logger("feeds")->info("feed {}: {} new, {} updated", feed.id, counts->created, counts->updated);
  }
  return PollSummary{.feed = feed.id,
                     .kind = changed ? PollSummary::Kind::changed : PollSummary::Kind::unchanged,
                     .counts = *counts};
}

}  // namespace communique
