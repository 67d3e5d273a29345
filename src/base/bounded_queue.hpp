// BoundedQueue<T>: a blocking queue of at most `capacity` items between threads, so a
// fast producer waits for a slow consumer instead of filling memory.
//
// close() ends the exchange from either side: a blocked push() returns false (the
// consumer gave up), a pop() drains what is left and then returns nothing. close_and_take()
// ends it at once: what was left is handed back to the caller instead of being drained.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

namespace communique {

template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // Waits for room; false when the queue was closed (the item is dropped).
  bool push(T item) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    if (closed_) {
      return false;
    }
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }

  // Waits for an item; nothing once the queue is closed and empty.
  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
    return take_front();
  }

  // An item if one is there now; nothing otherwise (closed or empty).
  std::optional<T> try_pop() {
    std::lock_guard lock(mutex_);
    return take_front();
  }

  // Waits up to `timeout` for an item; nothing when none came (or the queue is closed and
  // empty).
  std::optional<T> pop_for(std::chrono::steady_clock::duration timeout) {
    std::unique_lock lock(mutex_);
    not_empty_.wait_for(lock, timeout, [&] { return closed_ || !items_.empty(); });
    return take_front();
  }

  // Closes the queue and returns what was left in it, oldest first.
  std::vector<T> close_and_take() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    taken_back_ = true;
    std::vector<T> left;
    left.reserve(items_.size());
    for (auto& item : items_) {
      left.push_back(std::move(item));
    }
    items_.clear();
    not_full_.notify_all();
    not_empty_.notify_all();
    return left;
  }

  // Whether close_and_take() closed it: the consumer is to give back what it holds rather
  // than finish it.
  bool taken_back() const {
    std::lock_guard lock(mutex_);
    return taken_back_;
  }

  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_full_.notify_all();
    not_empty_.notify_all();
  }

 private:
  std::optional<T> take_front() {
    if (items_.empty()) {
      return std::nullopt;
    }
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  std::deque<T> items_;
  bool closed_ = false;
  bool taken_back_ = false;
};

}  // namespace communique
