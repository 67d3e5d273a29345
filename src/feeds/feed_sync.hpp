// feed_sync: what one poll does with each item of a parsed feed, given what the feed has
// recorded of earlier polls. Pure policy: the poller (feeds/feed_poller) fetches and parses,
// the store makes the writes in one transaction (FeedStore::record_feed_poll).
//
//   item key           the GUID; the link when the GUID is empty or the feed says
//                      --id-from link (trimmed, without its #fragment). No key: skipped.
//   key seen earlier
//     in this document  skipped (the first one counts)
//   not recorded,
//     first poll        record_only, except the newest `backfill` (by date when every item
//                       has one, else the first in document order): create_post
//     later poll        create_post
//   recorded, same hash unchanged
//   recorded, changed   update_post; kept when a digest carried its post (its readers got
//                       it as it was); record_only when it has no post
//
// A new post is a draft on a review feed, else published at the item's date (published,
// else updated, else the time it was first seen). Its body is the item's sanitised HTML as
// Markdown, ending with a "[Read on HOST](link)" line when the item has a link, so that a
// reader of a digest can reach the whole page. Its language is the item's, else the
// feed document's, else the feed setting's (an unknown tag reads as none). An empty title
// becomes the first words of the text. New posts are written oldest first, so that their
// numbers follow their dates. The content hash covers title, link and content.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/feed.hpp"
#include "feeds/feed_parse.hpp"

namespace communique {

// The key an item is known by (empty: it has neither GUID nor link).
std::string feed_item_key(const FeedItem& item, FeedIdFrom from);

// A link as a key: trimmed, without its fragment.
std::string normalise_item_link(std::string_view link);

// A stable hash (hex) of what the item says: title, link and content.
std::string feed_item_hash(const FeedItem& item);

// The writes of one poll of `feed` (its id, list, section, topics, review, language,
// backfill and whether it was polled before) that read `parsed`, given `recorded`.
std::vector<FeedItemWrite> plan_feed_sync(const Feed& feed, const ParsedFeed& parsed,
                                          std::span<const RecordedItem> recorded, Timestamp now);

}  // namespace communique
