#include "delivery/delivery_service.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "delivery/maildir_transport.hpp"
#include "store/open_store.hpp"
#include "test_support.hpp"

namespace communique {
namespace {

using communique::testing::fixed_time;
using communique::testing::TempDir;

class DeliveryServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*open_store(StoreSettings{}, dir_.path()));
    auto list = *store_->create_list(NewList{.name = "press"}, fixed_time());
    std::vector<ImportRecord> records{{.email = *EmailAddress::parse("a@example.org")},
                                      {.email = *EmailAddress::parse("b@example.org")}};
    ASSERT_TRUE(store_->import_batch(list.id, records, {.now = fixed_time()}));
    issue_template_.subject = "Weekly";
    issue_template_.lists = {list.id};
    issue_template_.sections = {{"", BodyFormat::markdown, "Hello."}};
    transport_ = std::move(*MaildirTransport::open(dir_.path() / "outbox"));
  }

  IssueId new_issue() { return store_->create_issue(issue_template_, fixed_time())->id; }

  int round(Timestamp now, Transport* transport = nullptr) {
    CampaignRunner runner(
        *store_, composer_, transport != nullptr ? *transport : *transport_, policy_,
        [now] { return now; }, RunnerSettings{.window = 10, .data_dir = dir_.path()});
    DeliveryService service(
        *store_, runner, [now] { return now; }, std::chrono::seconds(1));
    std::atomic<bool> stop{false};
    auto worked = service.run_once(stop);
    EXPECT_TRUE(worked) << (worked ? "" : worked.error().message);
    return worked ? *worked : -1;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  Issue issue_template_;
  std::unique_ptr<MaildirTransport> transport_;
  LetterComposer composer_{SenderIdentity{}, *LinkSigner::create(std::string(64, 's')), {}};
  ReplyPolicy policy_{ReplyPolicySettings{}, [] { return 0.5; }};
};

TEST_F(DeliveryServiceTest, SendsScheduledIssuesWhenDueAndNotBefore) {
  const auto id = new_issue();
  ASSERT_TRUE(store_->schedule_issue(id, fixed_time(3600), std::nullopt, fixed_time()));
  EXPECT_EQ(round(fixed_time(60)), 0);
  EXPECT_EQ(store_->issue_status(id).value(), IssueStatus::scheduled);
  EXPECT_EQ(round(fixed_time(3600)), 1);
  EXPECT_EQ(store_->issue_status(id).value(), IssueStatus::sent);
  EXPECT_EQ(store_->delivery_counts(id)->sent, 2);
}

TEST_F(DeliveryServiceTest, WhatARoundStartMakesDueIsSentInThatRound) {
  CampaignRunner runner(
      *store_, composer_, *transport_, policy_, [] { return fixed_time(60); },
      RunnerSettings{.window = 10, .data_dir = dir_.path()});
  std::optional<Timestamp> started_at;
  IssueId made = 0;
  DeliveryService service(
      *store_, runner, [] { return fixed_time(60); }, std::chrono::seconds(1), LeaseSettings{},
      [&](Timestamp now) {
        started_at = now;
        made = new_issue();  // what a digest run makes: scheduled at the round's time
        ASSERT_TRUE(store_->schedule_issue(made, now, std::nullopt, now));
      });
  std::atomic<bool> stop{false};
  auto worked = service.run_once(stop);
  ASSERT_TRUE(worked) << worked.error().message;
  EXPECT_EQ(started_at, fixed_time(60));
  EXPECT_EQ(*worked, 1);
  EXPECT_EQ(store_->issue_status(made).value(), IssueStatus::sent);
}

TEST_F(DeliveryServiceTest, AScheduleFoundTooLateIsCancelledAndSaysWhy) {
  const auto id = new_issue();
  ASSERT_TRUE(store_->schedule_issue(id, fixed_time(), std::chrono::seconds(3600), fixed_time()));
  EXPECT_EQ(round(fixed_time(3 * 3600)), 1);  // the server was down for three hours
  auto issue = store_->find_issue(id);
  EXPECT_EQ(issue->status, IssueStatus::cancelled);
  EXPECT_EQ(issue->status_note,
            "not sent: due at 2026-11-29T07:05:47Z, found 180 minutes late, past its "
            "expire-after of 60 minutes");
  EXPECT_EQ(store_->delivery_counts(id)->total(), 0);
}

TEST_F(DeliveryServiceTest, ResumesSendingIssuesAndLeavesPausedOnesAlone) {
  const auto sending = new_issue();
  const auto paused = new_issue();
  ASSERT_TRUE(store_->set_issue_status(sending, IssueStatus::sending, fixed_time()));
  ASSERT_TRUE(store_->set_issue_status(paused, IssueStatus::paused, fixed_time()));
  EXPECT_EQ(round(fixed_time()), 1);
  EXPECT_EQ(store_->issue_status(sending).value(), IssueStatus::sent);
  EXPECT_EQ(store_->issue_status(paused).value(), IssueStatus::paused);
  EXPECT_EQ(store_->delivery_counts(paused)->total(), 0);
}

TEST_F(DeliveryServiceTest, AnIssueAnotherRunnerHoldsIsLeftToIt) {
  const auto id = new_issue();
  ASSERT_TRUE(store_->set_issue_status(id, IssueStatus::sending, fixed_time()));
  ASSERT_TRUE(
      store_->take_issue_lease(id, "elsewhere:7:abc", "", fixed_time(), fixed_time(60))->granted);
  EXPECT_EQ(round(fixed_time(10)), 0);
  EXPECT_EQ(round(fixed_time(20)), 0);
  EXPECT_EQ(store_->delivery_counts(id)->total(), 0);
  EXPECT_EQ(store_->issue_status(id).value(), IssueStatus::sending);
  // Its holder ends it: the next round sends the issue.
  ASSERT_TRUE(store_->release_issue_lease(id, "elsewhere:7:abc"));
  EXPECT_EQ(round(fixed_time(30)), 1);
  EXPECT_EQ(store_->issue_status(id).value(), IssueStatus::sent);
}

// A transport that throws, as a library might: the fault must stop the issue, not the
// delivery thread, and a restart must not resume the issue into the same fault.
class ThrowingTransport final : public Transport {
 public:
  int calls = 0;
  std::vector<TransportOutcome> send(std::span<const OutgoingLetter>) override {
    ++calls;
    throw std::runtime_error("the relay library broke");
  }
  std::string describe() const override { return "throwing"; }
};

TEST_F(DeliveryServiceTest, AnExceptionPausesTheIssueWithItsCauseAndIsNotRetried) {
  const auto id = new_issue();
  ASSERT_TRUE(store_->set_issue_status(id, IssueStatus::sending, fixed_time()));
  ThrowingTransport throwing;
  EXPECT_EQ(round(fixed_time(), &throwing), 1);
  auto issue = store_->find_issue(id);
  EXPECT_EQ(issue->status, IssueStatus::paused);
  EXPECT_EQ(issue->status_note,
            "stopped by an internal error (the relay library broke); once its cause is fixed: "
            "communique issues resume " +
                std::to_string(id));
  EXPECT_EQ(round(fixed_time(60), &throwing), 0);  // a restart leaves it paused
  EXPECT_EQ(throwing.calls, 1);
}

TEST_F(DeliveryServiceTest, StatusChangesFollowTheirRules) {
  const auto id = new_issue();
  const IssueStatus from_sending[] = {IssueStatus::sending};
  auto refused =
      store_->change_issue_status(id, from_sending, IssueStatus::paused, "", fixed_time());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message, "issue " + std::to_string(id) + " is draft");
  ASSERT_TRUE(store_->set_issue_status(id, IssueStatus::cancelled, fixed_time()));
  auto late = store_->schedule_issue(id, fixed_time(60), std::nullopt, fixed_time());
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, ErrorCode::conflict);
}

}  // namespace
}  // namespace communique
