// Migrations of a database that has data: a database left at an older schema version by an
// earlier release is upgraded on open and keeps every row and relation.
#include "store/sqlite/sqlite_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <string>
#include <thread>

#include "base/embedded_file.hpp"
#include "store/migration.hpp"
#include "test_support.hpp"

namespace communique::sqlite_files {
std::span<const communique::EmbeddedFile> embedded_files();
}

namespace communique {
namespace {

using communique::testing::fixed_time;
using communique::testing::TempDir;

// Runs `sql` on the database at `path`, failing the test on an error.
void run_sql(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  const std::string message = error != nullptr ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

// A database as the release with schema version `version` left it: its migrations and
// their rows in schema_migrations, as that release's runner wrote them.
void make_database_at(const std::filesystem::path& path, int version) {
  auto migrations = collect_migrations(sqlite_files::embedded_files());
  ASSERT_TRUE(migrations);
  ASSERT_GT(static_cast<int>(migrations->size()), version);
  std::string sql =
      "PRAGMA foreign_keys = ON; CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
      "name TEXT NOT NULL, applied_at INTEGER NOT NULL);";
  for (int i = 0; i < version; ++i) {
    const auto& migration = (*migrations)[static_cast<std::size_t>(i)];
    sql += std::string(migration.sql) + ";\nINSERT INTO schema_migrations VALUES (" +
           std::to_string(migration.version) + ", '" + std::string(migration.name) + "', 0);\n";
  }
  run_sql(path, sql);
}

// Two lists' worth of data at version 7, touching every table that names a subscriber.
constexpr std::string_view kVersion7Data = R"sql(
PRAGMA foreign_keys = ON;
INSERT INTO lists (id, name, visibility, opt_in, created_at, updated_at)
VALUES (1, 'press', 'public', 'single', 0, 0), (2, 'staff', 'private', 'double', 0, 0);
INSERT INTO topics (id, list_id, name, created_at) VALUES (1, 1, 'travel', 0);
INSERT INTO subscribers (id, email, name, attributes, language, status, created_at, updated_at)
VALUES (1, 'ann@example.org', 'Ann', '{"city":"Oslo"}', 'nb', 'enabled', 10, 11),
       (2, 'bob@example.org', 'Bob', '{}', '', 'blocklisted', 20, 21),
       (3, 'cleo@example.org', 'Cleo', '{}', 'en', 'enabled', 30, 31);
INSERT INTO subscriptions (subscriber_id, list_id, status, created_at, updated_at)
VALUES (1, 1, 'confirmed', 0, 0), (1, 2, 'unsubscribed', 0, 0), (3, 1, 'unconfirmed', 0, 0);
INSERT INTO subscriber_topics (subscriber_id, topic_id) VALUES (1, 1);
INSERT INTO issues (id, kind, status, subject, created_at, updated_at, track_clicks,
                    track_subscribers, track_opens)
VALUES (1, 'letter', 'sent', 'Hello', 0, 0, 1, 1, 1);
INSERT INTO issue_lists (issue_id, list_id) VALUES (1, 1);
INSERT INTO deliveries (issue_id, subscriber_id, state, queued_at, updated_at)
VALUES (1, 1, 'sent', 0, 40), (1, 3, 'deferred', 0, 0);
INSERT INTO issue_links (id, issue_id, url, clicks) VALUES (1, 1, 'https://example.org/', 5);
INSERT INTO subscriber_clicks (link_id, subscriber_id, clicks) VALUES (1, 1, 2);
INSERT INTO issue_opens (issue_id, subscriber_id, opens) VALUES (1, 1, 3);
)sql";

class SqliteMigrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    make_database_at(path_, 7);
    run_sql(path_, std::string(kVersion7Data));
    auto opened = SqliteStore::open(SqliteSettings{.path = path_});
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
  }

  TempDir dir_;
  std::filesystem::path path_ = dir_.path() / "communique.db";
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(SqliteMigrationTest, MigratingFromVersion7KeepsEverySubscriberAndWhatNamesThem) {
  EXPECT_EQ(*store_->schema_version(), 16);
  auto ann = store_->find_subscriber(1);
  ASSERT_TRUE(ann) << ann.error().message;
  EXPECT_EQ(ann->email, "ann@example.org");
  EXPECT_EQ(ann->name, "Ann");
  EXPECT_EQ(ann->attributes_json, R"({"city":"Oslo"})");
  EXPECT_EQ(ann->language, "nb");
  EXPECT_EQ(ann->created_at, Timestamp(std::chrono::seconds(10)));
  EXPECT_EQ(ann->updated_at, Timestamp(std::chrono::seconds(11)));
  EXPECT_EQ(store_->find_subscriber(2)->status, SubscriberStatus::blocklisted);
  EXPECT_EQ(*store_->count_subscribers(std::nullopt), 3);

  auto subscriptions = store_->subscriptions_of(1);
  ASSERT_TRUE(subscriptions);
  ASSERT_EQ(subscriptions->size(), 2u);
  EXPECT_EQ((*subscriptions)[0].list_name, "press");
  EXPECT_EQ((*subscriptions)[0].status, SubscriptionStatus::confirmed);
  EXPECT_EQ((*subscriptions)[1].status, SubscriptionStatus::unsubscribed);
  ASSERT_EQ(store_->topics_of_subscriber(1)->size(), 1u);
  auto activity = store_->activity_of(1);
  ASSERT_TRUE(activity);
  ASSERT_EQ(activity->letters.size(), 1u);
  EXPECT_EQ(activity->letters[0].state, "sent");
  ASSERT_EQ(activity->clicks.size(), 1u);
  EXPECT_EQ(activity->clicks[0].clicks, 2);
  ASSERT_EQ(activity->opens.size(), 1u);
  EXPECT_EQ(activity->opens[0].opens, 3);
  EXPECT_EQ(store_->delivery_counts(1)->deferred, 1);
}

TEST_F(SqliteMigrationTest, SubscribersFromBeforeKeepAnEmptyLinkKeySoTheirLinksStillWork) {
  EXPECT_EQ(store_->find_subscriber(1)->link_key, "");
  EXPECT_EQ(store_->find_subscriber(3)->link_key, "");
  auto dan = store_->add_subscriber(NewSubscriber{*EmailAddress::parse("dan@example.org")}, {},
                                    SubscriptionStatus::confirmed, fixed_time());
  ASSERT_TRUE(dan);
  EXPECT_EQ(dan->link_key.size(), 16u);
}

TEST_F(SqliteMigrationTest, TheNewestSubscribersIdIsNotGivenAgainAfterTheMigration) {
  ASSERT_TRUE(store_->delete_subscriber(3));
  auto dan = store_->add_subscriber(NewSubscriber{*EmailAddress::parse("dan@example.org")}, {},
                                    SubscriptionStatus::confirmed, fixed_time());
  ASSERT_TRUE(dan);
  EXPECT_EQ(dan->id, 4);
  EXPECT_TRUE(store_->subscriptions_of(dan->id)->empty());  // nothing of Cleo's
  EXPECT_EQ(store_->delivery_counts(1)->deferred, 0);       // hers went with her
}

TEST_F(SqliteMigrationTest, DeletingASubscriberStillTakesWhatNamesThemAlong) {
  // The other tables refer to the rebuilt table: their ON DELETE CASCADE still holds.
  ASSERT_TRUE(store_->delete_subscriber(1));
  auto activity = store_->activity_of(1);
  ASSERT_TRUE(activity);
  EXPECT_TRUE(activity->letters.empty());
  EXPECT_TRUE(activity->clicks.empty());
  EXPECT_TRUE(activity->opens.empty());
  EXPECT_TRUE(store_->subscriptions_of(1)->empty());
  EXPECT_TRUE(store_->topics_of_subscriber(1)->empty());
  // And a row naming a subscriber who does not exist is still refused.
  EXPECT_FALSE(store_->set_subscription_status(99, 1, SubscriptionStatus::confirmed, fixed_time()));
}

// Opening waits out a lock another process holds (the first open of a database, or one
// recovering its log, takes one briefly) instead of failing with "database is locked".
TEST(SqliteOpen, WaitsForALockAnotherConnectionHolds) {
  TempDir dir;
  const auto path = dir.path() / "locked.db";
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "CREATE TABLE t (x); BEGIN EXCLUSIVE;", nullptr, nullptr, nullptr),
            SQLITE_OK);
  std::thread release([other] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    sqlite3_exec(other, "COMMIT;", nullptr, nullptr, nullptr);
  });
  auto opened = SqliteStore::open(SqliteSettings{.path = path, .busy_timeout_ms = 20000});
  release.join();
  sqlite3_close(other);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_TRUE((*opened)->lists());
}

}  // namespace
}  // namespace communique
