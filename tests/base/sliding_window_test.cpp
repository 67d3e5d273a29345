#include "base/sliding_window.hpp"

#include <gtest/gtest.h>

#include <string>

namespace communique {
namespace {

using namespace std::chrono_literals;

const SlidingWindow::Time kStart{std::chrono::sys_days{std::chrono::year{2026} / 1 / 1}};

TEST(SlidingWindow, CountsEventsOfEachKeyInsideTheWindow) {
  SlidingWindow window(10min);
  window.add("a", kStart);
  window.add("a", kStart + 1min);
  std::chrono::seconds retry{0};
  EXPECT_FALSE(window.below("a", 2, kStart + 1min, &retry));
  EXPECT_EQ(retry, 9min);
  EXPECT_TRUE(window.below("b", 1, kStart + 1min));
  EXPECT_TRUE(window.below("a", 2, kStart + 10min));
}

TEST(SlidingWindow, KeysWhoseEventsExpiredAreSweptOutAsNewKeysArrive) {
  SlidingWindow window(1min);
  for (int i = 0; i < 5000; ++i) {
    window.add("old-" + std::to_string(i), kStart);
  }
  EXPECT_EQ(window.size(), 5000U);
  // An hour later the old keys hold nothing: new keys sweep them out instead of piling up.
  for (int i = 0; i < 5000; ++i) {
    window.add("new-" + std::to_string(i), kStart + 1h);
  }
  EXPECT_LE(window.size(), 5000U + 1024U);
  EXPECT_GE(window.size(), 5000U);
}

TEST(SlidingWindow, NeverHoldsMoreThanItsCapAndForgetsTheLeastRecentlyActiveKey) {
  SlidingWindow window(1h, 100);
  for (int i = 0; i < 1000; ++i) {
    window.add("key-" + std::to_string(i), kStart + std::chrono::seconds(i));
  }
  EXPECT_EQ(window.size(), 100U);
  // The newest keys are still counted; the oldest were forgotten.
  EXPECT_FALSE(window.below("key-999", 1, kStart + 1000s));
  EXPECT_TRUE(window.below("key-0", 1, kStart + 1000s));
}

}  // namespace
}  // namespace communique
