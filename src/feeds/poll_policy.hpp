// poll_policy: when a feed is polled next and what its status becomes, given how a poll
// went. Pure policy, apart from the fetching and parsing mechanism (feeds/feed_poller).
//
//   success (200 or 304)   next poll at now + every + a stable jitter (up to 10% of every,
//                          by feed id, so that feeds added together do not poll together);
//                          failures 0, status active, last error cleared
//   429 / 503 (retry later) as a failure, but never before the server's Retry-After
//   410 (gone)              status gone: no more polls (next poll left as it was)
//   failure                 failures + 1; next poll at now + every × 2^failures (capped at
//                          24 h); status failing from the third failure in a row
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/feed.hpp"

namespace communique {

struct PollPolicySettings {
  std::chrono::seconds most_backoff{std::chrono::hours(24)};
  int failing_after = 3;  // failures in a row that flag a feed
};

// The stable delay (0 to every/10) added to feed `id`'s polls.
std::chrono::seconds poll_jitter(FeedId id, std::chrono::seconds every);

// The outcome of a poll that read (or was told 304 about) the document; `items` and `title`
// when a document was read.
FeedPollOutcome poll_succeeded(const Feed& feed, int status, std::string etag,
                               std::string last_modified, std::optional<std::int64_t> items,
                               std::optional<std::string> title, Timestamp now);

// The outcome of a poll that failed with `message` (`status`: "error", or the HTTP status
// when the server answered), not before `retry_after` when the server asked.
FeedPollOutcome poll_failed(const Feed& feed, const std::string& status, const std::string& message,
                            std::optional<Timestamp> retry_after, Timestamp now,
                            const PollPolicySettings& settings = {});

// The outcome of a 410: the feed is gone and is not polled again.
FeedPollOutcome poll_gone(const Feed& feed, Timestamp now);

}  // namespace communique
