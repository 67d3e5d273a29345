#include "audience/subscriptions.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "forwarding_store.hpp"
#include "store/open_store.hpp"
#include "test_support.hpp"

namespace communique {
namespace {

using communique::testing::fixed_time;

// Runs `sql` on the test's database through a connection of its own, as another process
// (or an administrator's tool) would.
void run_sql(const std::filesystem::path& database, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(database.c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  char* error = nullptr;
  const int done =
      sqlite3_exec(db, ("PRAGMA foreign_keys = ON; " + sql).c_str(), nullptr, nullptr, &error);
  EXPECT_EQ(done, SQLITE_OK) << (error != nullptr ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

class SubscriptionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*open_store(StoreSettings{}, dir_.path()));
    alerts_ = *store_->create_list(NewList{.name = "Alerts"}, fixed_time());
    weekly_ = *store_->create_list(NewList{.name = "Weekly", .opt_in = OptIn::double_opt_in},
                                   fixed_time());
    staff_ = *store_->create_list(
        NewList{.name = "Staff", .visibility = ListVisibility::private_list}, fixed_time());
    travel_ = *store_->create_topic(weekly_.id, "Travel", "", fixed_time());
    const std::vector<ListId> on{alerts_.id};
    ann_ = *store_->add_subscriber(
        NewSubscriber{
            .email = *EmailAddress::parse("ann@example.org"), .name = "Ann", .language = "en"},
        on, SubscriptionStatus::confirmed, fixed_time());
  }

  std::filesystem::path database() const { return dir_.path() / "communique.db"; }

  std::map<std::string, SubscriptionStatus> statuses() {
    std::map<std::string, SubscriptionStatus> found;
    const auto subscriptions = store_->subscriptions_of(ann_.id);
    for (const auto& subscription : *subscriptions) {
      found[subscription.list_name] = subscription.status;
    }
    return found;
  }

  // Ann as she was set up: named Ann, in English, on Alerts only, with no topics.
  void expect_ann_unchanged() {
    const auto ann = *store_->find_subscriber(ann_.id);
    EXPECT_EQ(ann.name, "Ann");
    EXPECT_EQ(ann.language, "en");
    EXPECT_EQ(
        statuses(),
        (std::map<std::string, SubscriptionStatus>{{"Alerts", SubscriptionStatus::confirmed}}));
    EXPECT_TRUE(store_->topics_of_subscriber(ann_.id)->empty());
  }

  // Leave Alerts, join Weekly with its Travel topic, and change the name and language.
  PreferenceForm everything_changed() const {
    return PreferenceForm{
        .name = "Ann Smith", .language = "fr", .lists = {weekly_.id}, .topics = {travel_.id}};
  }

  communique::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  MailingList alerts_;
  MailingList weekly_;
  MailingList staff_;
  Topic travel_;
  Subscriber ann_;
};

TEST_F(SubscriptionsTest, APreferencesSaveChangesNameLanguageListsAndTopicsTogether) {
  const Subscriptions subscriptions(*store_);
  ASSERT_TRUE(subscriptions.change_preferences(ann_.id, everything_changed(), fixed_time(60)));
  const auto ann = *store_->find_subscriber(ann_.id);
  EXPECT_EQ(ann.name, "Ann Smith");
  EXPECT_EQ(ann.language, "fr");
  EXPECT_EQ(statuses(),
            (std::map<std::string, SubscriptionStatus>{{"Alerts", SubscriptionStatus::unsubscribed},
                                                       {"Weekly", SubscriptionStatus::confirmed}}));
  ASSERT_EQ(store_->topics_of_subscriber(ann_.id)->size(), 1u);
}

TEST_F(SubscriptionsTest, APreferencesSaveThatFailsHalfwayLeavesNothingWritten) {
  // The store fails on the last write of the save, after the name, the language and both
  // statuses were written in the same transaction.
  run_sql(database(),
          "CREATE TRIGGER refuse_topics BEFORE INSERT ON subscriber_topics "
          "BEGIN SELECT RAISE(ABORT, 'disk full'); END;");
  const Subscriptions subscriptions(*store_);
  EXPECT_FALSE(subscriptions.change_preferences(ann_.id, everything_changed(), fixed_time(60)));
  expect_ann_unchanged();
}

TEST_F(SubscriptionsTest, AListDeletedWhileThePageIsSavedFailsTheWholeSave) {
  // Another process deletes Weekly just after the service read the lists.
  struct DeletingMeanwhile final : communique::testing::ForwardingStore {
    DeletingMeanwhile(Store& inner, std::filesystem::path database, ListId doomed)
        : ForwardingStore(inner), database_(std::move(database)), doomed_(doomed) {}
    Result<std::vector<MailingList>> lists() override {
      auto lists = ForwardingStore::lists();
      run_sql(database_, "DELETE FROM lists WHERE id = " + std::to_string(doomed_));
      return lists;
    }
    std::filesystem::path database_;
    ListId doomed_;
  } racing(*store_, database(), weekly_.id);
  const Subscriptions subscriptions(racing);
  auto saved = subscriptions.change_preferences(ann_.id, everything_changed(), fixed_time(60));
  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error().code, ErrorCode::not_found);
  EXPECT_NE(saved.error().message.find("open the page again"), std::string::npos);
  expect_ann_unchanged();
}

TEST_F(SubscriptionsTest, ThePreferencePageOffersPublicListsAndPrivateOnesTheSubscriberIsOn) {
  const Subscriptions subscriptions(*store_);
  auto choices = subscriptions.preference_choices(ann_);
  ASSERT_TRUE(choices);
  std::vector<std::string> names;
  for (const auto& offered : choices->lists) {
    names.push_back(offered.list.name + (offered.receiving ? "+" : "-"));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"Alerts+", "Weekly-"}));
  ASSERT_TRUE(store_->set_subscription_status(ann_.id, staff_.id, SubscriptionStatus::confirmed,
                                              fixed_time()));
  EXPECT_EQ(subscriptions.preference_choices(ann_)->lists.size(), 3u);
  // A private list the subscriber is not on is never changed from the page.
  const std::vector<ListId> off{};
  auto bob = *store_->add_subscriber(NewSubscriber{.email = *EmailAddress::parse("bob@x.org")}, off,
                                     SubscriptionStatus::confirmed, fixed_time());
  ASSERT_TRUE(subscriptions.change_preferences(bob.id, {.lists = {staff_.id}}, fixed_time()));
  EXPECT_TRUE(store_->subscriptions_of(bob.id)->empty());
}

TEST_F(SubscriptionsTest, TheLanguagesOfferedAreThoseTheOfferedListsPublishInAndTheOwnOne) {
  Issue russian;
  russian.subject = "Новости";
  russian.language = "ru";
  russian.lists = {weekly_.id};
  ASSERT_TRUE(store_->create_issue(russian, fixed_time()));
  Issue german = russian;
  german.language = "de";
  german.lists = {staff_.id};  // a private list Ann is not on: not offered to her
  ASSERT_TRUE(store_->create_issue(german, fixed_time()));
  ASSERT_TRUE(store_->update_subscriber(ann_.id, {.language = "tlh"}, fixed_time()));
  const Subscriptions subscriptions(*store_);
  auto choices = subscriptions.preference_choices(*store_->find_subscriber(ann_.id));
  ASSERT_TRUE(choices);
  EXPECT_EQ(choices->languages, (std::vector<std::string>{"", "ru", "tlh"}));
}

TEST_F(SubscriptionsTest, AFormAsksForThePublicListsItTickedOrTheFirstWhenNone) {
  const Subscriptions subscriptions(*store_);
  const std::vector<ListId> ticked{weekly_.id, staff_.id, 999};
  auto asked = subscriptions.lists_asked(ticked);
  ASSERT_TRUE(asked);
  ASSERT_EQ(asked->size(), 1u);
  EXPECT_EQ(asked->front().name, "Weekly");
  auto none = subscriptions.lists_asked({});
  ASSERT_TRUE(none);
  ASSERT_EQ(none->size(), 1u);
  EXPECT_EQ(none->front().name, "Alerts");
}

TEST_F(SubscriptionsTest, FormPostsAreCountedPerClientAddress) {
  SlidingWindow limiter(std::chrono::hours(1));
  const Subscriptions subscriptions(*store_, {.posts_per_address = 2}, &limiter);
  EXPECT_TRUE(subscriptions.admit_post("192.0.2.1", fixed_time()));
  EXPECT_TRUE(subscriptions.admit_post("192.0.2.1", fixed_time()));
  EXPECT_FALSE(subscriptions.admit_post("192.0.2.1", fixed_time()));
  EXPECT_TRUE(subscriptions.admit_post("192.0.2.2", fixed_time()));
  EXPECT_TRUE(Subscriptions(*store_).admit_post("192.0.2.1", fixed_time()));
}

TEST_F(SubscriptionsTest, ErasingRemovesTheSubscriberAndConfirmingNeedsAConfirmation) {
  const Subscriptions subscriptions(*store_);
  auto confirmed = subscriptions.confirm(42, ann_.id, fixed_time());
  ASSERT_FALSE(confirmed);
  EXPECT_EQ(confirmed.error().code, ErrorCode::not_found);
  ASSERT_TRUE(subscriptions.erase(ann_.id));
  EXPECT_FALSE(store_->find_subscriber(ann_.id));
  EXPECT_FALSE(subscriptions.erase(ann_.id));
}

}  // namespace
}  // namespace communique
