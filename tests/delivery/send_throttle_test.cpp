#include "delivery/send_throttle.hpp"

#include <gtest/gtest.h>

namespace communique {
namespace {

using Clock = SendThrottle::Clock;
using namespace std::chrono_literals;

const Clock::time_point kStart = Clock::time_point(std::chrono::hours(1000));

int granted_in(SendThrottle& throttle, const std::string& domain, Clock::time_point from,
               std::chrono::milliseconds span, std::chrono::milliseconds step) {
  int granted = 0;
  for (auto now = from; now <= from + span; now += step) {  // both ends included
    while (throttle.acquire(domain, now).granted) {
      throttle.release(domain);
      ++granted;
    }
  }
  return granted;
}

TEST(SendThrottle, NoLimitsGrantEverything) {
  SendThrottle throttle({});
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(throttle.acquire("example.org", kStart).granted);
  }
}

TEST(SendThrottle, MessagesPerSecondHoldOverTime) {
  SendThrottle throttle({.messages_per_second = 50});
  // One second of burst, then 50 a second: 50 + 10 × 50 over ten seconds.
  EXPECT_EQ(granted_in(throttle, "a.org", kStart, 10'000ms, 10ms), 550);
  auto refused = throttle.acquire("a.org", kStart + 10'000ms);
  EXPECT_FALSE(refused.granted);
  EXPECT_LE(refused.retry_at - (kStart + 10'000ms), 20ms);
}

TEST(SendThrottle, DomainsHaveTheirOwnRatesAndConcurrency) {
  SendThrottle throttle({.domains = {{"gmail.com", 2, 5}}, .default_domain = {"", 0, 0}});
  auto first = throttle.acquire("gmail.com", kStart);
  auto second = throttle.acquire("gmail.com", kStart);
  auto third = throttle.acquire("gmail.com", kStart);
  EXPECT_TRUE(first.granted);
  EXPECT_TRUE(second.granted);
  EXPECT_FALSE(third.granted);                                   // two at once at most
  EXPECT_TRUE(throttle.acquire("example.org", kStart).granted);  // others are not held up
  throttle.release("gmail.com");
  EXPECT_TRUE(throttle.acquire("gmail.com", kStart).granted);
  throttle.release("gmail.com");
  throttle.release("gmail.com");
  // Five a second once the burst is spent.
  EXPECT_EQ(granted_in(throttle, "gmail.com", kStart + 1ms, 2'000ms, 10ms), 2 + 10);
}

TEST(SendThrottle, AnHourlyQuotaSlides) {
  SendThrottle throttle({.messages_per_hour = 100});
  EXPECT_EQ(granted_in(throttle, "a.org", kStart, 1ms, 1ms), 100);
  auto refused = throttle.acquire("a.org", kStart + 30min);
  EXPECT_FALSE(refused.granted);
  EXPECT_FALSE(throttle.acquire("a.org", kStart + 59min).granted);
  // An hour after the first minute's letters, they leave the window.
  EXPECT_TRUE(throttle.acquire("a.org", kStart + 61min).granted);
}

}  // namespace
}  // namespace communique
