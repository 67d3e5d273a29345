// feed_sync: what one poll does with each item, over hand-made parsed feeds.
#include "feeds/feed_sync.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace communique {
namespace {

using communique::testing::fixed_time;

FeedItem item(const std::string& guid, const std::string& title,
              std::optional<Timestamp> published = std::nullopt) {
  FeedItem made;
  made.guid = guid;
  made.link = "https://example.org/" + guid;
  made.title = title;
  made.content_html = "<p>About " + title + "</p>";
  made.published = published;
  return made;
}

Feed polled_feed() {
  Feed feed;
  feed.id = 7;
  feed.list_id = 1;
  feed.section_id = 2;
  feed.topics = {3};
  feed.polled_once = true;
  return feed;
}

std::vector<ItemAction> actions(const std::vector<FeedItemWrite>& writes) {
  std::vector<ItemAction> found;
  for (const auto& write : writes) {
    found.push_back(write.action);
  }
  return found;
}

RecordedItem recorded(const FeedItem& of, std::optional<PostId> post, bool carried = false) {
  return RecordedItem{of.guid, post, feed_item_hash(of), carried};
}

TEST(FeedSync, ANewItemBecomesAPublishedPostOfTheFeedsSectionAndTopics) {
  ParsedFeed parsed;
  parsed.items = {item("a", "Minister visits", fixed_time(-60))};
  const auto writes = plan_feed_sync(polled_feed(), parsed, {}, fixed_time());
  ASSERT_EQ(writes.size(), 1U);
  EXPECT_EQ(writes[0].action, ItemAction::create_post);
  const Post& post = writes[0].post;
  EXPECT_EQ(post.title, "Minister visits");
  EXPECT_EQ(post.section_id, 2);
  EXPECT_EQ(post.topics, std::vector<TopicId>{3});
  EXPECT_EQ(post.status, PostStatus::published);
  EXPECT_EQ(post.published_at, fixed_time(-60));
  EXPECT_EQ(post.source, "feed:7");
  EXPECT_EQ(post.external_id, "a");
  EXPECT_NE(post.body.find("[Read on example.org](https://example.org/a)"), std::string::npos);
}

TEST(FeedSync, AnItemSeenWithTheSameContentIsUnchanged) {
  ParsedFeed parsed;
  parsed.items = {item("a", "Minister visits")};
  const RecordedItem known[] = {recorded(parsed.items[0], 10)};
  const auto writes = plan_feed_sync(polled_feed(), parsed, known, fixed_time());
  EXPECT_EQ(actions(writes), std::vector<ItemAction>{ItemAction::unchanged});
}

TEST(FeedSync, AChangedItemUpdatesItsPost) {
  ParsedFeed parsed;
  parsed.items = {item("a", "Minister visits")};
  const RecordedItem known[] = {recorded(item("a", "Minister visit"), 10)};
  const auto writes = plan_feed_sync(polled_feed(), parsed, known, fixed_time());
  ASSERT_EQ(actions(writes), std::vector<ItemAction>{ItemAction::update_post});
  EXPECT_EQ(writes[0].post.id, 10);
  EXPECT_EQ(writes[0].post.title, "Minister visits");
}

TEST(FeedSync, AChangedItemWhosePostADigestCarriedIsKept) {
  ParsedFeed parsed;
  parsed.items = {item("a", "Minister visits")};
  const RecordedItem known[] = {recorded(item("a", "Minister visit"), 10, true)};
  const auto writes = plan_feed_sync(polled_feed(), parsed, known, fixed_time());
  EXPECT_EQ(actions(writes), std::vector<ItemAction>{ItemAction::kept});
}

TEST(FeedSync, TheFirstPollRecordsItemsWithoutPublishing) {
  Feed feed = polled_feed();
  feed.polled_once = false;
  ParsedFeed parsed;
  parsed.items = {item("a", "One"), item("b", "Two"), item("c", "Three")};
  const auto writes = plan_feed_sync(feed, parsed, {}, fixed_time());
  EXPECT_EQ(actions(writes), std::vector<ItemAction>(3, ItemAction::record_only));
}

TEST(FeedSync, BackfillTakesTheNewestByDate) {
  Feed feed = polled_feed();
  feed.polled_once = false;
  feed.backfill = 2;
  ParsedFeed parsed;
  // Not in date order: the newest are b and c.
  parsed.items = {item("a", "Old", fixed_time(-300)), item("b", "Newest", fixed_time(-10)),
                  item("c", "Newer", fixed_time(-20))};
  const auto writes = plan_feed_sync(feed, parsed, {}, fixed_time());
  ASSERT_EQ(writes.size(), 3U);
  std::vector<std::string> published;
  for (const auto& write : writes) {
    if (write.action == ItemAction::create_post) {
      published.push_back(write.key);
    }
  }
  // Written oldest first (document order reversed).
  EXPECT_EQ(published, (std::vector<std::string>{"c", "b"}));
}

TEST(FeedSync, BackfillWithoutDatesTakesTheFirstInDocumentOrder) {
  Feed feed = polled_feed();
  feed.polled_once = false;
  feed.backfill = 1;
  ParsedFeed parsed;
  parsed.items = {item("a", "First"), item("b", "Second")};
  const auto writes = plan_feed_sync(feed, parsed, {}, fixed_time());
  ASSERT_EQ(writes.size(), 2U);
  EXPECT_EQ(writes[0].key, "b");
  EXPECT_EQ(writes[0].action, ItemAction::record_only);
  EXPECT_EQ(writes[1].key, "a");
  EXPECT_EQ(writes[1].action, ItemAction::create_post);
  EXPECT_EQ(writes[1].post.published_at, fixed_time());  // no date: first seen
}

TEST(FeedSync, IdFromLinkIgnoresGuidsThatChange) {
  Feed feed = polled_feed();
  feed.id_from = FeedIdFrom::link;
  FeedItem before = item("guid-1", "Same");
  before.link = "https://example.org/same#top";
  FeedItem now = before;
  now.guid = "guid-2";
  ParsedFeed parsed;
  parsed.items = {now};
  const RecordedItem known[] = {
      RecordedItem{"https://example.org/same", 10, feed_item_hash(before), false}};
  const auto writes = plan_feed_sync(feed, parsed, known, fixed_time());
  EXPECT_EQ(actions(writes), std::vector<ItemAction>{ItemAction::unchanged});
}

TEST(FeedSync, AnItemWithoutGuidIsKnownByItsLink) {
  FeedItem without = item("", "No guid");
  without.link = "  https://example.org/x#frag ";
  EXPECT_EQ(feed_item_key(without, FeedIdFrom::guid), "https://example.org/x");
}

TEST(FeedSync, AReviewFeedAddsDrafts) {
  Feed feed = polled_feed();
  feed.review = true;
  ParsedFeed parsed;
  parsed.items = {item("a", "Draft me", fixed_time(-60))};
  const auto writes = plan_feed_sync(feed, parsed, {}, fixed_time());
  ASSERT_EQ(writes.size(), 1U);
  EXPECT_EQ(writes[0].post.status, PostStatus::draft);
  EXPECT_FALSE(writes[0].post.published_at);
}

TEST(FeedSync, AnEmptyTitleTakesTheFirstWordsOfTheText) {
  ParsedFeed parsed;
  FeedItem untitled = item("a", "");
  untitled.content_html = "<p>Short note from the press office.</p>";
  parsed.items = {untitled};
  const auto writes = plan_feed_sync(polled_feed(), parsed, {}, fixed_time());
  ASSERT_EQ(writes.size(), 1U);
  EXPECT_EQ(writes[0].post.title, "Short note from the press office.");
}

TEST(FeedSync, TheLanguageIsTheItemsElseTheFeedsElseTheSetting) {
  Feed feed = polled_feed();
  feed.language = "de";
  ParsedFeed parsed;
  parsed.language = "fr";
  FeedItem english = item("a", "A");
  english.language = "en";
  parsed.items = {english, item("b", "B")};
  auto writes = plan_feed_sync(feed, parsed, {}, fixed_time());
  ASSERT_EQ(writes.size(), 2U);
  EXPECT_EQ(writes[0].post.language, "fr");  // b, written first
  EXPECT_EQ(writes[1].post.language, "en");
  parsed.language.clear();
  writes = plan_feed_sync(feed, parsed, {}, fixed_time());
  EXPECT_EQ(writes[0].post.language, "de");
}

TEST(FeedSync, AKeyTwiceInOneDocumentCountsOnce) {
  ParsedFeed parsed;
  parsed.items = {item("a", "One"), item("a", "One again")};
  const auto writes = plan_feed_sync(polled_feed(), parsed, {}, fixed_time());
  ASSERT_EQ(writes.size(), 1U);
  EXPECT_EQ(writes[0].post.title, "One");
}

}  // namespace
}  // namespace communique
