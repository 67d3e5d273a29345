// poll_policy: next polls and statuses (see the header's table).
#include "feeds/poll_policy.hpp"

#include <algorithm>
#include <cstdint>

namespace communique {

std::chrono::seconds poll_jitter(FeedId id, std::chrono::seconds every) {
  const std::int64_t most = every.count() / 10;
  if (most <= 0) {
    return std::chrono::seconds(0);
  }
  // A multiplicative hash of the id spreads neighbouring ids over the whole range.
  const std::uint64_t mixed = static_cast<std::uint64_t>(id) * 0x9E3779B97F4A7C15ULL;
  return std::chrono::seconds(
      static_cast<std::int64_t>((mixed >> 32) % static_cast<std::uint64_t>(most + 1)));
}

FeedPollOutcome poll_succeeded(const Feed& feed, int status, std::string etag,
                               std::string last_modified, std::optional<std::int64_t> items,
                               std::optional<std::string> title, Timestamp now) {
  FeedPollOutcome outcome;
  outcome.status = FeedStatus::active;
  outcome.etag = std::move(etag);
  outcome.last_modified = std::move(last_modified);
  outcome.last_status = std::to_string(status);
  outcome.failures = 0;
  outcome.next_poll_at = now + feed.every + poll_jitter(feed.id, feed.every);
  outcome.items = items;
  outcome.title = std::move(title);
  outcome.polled_once = feed.polled_once || items.has_value();
  return outcome;
}

FeedPollOutcome poll_failed(const Feed& feed, const std::string& status, const std::string& message,
                            std::optional<Timestamp> retry_after, Timestamp now,
                            const PollPolicySettings& settings) {
  FeedPollOutcome outcome;
  outcome.failures = feed.failures + 1;
  outcome.status =
      outcome.failures >= settings.failing_after ? FeedStatus::failing : FeedStatus::active;
  outcome.etag = feed.etag;
  outcome.last_modified = feed.last_modified;
  outcome.last_status = status;
  outcome.last_error = message;
  // every × 2^failures, doubling no further once past the cap.
  std::chrono::seconds delay = std::max(feed.every, std::chrono::seconds(1));
  for (int i = 0; i < outcome.failures && delay < settings.most_backoff; ++i) {
    delay *= 2;
  }
  delay = std::min(delay, settings.most_backoff);
  outcome.next_poll_at = now + delay;
  if (retry_after && *retry_after > outcome.next_poll_at) {
    outcome.next_poll_at = *retry_after;
  }
  outcome.retry_after = retry_after;
  outcome.polled_once = feed.polled_once;
  return outcome;
}

FeedPollOutcome poll_gone(const Feed& feed, Timestamp now) {
  FeedPollOutcome outcome;
  outcome.status = FeedStatus::gone;
  outcome.etag = feed.etag;
  outcome.last_modified = feed.last_modified;
  outcome.last_status = "410";
  outcome.last_error =
      "the server says the feed is gone for good (HTTP 410); it is no longer polled "
      "(communique feeds rm " +
      std::to_string(feed.id) + " removes it)";
  outcome.failures = feed.failures;
  outcome.next_poll_at = std::max(feed.next_poll_at, now);
  outcome.polled_once = feed.polled_once;
  return outcome;
}

}  // namespace communique
