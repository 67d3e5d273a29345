#include "delivery/relay_backoff.hpp"

#include <gtest/gtest.h>

namespace communique {
namespace {

using std::chrono::seconds;
using Clock = RelayBackoff::Clock;

const Clock::time_point kStart{std::chrono::hours(1)};

TEST(RelayBackoff, ARelayIsAvailableUntilItFails) {
  RelayBackoff backoff;
  EXPECT_TRUE(backoff.available(kStart));
  EXPECT_EQ(backoff.failed(kStart), seconds(30));
  EXPECT_FALSE(backoff.available(kStart + seconds(29)));
  EXPECT_TRUE(backoff.available(kStart + seconds(30)));
}

TEST(RelayBackoff, FailuresOfOneOutageSeenByOtherConnectionsCountOnce) {
  RelayBackoff backoff;
  ASSERT_EQ(backoff.failed(kStart), seconds(30));
  // Three more connections that were already trying fail a moment later.
  EXPECT_EQ(backoff.failed(kStart), std::nullopt);
  EXPECT_EQ(backoff.failed(kStart + seconds(1)), std::nullopt);
  EXPECT_EQ(backoff.failed(kStart + seconds(29)), std::nullopt);
  // The back-off neither grew nor moved.
  EXPECT_TRUE(backoff.available(kStart + seconds(30)));
  EXPECT_EQ(backoff.failed(kStart + seconds(30)), seconds(60));
}

TEST(RelayBackoff, EachFailureAfterARetryDoublesTheBackOffUpToACap) {
  RelayBackoff backoff;
  auto now = kStart;
  for (const int expected : {30, 60, 120, 240, 480, 600, 600}) {
    const auto delay = backoff.failed(now);
    ASSERT_EQ(delay, seconds(expected));
    now += *delay;
  }
}

TEST(RelayBackoff, ARelayThatWorkedStartsAgainFromTheFirstDelay) {
  RelayBackoff backoff(RelayBackoffSettings{.first = seconds(5), .cap = seconds(60)});
  ASSERT_EQ(backoff.failed(kStart), seconds(5));
  ASSERT_EQ(backoff.failed(kStart + seconds(5)), seconds(10));
  backoff.worked();
  EXPECT_EQ(backoff.failed(kStart + seconds(15)), seconds(5));
}

}  // namespace
}  // namespace communique
