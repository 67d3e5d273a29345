// FeedStore: the feeds a list follows, the items each has shown, and the one write that
// records a poll.
//
// Policy: a feed's section and topics are of its own list. Every write of one poll (new
// posts, updated posts, recorded items and the feed's own outcome) is one transaction
// (record_feed_poll), so that a poll that fails half way changes no post. A post a digest
// carried is never changed by a feed, and the store checks that again as it writes (the
// decision was made on what was read before). An item whose post exists already (same
// source and external id, written by another poll) is linked to it, not written again, so
// that a lost race is never a failure. Removing a feed keeps its posts. Two pollers never
// poll one feed at once: each claims it first (claim_feed), forced polls too.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "base/result.hpp"
#include "core/feed.hpp"

namespace communique {

class FeedStore {
 public:
  virtual ~FeedStore() = default;

  // Writes a new feed with its topics (next_poll_at as given). not_found when its list,
  // section or a topic is not there or not of its list.
  virtual Result<Feed> create_feed(const Feed& feed, Timestamp now) = 0;
  virtual Result<Feed> find_feed(FeedId id) = 0;
  // Every feed, by id, with its topics.
  virtual Result<std::vector<Feed>> feeds() = 0;
  virtual Result<Feed> update_feed(FeedId id, const FeedChanges& changes, Timestamp now) = 0;
  // Removes the feed and its record of items; its posts stay.
  virtual Result<void> remove_feed(FeedId id) = 0;

  // The items the feed has shown, with their posts and whether a digest carried them.
  virtual Result<std::vector<RecordedItem>> recorded_items(FeedId id) = 0;
  // Feeds not gone whose next poll is at or before `now`, soonest first, at most `limit`.
  virtual Result<std::vector<Feed>> due_feeds(Timestamp now, std::size_t limit) = 0;
  // Claims feed `id` for one poll until `until`: false when another poller holds it at
  // `now`, and, for a scheduled poll (`seen`: the next poll the caller read), when its next
  // poll moved since that read (a poll ran). A forced poll passes no `seen`.
  // record_feed_poll ends the claim. A claimed feed is not due.
  virtual Result<bool> claim_feed(FeedId id, std::optional<Timestamp> seen, Timestamp now,
                                  Timestamp until) = 0;
  // Makes `writes` (what feed_sync decided) and writes `outcome` on the feed, as one
  // transaction; what was done. An update whose post a digest carried since it was read
  // is counted as kept and not made.
  virtual Result<FeedPollCounts> record_feed_poll(FeedId id, std::span<const FeedItemWrite> writes,
                                                  const FeedPollOutcome& outcome,
                                                  Timestamp now) = 0;
};

}  // namespace communique
