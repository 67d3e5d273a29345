#include "delivery/outcome_recorder.hpp"

#include <gtest/gtest.h>

#include "store/open_store.hpp"
#include "test_support.hpp"

namespace communique {
namespace {

using communique::testing::fixed_time;
using communique::testing::TempDir;
using Clock = OutcomeRecorder::Clock;
using std::chrono::milliseconds;

class OutcomeRecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*open_store(StoreSettings{}, dir_.path()));
    const auto list = *store_->create_list(NewList{.name = "press"}, fixed_time());
    std::vector<ImportRecord> records;
    for (int i = 0; i < 6; ++i) {
      records.push_back({.email = *EmailAddress::parse("r" + std::to_string(i) + "@example.org")});
    }
    ASSERT_TRUE(store_->import_batch(list.id, records, {.now = fixed_time()}));
    Issue issue;
    issue.subject = "Weekly";
    issue.lists = {list.id};
    issue.sections = {{"", BodyFormat::markdown, "Hello."}};
    issue_ = store_->create_issue(issue, fixed_time())->id;
    ASSERT_TRUE(store_->freeze_audience(issue_, fixed_time()));
    claimed_ = *store_->claim_recipients(issue_, 6, fixed_time());
    ASSERT_EQ(claimed_.size(), 6u);
  }

  DeliveryResult sent(std::size_t i) const {
    return {.subscriber = claimed_.at(i).subscriber.id, .state = DeliveryState::sent};
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  IssueId issue_ = 0;
  std::vector<Recipient> claimed_;
};

TEST_F(OutcomeRecorderTest, OutcomesWaitNoLongerThanTheDelayAfterTheFirst) {
  OutcomeRecorder recorder(*store_, issue_, {.max_batch = 100, .max_delay = milliseconds(5)});
  const auto start = Clock::now();
  EXPECT_FALSE(recorder.due(start));
  EXPECT_FALSE(recorder.deadline());
  recorder.add(sent(0), start);
  recorder.add(sent(1), start + milliseconds(4));  // a later one does not move the deadline
  EXPECT_EQ(recorder.deadline(), start + milliseconds(5));
  EXPECT_FALSE(recorder.due(start + milliseconds(4)));
  EXPECT_TRUE(recorder.due(start + milliseconds(5)));
  // Nothing is in the ledger until the commit; then both are, in one transaction.
  EXPECT_EQ(store_->delivery_counts(issue_)->sending, 6);
  EXPECT_EQ(*recorder.flush(fixed_time()), 2u);
  EXPECT_EQ(recorder.commits(), 1u);
  EXPECT_EQ(recorder.waiting(), 0u);
  EXPECT_FALSE(recorder.due(start + milliseconds(100)));
  const auto counts = store_->delivery_counts(issue_);
  EXPECT_EQ(counts->sent, 2);
  EXPECT_EQ(counts->sending, 4);
}

TEST_F(OutcomeRecorderTest, AFullBatchIsDueAtOnce) {
  OutcomeRecorder recorder(*store_, issue_, {.max_batch = 3, .max_delay = milliseconds(1000)});
  const auto start = Clock::now();
  recorder.add(sent(0), start);
  recorder.add(sent(1), start);
  EXPECT_FALSE(recorder.due(start));
  recorder.add(sent(2), start);
  EXPECT_TRUE(recorder.due(start));
  EXPECT_EQ(*recorder.flush(fixed_time()), 3u);
  EXPECT_EQ(store_->delivery_counts(issue_)->sent, 3);
}

TEST_F(OutcomeRecorderTest, ALetterPutBackIsQueuedAgainAndADigestLettersItemsAreKept) {
  OutcomeRecorder recorder(*store_, issue_, {});
  recorder.add({.subscriber = claimed_[0].subscriber.id, .state = DeliveryState::queued},
               Clock::now());
  recorder.add({.subscriber = claimed_[1].subscriber.id,
                .state = DeliveryState::failed,
                .reply = "550 5.1.1 no such user"},
               Clock::now());
  EXPECT_EQ(*recorder.flush(fixed_time()), 2u);
  const auto counts = store_->delivery_counts(issue_);
  EXPECT_EQ(counts->queued, 1);
  EXPECT_EQ(counts->failed, 1);
  // The one put back is claimed again like any queued recipient.
  const auto again = store_->claim_recipients(issue_, 10, fixed_time());
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ(again->front().subscriber.id, claimed_[0].subscriber.id);
}

TEST_F(OutcomeRecorderTest, NothingWaitingIsNoCommit) {
  OutcomeRecorder recorder(*store_, issue_, {});
  EXPECT_EQ(*recorder.flush(fixed_time()), 0u);
  EXPECT_EQ(recorder.commits(), 0u);
}

}  // namespace
}  // namespace communique
