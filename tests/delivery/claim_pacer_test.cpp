#include "delivery/claim_pacer.hpp"

#include <gtest/gtest.h>

namespace communique {
namespace {

using Clock = ClaimPacer::Clock;
using std::chrono::milliseconds;

TEST(ClaimPacer, BeforeAnyAnswerBatchesAreOfTheSmallestSize) {
  ClaimPacer pacer({.max_in_flight = 100, .min_batch = 10});
  EXPECT_FALSE(pacer.rate());
  EXPECT_EQ(pacer.batch(), 10u);
  EXPECT_EQ(pacer.to_claim(0), 10u);
}

TEST(ClaimPacer, BatchesFollowTheMeasuredRateWithinTheirBounds) {
  ClaimPacer pacer({.max_in_flight = 100, .min_batch = 10, .lead = milliseconds(20)});
  const auto start = Clock::now();
  pacer.answered(0, start);
  pacer.answered(150, start + milliseconds(100));  // 1,500 a second
  ASSERT_TRUE(pacer.rate());
  EXPECT_NEAR(*pacer.rate(), 1500, 1);
  EXPECT_EQ(pacer.batch(), 30u);  // 20 ms of letters

  ClaimPacer fast({.max_in_flight = 100, .min_batch = 10, .lead = milliseconds(20)});
  fast.answered(0, start);
  fast.answered(5000, start + milliseconds(100));  // 50,000 a second
  EXPECT_EQ(fast.batch(), 50u);                    // half the letters in flight, at most

  ClaimPacer slow({.max_in_flight = 100, .min_batch = 10, .lead = milliseconds(20)});
  slow.answered(0, start);
  slow.answered(2, start + milliseconds(200));  // 10 a second
  EXPECT_EQ(slow.batch(), 10u);                 // never under the smallest batch
}

TEST(ClaimPacer, OneSlowIntervalMovesTheRateOnlyHalfway) {
  ClaimPacer pacer({.max_in_flight = 1000, .min_batch = 1, .lead = milliseconds(100)});
  const auto start = Clock::now();
  pacer.answered(0, start);
  pacer.answered(400, start + milliseconds(100));  // 4,000 a second
  pacer.answered(0, start + milliseconds(200));    // nothing in the next interval
  EXPECT_NEAR(*pacer.rate(), 2000, 1);
}

TEST(ClaimPacer, LettersInFlightNeverExceedTheWindow) {
  ClaimPacer pacer({.max_in_flight = 100, .min_batch = 10, .lead = milliseconds(20)});
  const auto start = Clock::now();
  pacer.answered(0, start);
  pacer.answered(400, start + milliseconds(100));  // batches of 80 wanted, 50 allowed
  EXPECT_EQ(pacer.to_claim(0), 50u);
  EXPECT_EQ(pacer.to_claim(50), 50u);
  EXPECT_EQ(pacer.to_claim(51), 0u);  // a whole batch would not fit
  EXPECT_EQ(pacer.to_claim(100), 0u);
  EXPECT_EQ(pacer.to_claim(150), 0u);
}

TEST(ClaimPacer, ATinyWindowStillClaims) {
  ClaimPacer pacer({.max_in_flight = 3, .min_batch = 10});
  EXPECT_EQ(pacer.batch(), 3u);
  EXPECT_EQ(pacer.to_claim(0), 3u);
  EXPECT_EQ(pacer.to_claim(1), 0u);
}

}  // namespace
}  // namespace communique
