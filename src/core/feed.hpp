// Feeds: RSS, Atom and JSON Feed documents that a list follows, whose items become posts in
// one of its sections with the feed's topics.
//
// A feed is polled every `every` (spread per feed), remembers the validators of its last
// answer (so an unchanged document costs a 304), and records every item it has shown by a
// key (the GUID, or the link), so that an item fetched again is known: a changed one
// updates its post, an unchanged one does nothing. Its status says whether polls work
// (active), keep failing (failing: three in a row) or were told to stop (gone: HTTP 410).
// The writes of one poll (FeedItemWrite) are decided by feeds/feed_sync and made by the
// store in one transaction.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/post.hpp"
#include "core/time.hpp"

namespace communique {

using FeedId = std::int64_t;

enum class FeedStatus { active, failing, gone };
std::string_view to_string(FeedStatus status);  // "active" | "failing" | "gone"
std::optional<FeedStatus> parse_feed_status(std::string_view text);

// How an item is known again: its GUID (its link when it has none), or always its link.
enum class FeedIdFrom { guid, link };
std::string_view to_string(FeedIdFrom from);  // "guid" | "link"
std::optional<FeedIdFrom> parse_feed_id_from(std::string_view text);

struct Feed {
  FeedId id = 0;
  ListId list_id = 0;
  SectionId section_id = 0;
  std::string url;
  std::string title;  // what the feed calls itself, from its last document
  std::chrono::seconds every{3600};
  FeedIdFrom id_from = FeedIdFrom::guid;
  bool review = false;   // items become drafts
  std::string language;  // when neither the item nor the feed says
  FeedStatus status = FeedStatus::active;
  std::string etag;           // validators of the last answer, sent back as
  std::string last_modified;  // If-None-Match and If-Modified-Since
  std::optional<Timestamp> last_fetched_at;
  std::string last_status;  // "200", "304", "410", "error"; empty before the first poll
  std::string last_error;   // the last failed poll's message; empty after a success
  int failures = 0;         // failed polls in a row
  Timestamp next_poll_at{};
  std::optional<Timestamp> retry_after;  // the server asked for no poll before it
  std::int64_t items = 0;                // items in its last document
  int backfill = 0;                      // the first poll publishes the newest N items (0: none)
  bool polled_once = false;              // its first document was read
  std::vector<TopicId> topics;
  Timestamp created_at{};
  Timestamp updated_at{};
};

// What changes on a feed; an absent field stays as it is.
struct FeedChanges {
  std::optional<std::chrono::seconds> every;
  std::optional<FeedIdFrom> id_from;
  std::optional<bool> review;
  std::optional<std::string> language;
  std::optional<std::vector<TopicId>> topics;
};

// An item the feed showed before, as recorded: its post (none: recorded without one), the
// hash of what it said then, and whether a digest carried its post (which then stays as
// it went out).
struct RecordedItem {
  std::string key;
  std::optional<PostId> post;
  std::string content_hash;
  bool carried = false;
};

// What one poll does with one item.
enum class ItemAction {
  create_post,  // new: becomes a post (draft or published)
  update_post,  // seen before, changed: its post takes the new title, body and language
  record_only,  // new on the first poll, or changed without a post: recorded, not published
  unchanged,    // seen before, same content: nothing
  kept,         // seen before, changed, but a digest carried its post: the post stays
};
std::string_view to_string(ItemAction action);

struct FeedItemWrite {
  ItemAction action = ItemAction::unchanged;
  std::string key;
  std::string content_hash;
  // create_post: the post to write; update_post: its id, title, body and language.
  Post post;
};

// How many items of a poll went which way.
struct FeedPollCounts {
  int created = 0;
  int updated = 0;
  int unchanged = 0;
  int kept = 0;
  int recorded = 0;
};

// What a poll says about the feed itself, written with its items.
struct FeedPollOutcome {
  FeedStatus status = FeedStatus::active;
  std::string etag;
  std::string last_modified;
  std::string last_status;
  std::string last_error;
  int failures = 0;
  Timestamp next_poll_at{};
  std::optional<Timestamp> retry_after;
  std::optional<std::int64_t> items;  // none: as it was (no document read)
  std::optional<std::string> title;   // none: as it was
  bool polled_once = false;
};

// Checks a feed's URL: http or https (any case; written lower-case), a host that is ASCII
// (an IDN in its xn-- form) and well formed, no user name or password (they would be sent
// and shown everywhere), no spaces or control characters, at most 2000 bytes. The message
// says what to give instead and never repeats credentials.
Result<std::string> validate_feed_url(std::string_view url);

// Checks and normalises what a person gives for a new or changed feed (URL, interval of at
// least `min_every`, language, backfill): the one set of rules for the CLI and the API.
// The message of an error names the field ("every: ...").
Result<Feed> normalise_feed(Feed feed, std::chrono::seconds min_every);
Result<FeedChanges> normalise_feed_changes(FeedChanges changes, std::chrono::seconds min_every);

// The source a feed's posts carry: "feed:ID".
std::string feed_source(FeedId id);

}  // namespace communique
