// DigestScheduler and DigestRuns over a real SQLite store, with the time given by the test
// (a fake clock): nothing sleeps.
#include "digest/digest_scheduler.hpp"

#include <gtest/gtest.h>

#include <optional>

#include "base/text.hpp"
#include "forwarding_store.hpp"
#include "store/open_store.hpp"
#include "test_support.hpp"

namespace communique {
namespace {

using communique::testing::TempDir;

Timestamp at(const char* iso) {
  auto parsed = parse_iso8601(iso);
  EXPECT_TRUE(parsed) << iso;
  return parsed.value_or(Timestamp{});
}

// A store that answers "no run yet" about every definition: a second server that read the
// runs just before the first recorded one.
class StaleRunsStore final : public testing::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  Result<std::optional<DigestRun>> last_digest_run(DigestId) override {
    return std::optional<DigestRun>();
  }
};

class DigestSchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = open_store(StoreSettings{}, dir_.path() / "data");
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    runs_.emplace(*store_);
    scheduler_.emplace(*store_, *runs_);
    auto list = store_->create_list(NewList{.name = "press", .title = "Press releases"},
                                    at("2026-03-01T00:00:00Z"));
    ASSERT_TRUE(list);
    list_ = *list;
    auto news = store_->create_section(list_.id, "News", at("2026-03-01T00:00:00Z"));
    ASSERT_TRUE(news);
    news_ = news->id;
  }

  DigestDefinition weekly_berlin(Timestamp created) {
    DigestDefinition digest;
    digest.list_id = list_.id;
    digest.name = "weekly";
    digest.rule = *parse_schedule_rule("weekly mon 09:00", "Europe/Berlin");
    auto made = store_->create_digest(digest, created);
    EXPECT_TRUE(made) << (made ? "" : made.error().message);
    return made ? *made : DigestDefinition{};
  }

  PostId publish(const std::string& title, Timestamp when) {
    Post post;
    post.list_id = list_.id;
    post.section_id = news_;
    post.title = title;
    post.slug = post_slug(title);
    post.status = PostStatus::published;
    post.published_at = when;
    auto made = store_->create_post(post, when);
    EXPECT_TRUE(made) << (made ? "" : made.error().message);
    return made ? made->id : 0;
  }

  std::vector<DigestRun> runs_of(DigestId id) {
    auto runs = store_->digest_runs(id, 100);
    EXPECT_TRUE(runs);
    return runs ? *runs : std::vector<DigestRun>{};
  }

  int look(Timestamp now) {
    auto looked = scheduler_->run_due(now);
    EXPECT_TRUE(looked) << (looked ? "" : looked.error().message);
    return looked ? *looked : -1;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::optional<DigestRuns> runs_;
  std::optional<DigestScheduler> scheduler_;
  MailingList list_;
  SectionId news_ = 0;
};

TEST_F(DigestSchedulerTest, AWeeklyBerlinDigestRunsAtNineLocalOnBothSidesOfTheSpringChange) {
  const auto digest = weekly_berlin(at("2026-03-20T12:00:00Z"));
  const PostId first = publish("Before the change", at("2026-03-21T10:00:00Z"));
  look(at("2026-03-23T07:59:59Z"));
  EXPECT_TRUE(runs_of(digest.id).empty());
  look(at("2026-03-23T08:00:00Z"));  // 09:00 CET
  auto runs = runs_of(digest.id);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].scheduled_for, at("2026-03-23T08:00:00Z"));
  EXPECT_EQ(runs[0].outcome, RunOutcome::sent);
  ASSERT_TRUE(runs[0].issue_id);
  auto issue = store_->find_issue(*runs[0].issue_id);
  ASSERT_TRUE(issue);
  EXPECT_EQ(issue->status, IssueStatus::scheduled);
  EXPECT_EQ(issue->posts, std::vector<PostId>{first});
  EXPECT_EQ(issue->subject, "Press releases: 23 March 2026");

  // Clocks went forward on Sunday 29 March: Monday 09:00 CEST is 07:00Z.
  const PostId second = publish("After the change", at("2026-03-29T10:00:00Z"));
  look(at("2026-03-30T06:59:59Z"));
  EXPECT_EQ(runs_of(digest.id).size(), 1u);
  look(at("2026-03-30T07:00:00Z"));
  runs = runs_of(digest.id);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].scheduled_for, at("2026-03-30T07:00:00Z"));
  issue = store_->find_issue(*runs[0].issue_id);
  ASSERT_TRUE(issue);
  EXPECT_EQ(issue->posts, std::vector<PostId>{second});  // only what is new
}

TEST_F(DigestSchedulerTest, AServerDownForThreeWeeksRunsOnceForTheLatestMissedMonday) {
  const auto digest = weekly_berlin(at("2026-03-01T12:00:00Z"));
  publish("Before the downtime", at("2026-03-01T13:00:00Z"));
  look(at("2026-03-02T08:00:00Z"));
  EXPECT_EQ(runs_of(digest.id).size(), 1u);
  publish("During the downtime", at("2026-03-10T13:00:00Z"));
  // Down from 2 March to 25 March: Mondays 9, 16 and 23 March were missed.
  look(at("2026-03-25T12:00:00Z"));
  look(at("2026-03-25T12:05:00Z"));
  const auto runs = runs_of(digest.id);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].scheduled_for, at("2026-03-23T08:00:00Z"));
  EXPECT_EQ(runs[0].posts, 1);
}

TEST_F(DigestSchedulerTest, ARunWithNothingNewIsRecordedSkippedAndMakesNoIssue) {
  const auto digest = weekly_berlin(at("2026-03-20T12:00:00Z"));
  publish("Only post", at("2026-03-21T10:00:00Z"));
  auto first = runs_->run(digest, at("2026-03-22T10:00:00Z"), std::nullopt);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->outcome, RunOutcome::sent);
  auto second = runs_->run(digest, at("2026-03-22T11:00:00Z"), std::nullopt);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->outcome, RunOutcome::skipped);
  EXPECT_EQ(second->note, "no new posts since 2026-03-22T10:00:00Z");
  EXPECT_FALSE(second->issue_id);
  auto issues = store_->issues();
  ASSERT_TRUE(issues);
  EXPECT_EQ(issues->size(), 1u);
}

TEST_F(DigestSchedulerTest, AFirstRunLooksBackOnePeriodOnly) {
  const auto digest = weekly_berlin(at("2026-03-01T12:00:00Z"));
  publish("Too old", at("2026-03-10T10:00:00Z"));
  const PostId recent = publish("Recent", at("2026-03-20T10:00:00Z"));
  auto run = runs_->run(digest, at("2026-03-23T08:00:00Z"), std::nullopt);
  ASSERT_TRUE(run) << run.error().message;
  auto issue = store_->find_issue(*run->issue_id);
  ASSERT_TRUE(issue);
  EXPECT_EQ(issue->posts, std::vector<PostId>{recent});
  EXPECT_EQ(run->since, at("2026-03-16T08:00:00Z"));
}

TEST_F(DigestSchedulerTest, AReviewedDigestLeavesItsIssueADraft) {
  auto digest = weekly_berlin(at("2026-03-20T12:00:00Z"));
  DigestChanges changes;
  changes.review = true;
  digest = *store_->update_digest(digest.id, changes, at("2026-03-20T12:00:00Z"));
  publish("For review", at("2026-03-21T10:00:00Z"));
  auto run = runs_->run(digest, at("2026-03-22T10:00:00Z"), std::nullopt);
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->outcome, RunOutcome::draft);
  auto issue = store_->find_issue(*run->issue_id);
  ASSERT_TRUE(issue);
  EXPECT_EQ(issue->status, IssueStatus::draft);
}

TEST_F(DigestSchedulerTest, TwoServersFindingOneRunDueRecordItOnce) {
  const auto digest = weekly_berlin(at("2026-03-20T12:00:00Z"));
  publish("One post", at("2026-03-21T10:00:00Z"));
  StaleRunsStore stale(*store_);
  DigestRuns other_runs(stale);
  DigestScheduler other(stale, other_runs);
  look(at("2026-03-23T08:00:01Z"));
  // The other server saw no run: it finds the same Monday due, and its record is refused.
  auto looked = other.run_due(at("2026-03-23T08:00:02Z"));
  ASSERT_TRUE(looked) << looked.error().message;
  EXPECT_EQ(*looked, 0);
  EXPECT_EQ(runs_of(digest.id).size(), 1u);
  auto issues = store_->issues();
  ASSERT_TRUE(issues);
  EXPECT_EQ(issues->size(), 1u);
}

TEST_F(DigestSchedulerTest, ImmediateReadersGetEachNewPostOnceAndOldPostsNever) {
  publish("Before anyone chose immediate", at("2026-03-02T10:00:00Z"));
  EXPECT_EQ(look(at("2026-03-02T10:01:00Z")), 1);  // announced to nobody
  ASSERT_TRUE(store_->update_list(list_.id, ListChanges{.default_cadence = Cadence::immediate},
                                  at("2026-03-02T11:00:00Z")));
  ASSERT_TRUE(store_->add_subscriber(NewSubscriber{*EmailAddress::parse("ann@example.org")},
                                     std::vector<ListId>{list_.id}, SubscriptionStatus::confirmed,
                                     at("2026-03-02T11:00:00Z")));
  const PostId news = publish("Breaking", at("2026-03-02T12:00:00Z"));
  EXPECT_EQ(look(at("2026-03-02T12:00:05Z")), 1);
  EXPECT_EQ(look(at("2026-03-02T12:00:10Z")), 0);
  auto issues = store_->issues();
  ASSERT_TRUE(issues);
  ASSERT_EQ(issues->size(), 1u);
  auto issue = store_->find_issue(issues->front().id);
  ASSERT_TRUE(issue);
  EXPECT_EQ(issue->subject, "Breaking");
  EXPECT_EQ(issue->posts, std::vector<PostId>{news});
  EXPECT_EQ(issue->cadence, Cadence::immediate);
  EXPECT_EQ(issue->kind, IssueKind::digest);
  EXPECT_EQ(issue->status, IssueStatus::scheduled);
}

TEST_F(DigestSchedulerTest, ABackCatalogueFoundByTheFirstLookIsNotMailedToImmediateReaders) {
  ASSERT_TRUE(store_->update_list(list_.id, ListChanges{.default_cadence = Cadence::immediate},
                                  at("2026-03-02T11:00:00Z")));
  ASSERT_TRUE(store_->add_subscriber(NewSubscriber{*EmailAddress::parse("ann@example.org")},
                                     std::vector<ListId>{list_.id}, SubscriptionStatus::confirmed,
                                     at("2026-03-02T11:00:00Z")));
  publish("Last year's statement", at("2025-01-05T10:00:00Z"));
  publish("Last week's readout", at("2026-02-24T10:00:00Z"));
  const PostId today = publish("Today's readout", at("2026-03-02T09:00:00Z"));
  EXPECT_EQ(look(at("2026-03-02T12:00:00Z")), 3);  // all three looked at, once
  EXPECT_EQ(look(at("2026-03-02T12:00:05Z")), 0);
  auto issues = store_->issues();
  ASSERT_TRUE(issues);
  ASSERT_EQ(issues->size(), 1u);  // only today's post is news
  auto issue = store_->find_issue(issues->front().id);
  ASSERT_TRUE(issue);
  EXPECT_EQ(issue->posts, std::vector<PostId>{today});
}

TEST_F(DigestSchedulerTest, APostsOwnLetterHasASubjectOfAtMost250CharactersEvenForALongTitle) {
  ASSERT_TRUE(store_->update_list(list_.id, ListChanges{.default_cadence = Cadence::immediate},
                                  at("2026-03-02T11:00:00Z")));
  ASSERT_TRUE(store_->add_subscriber(NewSubscriber{*EmailAddress::parse("ann@example.org")},
                                     std::vector<ListId>{list_.id}, SubscriptionStatus::confirmed,
                                     at("2026-03-02T11:00:00Z")));
  std::string title;
  while (title.size() < 290) {
    title += "Statement on the Arctic ";
  }
  publish(title, at("2026-03-02T12:00:00Z"));
  EXPECT_EQ(look(at("2026-03-02T12:00:05Z")), 1);
  auto issues = store_->issues();
  ASSERT_TRUE(issues);
  ASSERT_EQ(issues->size(), 1u);
  const std::string& subject = issues->front().subject;
  EXPECT_LE(code_points(subject), 250u);
  EXPECT_TRUE(subject.ends_with("Arctic\u2026")) << subject;
  EXPECT_TRUE(validate_subject(subject));
}

}  // namespace
}  // namespace communique
