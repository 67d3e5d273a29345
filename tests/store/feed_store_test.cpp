// The feed area of the store: feeds with their topics, claims, and the record of a poll
// with its posts in one transaction.
#include "store/feed_store.hpp"

#include <gtest/gtest.h>

#include "store/open_store.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/store.hpp"
#include "test_support.hpp"

namespace communique {
namespace {

using communique::testing::fixed_time;
using communique::testing::TempDir;

class FeedStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = open_store(StoreSettings{}, dir_.path() / "data");
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    auto list = store_->create_list(NewList{.name = "press"}, fixed_time());
    ASSERT_TRUE(list);
    list_ = *list;
    auto section = store_->create_section(list_.id, "News", fixed_time());
    ASSERT_TRUE(section);
    news_ = section->id;
    auto topic = store_->create_topic(list_.id, "energy", "", fixed_time());
    ASSERT_TRUE(topic);
    energy_ = topic->id;
  }

  void TearDown() override {
    if (auto* sqlite = dynamic_cast<SqliteStore*>(store_.get())) {
      EXPECT_EQ(sqlite->calls_left_in_transaction(), 0);
    }
  }

  Feed add_feed() {
    Feed feed;
    feed.list_id = list_.id;
    feed.section_id = news_;
    feed.url = "https://example.org/feed.xml";
    feed.topics = {energy_};
    feed.next_poll_at = fixed_time();
    auto made = store_->create_feed(feed, fixed_time());
    EXPECT_TRUE(made) << (made ? "" : made.error().message);
    return made ? *made : Feed{};
  }

  FeedItemWrite new_item(const Feed& feed, const std::string& key, const std::string& title) {
    FeedItemWrite write;
    write.action = ItemAction::create_post;
    write.key = key;
    write.content_hash = "h-" + title;
    write.post.list_id = list_.id;
    write.post.section_id = news_;
    write.post.title = title;
    write.post.body = "Body of " + title;
    write.post.status = PostStatus::published;
    write.post.published_at = fixed_time();
    write.post.source = feed_source(feed.id);
    write.post.external_id = key;
    write.post.topics = feed.topics;
    return write;
  }

  FeedPollOutcome success() {
    FeedPollOutcome outcome;
    outcome.last_status = "200";
    outcome.next_poll_at = fixed_time(3600);
    outcome.items = 1;
    outcome.polled_once = true;
    return outcome;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  MailingList list_;
  SectionId news_ = 0;
  TopicId energy_ = 0;
};

TEST_F(FeedStoreTest, AFeedIsWrittenWithItsTopicsAndRead) {
  const Feed feed = add_feed();
  auto found = store_->find_feed(feed.id);
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->url, "https://example.org/feed.xml");
  EXPECT_EQ(found->topics, std::vector<TopicId>{energy_});
  EXPECT_EQ(found->status, FeedStatus::active);
  EXPECT_FALSE(found->polled_once);
}

TEST_F(FeedStoreTest, ASectionOfAnotherListIsRefused) {
  auto other = store_->create_list(NewList{.name = "other"}, fixed_time());
  ASSERT_TRUE(other);
  Feed feed;
  feed.list_id = other->id;
  feed.section_id = news_;
  feed.url = "https://example.org/feed.xml";
  auto made = store_->create_feed(feed, fixed_time());
  ASSERT_FALSE(made);
  EXPECT_EQ(made.error().code, ErrorCode::not_found);
}

TEST_F(FeedStoreTest, OfTwoClaimsOnTheSameReadOnlyTheFirstWins) {
  const Feed feed = add_feed();
  auto first = store_->claim_feed(feed.id, feed.next_poll_at, fixed_time(), fixed_time(100));
  auto second = store_->claim_feed(feed.id, feed.next_poll_at, fixed_time(), fixed_time(100));
  ASSERT_TRUE(first && second);
  EXPECT_TRUE(*first);
  EXPECT_FALSE(*second);
  auto due = store_->due_feeds(fixed_time(50), 10);
  ASSERT_TRUE(due);
  EXPECT_TRUE(due->empty());
}

TEST_F(FeedStoreTest, AForcedClaimIsRefusedWhileAnotherPollHoldsTheFeed) {
  const Feed feed = add_feed();
  auto scheduled = store_->claim_feed(feed.id, feed.next_poll_at, fixed_time(), fixed_time(100));
  auto forced = store_->claim_feed(feed.id, std::nullopt, fixed_time(10), fixed_time(110));
  ASSERT_TRUE(scheduled && forced);
  EXPECT_TRUE(*scheduled);
  EXPECT_FALSE(*forced);
}

TEST_F(FeedStoreTest, RecordingThePollEndsItsClaim) {
  const Feed feed = add_feed();
  ASSERT_TRUE(*store_->claim_feed(feed.id, std::nullopt, fixed_time(), fixed_time(100)));
  ASSERT_TRUE(store_->record_feed_poll(feed.id, {}, success(), fixed_time(10)));
  auto again = store_->claim_feed(feed.id, std::nullopt, fixed_time(20), fixed_time(120));
  ASSERT_TRUE(again);
  EXPECT_TRUE(*again);
}

TEST_F(FeedStoreTest, AnExpiredClaimNoLongerHoldsTheFeed) {
  const Feed feed = add_feed();
  ASSERT_TRUE(*store_->claim_feed(feed.id, std::nullopt, fixed_time(), fixed_time(100)));
  auto later = store_->claim_feed(feed.id, std::nullopt, fixed_time(100), fixed_time(200));
  ASSERT_TRUE(later);
  EXPECT_TRUE(*later);
}

TEST_F(FeedStoreTest, AScheduledClaimOnAStaleReadIsRefused) {
  const Feed feed = add_feed();
  ASSERT_TRUE(*store_->claim_feed(feed.id, feed.next_poll_at, fixed_time(), fixed_time(100)));
  ASSERT_TRUE(store_->record_feed_poll(feed.id, {}, success(), fixed_time(10)));
  // The poll ended and moved the next poll: a poller that read the feed before must not poll.
  auto stale = store_->claim_feed(feed.id, feed.next_poll_at, fixed_time(20), fixed_time(120));
  ASSERT_TRUE(stale);
  EXPECT_FALSE(*stale);
}

TEST_F(FeedStoreTest, AnItemWhosePostAnotherPollWroteIsLinkedNotAFailure) {
  const Feed feed = add_feed();
  const FeedItemWrite writes[] = {new_item(feed, "a", "First")};
  ASSERT_TRUE(store_->record_feed_poll(feed.id, writes, success(), fixed_time(10)));
  auto again = store_->record_feed_poll(feed.id, writes, success(), fixed_time(20));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->created, 0);
  auto items = store_->recorded_items(feed.id);
  ASSERT_TRUE(items);
  ASSERT_EQ(items->size(), 1U);
  EXPECT_TRUE(items->front().post.has_value());
}

TEST_F(FeedStoreTest, APollWritesItsPostsItemsAndOutcomeTogether) {
  const Feed feed = add_feed();
  const FeedItemWrite writes[] = {new_item(feed, "a", "First"), new_item(feed, "b", "Second")};
  auto counts = store_->record_feed_poll(feed.id, writes, success(), fixed_time(10));
  ASSERT_TRUE(counts) << counts.error().message;
  EXPECT_EQ(counts->created, 2);
  auto items = store_->recorded_items(feed.id);
  ASSERT_TRUE(items);
  ASSERT_EQ(items->size(), 2U);
  auto posts = store_->posts(PostFilter{.list = list_.id});
  ASSERT_TRUE(posts);
  ASSERT_EQ(posts->size(), 2U);
  EXPECT_EQ(posts->front().source, feed_source(feed.id));
  EXPECT_EQ(posts->front().topics, std::vector<TopicId>{energy_});
  auto read = store_->find_feed(feed.id);
  ASSERT_TRUE(read);
  EXPECT_TRUE(read->polled_once);
  EXPECT_EQ(read->next_poll_at, fixed_time(3600));
}

TEST_F(FeedStoreTest, APollThatFailsHalfWayWritesNothing) {
  const Feed feed = add_feed();
  FeedItemWrite broken = new_item(feed, "b", "Second");
  broken.post.section_id = 9999;  // no such section: the second write fails
  const FeedItemWrite writes[] = {new_item(feed, "a", "First"), broken};
  auto counts = store_->record_feed_poll(feed.id, writes, success(), fixed_time(10));
  ASSERT_FALSE(counts);
  auto posts = store_->posts(PostFilter{.list = list_.id});
  ASSERT_TRUE(posts);
  EXPECT_TRUE(posts->empty());
  auto items = store_->recorded_items(feed.id);
  ASSERT_TRUE(items);
  EXPECT_TRUE(items->empty());
  auto read = store_->find_feed(feed.id);
  ASSERT_TRUE(read);
  EXPECT_FALSE(read->polled_once);
}

TEST_F(FeedStoreTest, AnUpdateOfAPostADigestCarriedIsKept) {
  const Feed feed = add_feed();
  const FeedItemWrite first[] = {new_item(feed, "a", "First")};
  ASSERT_TRUE(store_->record_feed_poll(feed.id, first, success(), fixed_time(10)));
  auto items = store_->recorded_items(feed.id);
  ASSERT_TRUE(items && items->size() == 1 && items->front().post);
  const PostId post = *items->front().post;
  // A digest carries the post.
  Issue issue;
  issue.kind = IssueKind::digest;
  issue.subject = "Press";
  issue.lists = {list_.id};
  issue.posts = {post};
  ASSERT_TRUE(store_->create_issue(issue, fixed_time(20)));
  items = store_->recorded_items(feed.id);
  ASSERT_TRUE(items);
  EXPECT_TRUE(items->front().carried);

  FeedItemWrite update = new_item(feed, "a", "First, changed");
  update.action = ItemAction::update_post;
  update.post.id = post;
  const FeedItemWrite second[] = {update};
  auto counts = store_->record_feed_poll(feed.id, second, success(), fixed_time(30));
  ASSERT_TRUE(counts) << counts.error().message;
  EXPECT_EQ(counts->kept, 1);
  EXPECT_EQ(counts->updated, 0);
  auto read = store_->find_post(post);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->title, "First");
}

TEST_F(FeedStoreTest, RemovingAFeedKeepsItsPosts) {
  const Feed feed = add_feed();
  const FeedItemWrite writes[] = {new_item(feed, "a", "First")};
  ASSERT_TRUE(store_->record_feed_poll(feed.id, writes, success(), fixed_time(10)));
  ASSERT_TRUE(store_->remove_feed(feed.id));
  auto posts = store_->posts(PostFilter{.list = list_.id});
  ASSERT_TRUE(posts);
  EXPECT_EQ(posts->size(), 1U);
  EXPECT_FALSE(store_->find_feed(feed.id));
}

}  // namespace
}  // namespace communique
