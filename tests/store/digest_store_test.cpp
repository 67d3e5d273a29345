// The digest area of the store: definitions, their sections, runs recorded with their
// issues, and posts' announcements.
#include "store/digest_store.hpp"

#include <gtest/gtest.h>

#include "store/open_store.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/store.hpp"
#include "test_support.hpp"

namespace communique {
namespace {

using communique::testing::fixed_time;
using communique::testing::TempDir;

class DigestStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = open_store(StoreSettings{}, dir_.path() / "data");
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    auto list = store_->create_list(NewList{.name = "press"}, fixed_time());
    ASSERT_TRUE(list);
    list_ = *list;
    news_ = section("News");
    statements_ = section("Statements");
  }

  void TearDown() override {
    if (auto* sqlite = dynamic_cast<SqliteStore*>(store_.get())) {
      EXPECT_EQ(sqlite->calls_left_in_transaction(), 0);
    }
  }

  SectionId section(const std::string& name) {
    auto made = store_->create_section(list_.id, name, fixed_time());
    EXPECT_TRUE(made) << (made ? "" : made.error().message);
    return made ? made->id : 0;
  }

  PostId publish(const std::string& title, SectionId in) {
    Post post;
    post.list_id = list_.id;
    post.section_id = in;
    post.title = title;
    post.slug = post_slug(title);
    post.status = PostStatus::published;
    post.published_at = fixed_time();
    auto made = store_->create_post(post, fixed_time());
    EXPECT_TRUE(made) << (made ? "" : made.error().message);
    return made ? made->id : 0;
  }

  DigestDefinition weekly() {
    DigestDefinition digest;
    digest.list_id = list_.id;
    digest.name = "weekly";
    digest.rule = *parse_schedule_rule("weekly mon 09:00", "Europe/Berlin");
    digest.sections = {statements_, news_};
    digest.max_per_section = 5;
    digest.review = true;
    auto made = store_->create_digest(digest, fixed_time());
    EXPECT_TRUE(made) << (made ? "" : made.error().message);
    return made ? *made : DigestDefinition{};
  }

  // A run of `digest` for `scheduled_for` with an issue of `post`, following `follows`.
  RunRecord run_with_issue(const DigestDefinition& digest, PostId post,
                           std::optional<DigestRunId> follows,
                           std::optional<Timestamp> scheduled_for) {
    RunRecord record;
    record.run.digest_id = digest.id;
    record.run.scheduled_for = scheduled_for;
    record.run.ran_at = fixed_time(60);
    record.run.since = fixed_time();
    record.run.up_to_seq = 1;
    record.run.posts = 1;
    record.run.outcome = RunOutcome::sent;
    record.follows = follows;
    Issue issue;
    issue.kind = IssueKind::digest;
    issue.status = IssueStatus::scheduled;
    issue.scheduled_at = fixed_time(60);
    issue.subject = "Press: 30 November 2026";
    issue.lists = {list_.id};
    issue.posts = {post};
    issue.cadence = Cadence::weekly;
    issue.digest_id = digest.id;
    record.issue = issue;
    return record;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  MailingList list_;
  SectionId news_ = 0;
  SectionId statements_ = 0;
};

TEST_F(DigestStoreTest, ADefinitionIsKeptWithItsScheduleAndSectionsInItsOrder) {
  const auto made = weekly();
  auto found = store_->find_digest(made.id);
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->name, "weekly");
  EXPECT_EQ(format_schedule_rule(found->rule), "weekly mon 09:00");
  EXPECT_EQ(found->rule.time_zone, "Europe/Berlin");
  EXPECT_EQ(found->sections, (std::vector<SectionId>{statements_, news_}));
  EXPECT_EQ(found->max_per_section, 5);
  EXPECT_TRUE(found->review);
  EXPECT_TRUE(found->enabled);
  auto by_name = store_->find_digest(list_.id, "WEEKLY");
  ASSERT_TRUE(by_name);
  EXPECT_EQ(by_name->id, made.id);
  auto all = store_->digests();
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 1u);
}

TEST_F(DigestStoreTest, UpdateChangesOnlyWhatIsGivenAndRemoveTakesTheRunsButNotTheIssues) {
  const auto made = weekly();
  DigestChanges changes;
  changes.rule = *parse_schedule_rule("daily 07:30", "Europe/Moscow");
  changes.sections = std::vector<SectionId>{news_};
  changes.enabled = false;
  auto updated = store_->update_digest(made.id, changes, fixed_time(10));
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(format_schedule_rule(updated->rule), "daily 07:30");
  EXPECT_EQ(updated->rule.time_zone, "Europe/Moscow");
  EXPECT_EQ(updated->sections, std::vector<SectionId>{news_});
  EXPECT_FALSE(updated->enabled);
  EXPECT_EQ(updated->max_per_section, 5);  // not given: unchanged

  const PostId post = publish("A call", news_);
  auto run =
      store_->record_digest_run(run_with_issue(made, post, std::nullopt, {}), fixed_time(60));
  ASSERT_TRUE(run) << run.error().message;
  ASSERT_TRUE(store_->remove_digest(made.id));
  EXPECT_EQ(store_->find_digest(made.id).error().code, ErrorCode::not_found);
  auto issue = store_->find_issue(*run->issue_id);
  ASSERT_TRUE(issue);
  EXPECT_FALSE(issue->digest_id);
  EXPECT_EQ(store_->remove_digest(made.id).error().code, ErrorCode::not_found);
}

TEST_F(DigestStoreTest, ANameIsOnceInAListAndASectionMustBeOfTheList) {
  weekly();
  DigestDefinition again;
  again.list_id = list_.id;
  again.name = "Weekly";
  auto taken = store_->create_digest(again, fixed_time());
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, ErrorCode::conflict);

  auto other = store_->create_list(NewList{.name = "other"}, fixed_time());
  ASSERT_TRUE(other);
  auto elsewhere = store_->create_section(other->id, "Elsewhere", fixed_time());
  ASSERT_TRUE(elsewhere);
  again.name = "daily";
  again.sections = {elsewhere->id};
  auto foreign = store_->create_digest(again, fixed_time());
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().code, ErrorCode::not_found);
  EXPECT_FALSE(store_->find_digest(list_.id, "daily"));  // nothing half written
}

TEST_F(DigestStoreTest, ARunIsRecordedWithItsIssueScheduledAndListedNewestFirst) {
  const auto made = weekly();
  const PostId post = publish("A call", news_);
  auto first = store_->record_digest_run(run_with_issue(made, post, std::nullopt, fixed_time(30)),
                                         fixed_time(60));
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_TRUE(first->issue_id);
  auto issue = store_->find_issue(*first->issue_id);
  ASSERT_TRUE(issue);
  EXPECT_EQ(issue->kind, IssueKind::digest);
  EXPECT_EQ(issue->status, IssueStatus::scheduled);
  EXPECT_EQ(issue->scheduled_at, fixed_time(60));
  EXPECT_EQ(issue->posts, std::vector<PostId>{post});
  EXPECT_EQ(issue->digest_id, made.id);

  RunRecord skipped;
  skipped.run.digest_id = made.id;
  skipped.run.ran_at = fixed_time(120);
  skipped.run.outcome = RunOutcome::skipped;
  skipped.run.note = "no new posts since then";
  skipped.follows = first->id;
  ASSERT_TRUE(store_->record_digest_run(skipped, fixed_time(120)));
  auto runs = store_->digest_runs(made.id, 10);
  ASSERT_TRUE(runs);
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].outcome, RunOutcome::skipped);
  EXPECT_EQ((*runs)[0].note, "no new posts since then");
  EXPECT_FALSE((*runs)[0].issue_id);
  EXPECT_EQ((*runs)[1].scheduled_for, fixed_time(30));
  auto last = store_->last_digest_run(made.id);
  ASSERT_TRUE(last && *last);
  EXPECT_EQ((*last)->id, (*runs)[0].id);
}

TEST_F(DigestStoreTest, ARunAnotherRunnerRecordedFirstIsRefusedAndWritesNoIssue) {
  const auto made = weekly();
  const PostId post = publish("A call", news_);
  ASSERT_TRUE(store_->record_digest_run(run_with_issue(made, post, std::nullopt, fixed_time(30)),
                                        fixed_time(60)));
  // A second runner that read the runs before the first recorded its own.
  auto late = store_->record_digest_run(run_with_issue(made, post, std::nullopt, fixed_time(30)),
                                        fixed_time(61));
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, ErrorCode::conflict);
  auto issues = store_->issues();
  ASSERT_TRUE(issues);
  EXPECT_EQ(issues->size(), 1u);
  auto runs = store_->digest_runs(made.id, 10);
  ASSERT_TRUE(runs);
  EXPECT_EQ(runs->size(), 1u);
}

TEST_F(DigestStoreTest, OneScheduledInstantIsRecordedOnceEvenFollowingTheLastRun) {
  const auto made = weekly();
  const PostId post = publish("A call", news_);
  auto first = store_->record_digest_run(run_with_issue(made, post, std::nullopt, fixed_time(30)),
                                         fixed_time(60));
  ASSERT_TRUE(first);
  auto again = store_->record_digest_run(run_with_issue(made, post, first->id, fixed_time(30)),
                                         fixed_time(61));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
  auto issues = store_->issues();
  ASSERT_TRUE(issues);
  EXPECT_EQ(issues->size(), 1u);
}

TEST_F(DigestStoreTest, APostIsAnnouncedOnceAndOnlyAListWithImmediateReadersHasSomeoneToTell) {
  const PostId quiet = publish("Before anyone chose immediate", news_);
  auto due = store_->posts_to_announce(10);
  ASSERT_TRUE(due);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_FALSE((*due)[0].has_immediate_readers);
  auto nobody = store_->announce_post(quiet, std::nullopt, fixed_time(5));
  ASSERT_TRUE(nobody) << nobody.error().message;
  EXPECT_FALSE(*nobody);

  ASSERT_TRUE(store_->update_list(list_.id, ListChanges{.default_cadence = Cadence::immediate},
                                  fixed_time()));
  ASSERT_TRUE(store_->add_subscriber(NewSubscriber{*EmailAddress::parse("ann@example.org")},
                                     std::vector<ListId>{list_.id}, SubscriptionStatus::confirmed,
                                     fixed_time()));
  const PostId loud = publish("After", news_);
  due = store_->posts_to_announce(10);
  ASSERT_TRUE(due);
  ASSERT_EQ(due->size(), 1u);  // the first post stays announced: not sent late
  EXPECT_EQ((*due)[0].post, loud);
  EXPECT_TRUE((*due)[0].has_immediate_readers);

  Issue letter;
  letter.kind = IssueKind::digest;
  letter.status = IssueStatus::scheduled;
  letter.scheduled_at = fixed_time(9);
  letter.subject = "After";
  letter.lists = {list_.id};
  letter.posts = {loud};
  letter.cadence = Cadence::immediate;
  auto written = store_->announce_post(loud, letter, fixed_time(9));
  ASSERT_TRUE(written) << written.error().message;
  ASSERT_TRUE(*written);
  auto twice = store_->announce_post(loud, letter, fixed_time(10));
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, ErrorCode::conflict);
  auto issues = store_->issues();
  ASSERT_TRUE(issues);
  EXPECT_EQ(issues->size(), 1u);
  auto post = store_->find_post(loud);
  ASSERT_TRUE(post);
  EXPECT_EQ(post->announced_at, fixed_time(9));
}

TEST_F(DigestStoreTest, ASectionADigestNamesIsNotRemovedFromUnderIt) {
  const DigestDefinition digest = weekly();  // names Statements and News
  ASSERT_NE(digest.id, 0);
  auto refused = store_->remove_section(statements_);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::conflict);
  EXPECT_NE(refused.error().message.find("is named by digest weekly"), std::string::npos)
      << refused.error().message;
  auto kept = store_->find_digest(digest.id);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->sections, (std::vector<SectionId>{statements_, news_}));
  // Once the digest no longer names it, it goes.
  ASSERT_TRUE(store_->update_digest(
      digest.id, DigestChanges{.sections = std::vector<SectionId>{news_}}, fixed_time(1)));
  EXPECT_TRUE(store_->remove_section(statements_));
}

}  // namespace
}  // namespace communique
