// FeedPoller: polls a feed — fetches it with its validators, parses it, decides what each
// item does (feeds/feed_sync) and records the poll with its posts in one transaction
// (FeedStore::record_feed_poll), with the next poll and status that feeds/poll_policy
// gives. The mechanism around those two policies.
//
// Policy: a poll is claimed first (FeedStore::claim_feed holds the feed for the time the
// poll can take, and is refused while another poller holds it), so that two pollers (two
// servers, or `feeds poll ID` beside `serve`) never poll one feed at once; a forced poll
// finding a claim answers busy. A failed fetch, an unreadable document or a refused
// write records the error on the feed and changes no post. 304: nothing to do. 410: the
// feed is gone. 429/503: no poll before the server's Retry-After.
// run() is `serve`'s loop: it asks for the due feeds every second.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <optional>
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
// "feed N: error: ...", "feed N: waiting: ...", "feed N: busy (another poll is running)".
std::string describe(const PollSummary& summary);

class FeedPoller {
 public:
  FeedPoller(FeedStore& store, FeedSettings settings, Clock clock)
      : store_(store), settings_(settings), clock_(std::move(clock)) {}

  // Claims and polls `feed` as read from the store when it was due: busy when another
  // poller holds it or polled it since that read.
  Result<PollSummary> poll(const Feed& feed);
  // Claims and polls feed `id` now, whatever its schedule says: busy (not an error) when
  // another poll of it is running. `feeds poll ID`, the API's poll and `feeds add`.
  Result<PollSummary> poll_now(FeedId id);
  // Claims and polls the feeds due now, at most `limit`, one after the other.
  Result<std::vector<PollSummary>> poll_due(std::size_t limit);
  // What `serve` runs beside the server until `stop`: every second, the due feeds, at most
  // poll_concurrency at once, each on a thread of its own (a fetch blocks up to its timeout).
  void run(const std::atomic<bool>& stop);

 private:
  // Claims the feed (`seen`: its next poll as read, for a scheduled poll) and polls it.
  Result<PollSummary> claim_and_poll(const Feed& feed, std::optional<Timestamp> seen);
  // Polls a claimed feed.
  Result<PollSummary> poll_claimed(const Feed& feed);
  Result<PollSummary> record_failure(const Feed& feed, const FeedPollOutcome& outcome,
                                     Timestamp now);

  FeedStore& store_;
  FeedSettings settings_;
  Clock clock_;
};

}  // namespace communique
