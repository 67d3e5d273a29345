#include "delivery/reply_policy.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace communique {
namespace {

using communique::testing::fixed_time;
using Kind = TransportOutcome::Kind;

ReplyPolicy policy(double random = 0.5) {
  return ReplyPolicy(ReplyPolicySettings{.first_retry = std::chrono::seconds(60),
                                         .max_retry_interval = std::chrono::seconds(600),
                                         .max_age = std::chrono::hours(1),
                                         .jitter = 0.2},
                     [random] { return random; });
}

Recipient recipient(int attempts, Timestamp queued_at = fixed_time()) {
  return Recipient{.subscriber = Subscriber{.id = 9}, .attempts = attempts, .queued_at = queued_at};
}

TEST(ReplyPolicy, AcceptedIsSentAndPermanentIsFailed) {
  auto sent = policy().decide(recipient(1), {Kind::accepted, "250 ok"}, fixed_time());
  EXPECT_EQ(sent.state, DeliveryState::sent);
  EXPECT_EQ(sent.subscriber, 9);
  auto failed = policy().decide(recipient(1), {Kind::permanent_rejection, "550 5.1.1 unknown"},
                                fixed_time());
  EXPECT_EQ(failed.state, DeliveryState::failed);
  EXPECT_EQ(failed.reply, "550 5.1.1 unknown");
}

TEST(ReplyPolicy, TemporaryTroubleBacksOffExponentiallyUpToACap) {
  const std::pair<int, int> expected[] = {{1, 60}, {2, 120}, {3, 240}, {4, 480}, {5, 600}, {9, 600}};
  for (const auto& [attempts, seconds] : expected) {
    auto result = policy().decide(recipient(attempts), {Kind::temporary_rejection, "451 later"},
                                  fixed_time());
    EXPECT_EQ(result.state, DeliveryState::deferred);
    EXPECT_EQ(result.next_attempt_at, fixed_time(seconds)) << "attempt " << attempts;
  }
  auto connection = policy().decide(recipient(1), {Kind::transport_failure, "reset"}, fixed_time());
  EXPECT_EQ(connection.state, DeliveryState::deferred);
}

TEST(ReplyPolicy, JitterStaysWithinItsFraction) {
  auto early = policy(0.0).decide(recipient(1), {Kind::temporary_rejection, ""}, fixed_time());
  auto late = policy(0.999).decide(recipient(1), {Kind::temporary_rejection, ""}, fixed_time());
  EXPECT_EQ(early.next_attempt_at, fixed_time(48));  // 60 × 0.8
  EXPECT_EQ(late.next_attempt_at, fixed_time(72));   // 60 × 1.2, rounded
}

TEST(ReplyPolicy, GivesUpAfterTheMaximumAge) {
  // Queued 59 minutes ago: a second retry, 120 s away, would pass the hour.
  auto result = policy().decide(recipient(2, fixed_time(-59 * 60)),
                                {Kind::temporary_rejection, "452 mailbox full"}, fixed_time());
  EXPECT_EQ(result.state, DeliveryState::failed);
  EXPECT_EQ(result.reply, "gave up after 2 attempts: 452 mailbox full");
}

}  // namespace
}  // namespace communique
