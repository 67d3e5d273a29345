#include "base/bounded_queue.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace communique {
namespace {

TEST(BoundedQueue, CloseAndTakeHandsBackWhatWasLeftAndSaysSo) {
  BoundedQueue<int> queue(4);
  ASSERT_TRUE(queue.push(1));
  ASSERT_TRUE(queue.push(2));
  EXPECT_FALSE(queue.taken_back());
  EXPECT_EQ(queue.close_and_take(), (std::vector<int>{1, 2}));
  EXPECT_TRUE(queue.taken_back());
  EXPECT_FALSE(queue.pop());  // nothing left to drain
  EXPECT_FALSE(queue.push(3));
}

TEST(BoundedQueue, ACloseLetsTheConsumerDrainAndIsNotATakeBack) {
  BoundedQueue<int> queue(4);
  ASSERT_TRUE(queue.push(1));
  queue.close();
  EXPECT_FALSE(queue.taken_back());
  EXPECT_EQ(queue.pop(), 1);
  EXPECT_FALSE(queue.pop());
}

TEST(BoundedQueue, TryPopAndPopForDoNotWaitPastTheirTime) {
  BoundedQueue<int> queue(2);
  EXPECT_FALSE(queue.try_pop());
  EXPECT_FALSE(queue.pop_for(std::chrono::milliseconds(1)));
  ASSERT_TRUE(queue.push(7));
  EXPECT_EQ(queue.try_pop(), 7);
}

TEST(BoundedQueue, ATakeBackWakesAProducerWaitingForRoom) {
  BoundedQueue<int> queue(1);
  ASSERT_TRUE(queue.push(1));
  bool pushed = true;
  std::thread producer([&] { pushed = queue.push(2); });
  EXPECT_EQ(queue.close_and_take().size(), 1u);
  producer.join();
  EXPECT_FALSE(pushed);
}

}  // namespace
}  // namespace communique
