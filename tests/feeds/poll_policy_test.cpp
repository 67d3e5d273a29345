// poll_policy: next polls and statuses after each kind of poll.
#include "feeds/poll_policy.hpp"

#include <gtest/gtest.h>

#include <set>

#include "test_support.hpp"

namespace communique {
namespace {

using communique::testing::fixed_time;
using std::chrono::hours;
using std::chrono::seconds;

Feed hourly(FeedId id = 1) {
  Feed feed;
  feed.id = id;
  feed.every = hours(1);
  return feed;
}

TEST(PollPolicy, ASuccessPollsAgainAfterItsIntervalPlusAStableJitter) {
  const Feed feed = hourly(5);
  const auto outcome = poll_succeeded(feed, 200, "\"e1\"", "", 3, "Title", fixed_time());
  EXPECT_EQ(outcome.next_poll_at, fixed_time() + hours(1) + poll_jitter(5, hours(1)));
  EXPECT_EQ(outcome.failures, 0);
  EXPECT_EQ(outcome.status, FeedStatus::active);
  EXPECT_TRUE(outcome.polled_once);
  EXPECT_EQ(poll_jitter(5, hours(1)), poll_jitter(5, hours(1)));
}

TEST(PollPolicy, JitterStaysWithinATenthOfTheIntervalAndSpreadsFeeds) {
  std::set<std::int64_t> seen;
  for (FeedId id = 1; id <= 200; ++id) {
    const seconds jitter = poll_jitter(id, hours(1));
    EXPECT_GE(jitter.count(), 0);
    EXPECT_LE(jitter.count(), 360);
    seen.insert(jitter.count());
  }
  EXPECT_GT(seen.size(), 100U);
  EXPECT_EQ(poll_jitter(3, seconds(5)).count(), 0);
}

TEST(PollPolicy, FailuresBackOffExponentiallyUpToADay) {
  Feed feed = hourly();
  auto outcome = poll_failed(feed, "error", "refused", {}, fixed_time());
  EXPECT_EQ(outcome.failures, 1);
  EXPECT_EQ(outcome.next_poll_at, fixed_time() + hours(2));
  feed.failures = 2;
  outcome = poll_failed(feed, "error", "refused", {}, fixed_time());
  EXPECT_EQ(outcome.next_poll_at, fixed_time() + hours(8));
  feed.failures = 20;
  outcome = poll_failed(feed, "error", "refused", {}, fixed_time());
  EXPECT_EQ(outcome.next_poll_at, fixed_time() + hours(24));
}

TEST(PollPolicy, AFeedIsFailingAfterThreeFailuresInARowAndASuccessClearsIt) {
  Feed feed = hourly();
  feed.failures = 1;
  EXPECT_EQ(poll_failed(feed, "error", "x", {}, fixed_time()).status, FeedStatus::active);
  feed.failures = 2;
  const auto third = poll_failed(feed, "error", "x", {}, fixed_time());
  EXPECT_EQ(third.status, FeedStatus::failing);
  EXPECT_EQ(third.last_error, "x");
  feed.failures = 3;
  feed.status = FeedStatus::failing;
  const auto success = poll_succeeded(feed, 304, "", "", {}, {}, fixed_time());
  EXPECT_EQ(success.status, FeedStatus::active);
  EXPECT_EQ(success.failures, 0);
  EXPECT_TRUE(success.last_error.empty());
}

TEST(PollPolicy, RetryAfterPutsTheNextPollNoEarlierThanAsked) {
  const Feed feed = hourly();
  const auto outcome = poll_failed(feed, "429", "slow down", fixed_time() + hours(5), fixed_time());
  EXPECT_EQ(outcome.next_poll_at, fixed_time() + hours(5));
  EXPECT_EQ(outcome.retry_after, fixed_time() + hours(5));
}

TEST(PollPolicy, GoneStopsPolling) {
  const auto outcome = poll_gone(hourly(), fixed_time());
  EXPECT_EQ(outcome.status, FeedStatus::gone);
  EXPECT_EQ(outcome.last_status, "410");
  EXPECT_NE(outcome.last_error.find("410"), std::string::npos);
}

}  // namespace
}  // namespace communique
