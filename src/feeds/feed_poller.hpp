// FeedPoller: polls a feed — fetches it with its validators, parses it, decides what each
// item does (feeds/feed_sync) and records the poll with its posts in one transaction
// (FeedStore::record_feed_poll), with the next poll and status that feeds/poll_policy
// gives. The mechanism around those two policies.
//
// Policy: a poll is claimed first (FeedStore::claim_feed moves the feed's next poll past
// the time the poll can take), so that two pollers (two servers, or `feeds poll` beside
// `serve`) never poll one feed at once. A failed fetch, an unreadable document or a refused
// write records the error on the feed and changes no post. 304: nothing to do. 410: the
// feed is gone. 429/503: no poll before the server's Retry-After.
// run() is `serve`'s loop: it asks for the due feeds every second.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "core/feed.hpp"
#include "core/time.hpp"
#include "store/feed_store.hpp"

namespace communique {

// [feeds]: fetching limits and polling.
struct FeedSettings {
  bool allow_private_networks = false;  // loopback, private and link-local addresses refused
  std::size_t max_body_mb = 15;         // a larger document is refused
  std::chrono::seconds timeout{20};     // a fetch, redirects included
  std::chrono::seconds default_every{std::chrono::hours(1)};  // `feeds add` without --every
  std::chrono::seconds min_every{60};                         // the shortest --every accepted
  std::size_t poll_concurrency = 2;                           // feeds `serve` polls at once
};

// What a poll did, for the CLI's line and the API.
struct PollSummary {
  enum class Kind { changed, unchanged, failed, waiting, busy };
  FeedId feed = 0;
  Kind kind = Kind::unchanged;
  FeedPollCounts counts;
  std::string message;  // failed: the error; waiting: until when
};

// "feed N: new X, updated U" (", kept K", ", recorded R" when some), "feed N: unchanged",
// "feed N: error: ...", "feed N: waiting: ...", "feed N: busy: ...".
std::string describe(const PollSummary& summary);

class FeedPoller {
 public:
  FeedPoller(FeedStore& store, FeedSettings settings, Clock clock)
      : store_(store), settings_(settings), clock_(std::move(clock)) {}

  // Claims and polls `feed` (as read from the store), whatever its next poll says.
  Result<PollSummary> poll(const Feed& feed);
  // Claims and polls the feeds due now, at most `limit`, one after the other.
  Result<std::vector<PollSummary>> poll_due(std::size_t limit);
  // What `serve` runs beside the server until `stop`: every second, the due feeds, at most
  // poll_concurrency at once, each on a thread of its own (a fetch blocks up to its timeout).
  void run(const std::atomic<bool>& stop);

 private:
  // Polls a claimed feed.
  Result<PollSummary> poll_claimed(const Feed& feed);
  Result<PollSummary> record_failure(const Feed& feed, const FeedPollOutcome& outcome,
                                     Timestamp now);

  FeedStore& store_;
  FeedSettings settings_;
  Clock clock_;
};

}  // namespace communique
