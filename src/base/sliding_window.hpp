// SlidingWindow: how many events each key had in the last `window`, for rate limits.
// Thread-safe; memory holds only keys with events inside the window.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace communique {

class SlidingWindow {
 public:
  using Time = std::chrono::sys_seconds;

  explicit SlidingWindow(std::chrono::seconds window) : window_(window) {}

  // Whether `key` had fewer than `limit` events in the window ending at `now`; when not,
  // `retry_after` is how long until the oldest leaves it.
  bool below(const std::string& key, int limit, Time now,
             std::chrono::seconds* retry_after = nullptr) {
    std::lock_guard lock(mutex_);
    auto found = events_.find(key);
    if (found == events_.end()) {
      return true;
    }
    forget_old(found->second, now);
    if (found->second.empty()) {
      events_.erase(found);
      return true;
    }
    if (static_cast<int>(found->second.size()) < limit) {
      return true;
    }
    if (retry_after != nullptr) {
      *retry_after = found->second.front() + window_ - now;
    }
    return false;
  }

  void add(const std::string& key, Time now) {
    std::lock_guard lock(mutex_);
    auto& events = events_[key];
    forget_old(events, now);
    events.push_back(now);
  }

  void clear(const std::string& key) {
    std::lock_guard lock(mutex_);
    events_.erase(key);
  }

 private:
  void forget_old(std::deque<Time>& events, Time now) const {
    while (!events.empty() && events.front() + window_ <= now) {
      events.pop_front();
    }
  }

  std::chrono::seconds window_;
  std::mutex mutex_;
  std::map<std::string, std::deque<Time>> events_;
};

}  // namespace communique
