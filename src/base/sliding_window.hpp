// SlidingWindow: how many events each key had in the last `window`, for rate limits.
//
// Thread-safe. Memory stays bounded whoever picks the keys:
// - a key whose events have all left the window is forgotten, on its next look-up or in a
//   sweep of the whole table made whenever it has doubled since the last sweep;
// - at most `max_keys` keys are held: when a new key finds the table full even after a
//   sweep, the key whose newest event is the oldest is forgotten to make room. That errs
//   towards letting an attempt through rather than remembering without end; callers that
//   also limit per client address keep a flood from pushing a name out cheaply.
// It does not choose the keys: callers that take them from clients hash them first
// (security/keyed_hash.hpp) so that a key costs the same whatever its length.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <iterator>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace communique {

class SlidingWindow {
 public:
  using Time = std::chrono::sys_seconds;

  static constexpr std::size_t kDefaultMaxKeys = 100'000;

  explicit SlidingWindow(std::chrono::seconds window, std::size_t max_keys = kDefaultMaxKeys)
      : window_(window), max_keys_(max_keys == 0 ? 1 : max_keys) {}

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
    auto found = events_.find(key);
    if (found == events_.end()) {
      make_room(now);
      found = events_.emplace(key, std::vector<Time>()).first;
    }
    forget_old(found->second, now);
    found->second.push_back(now);
  }

  void clear(const std::string& key) {
    std::lock_guard lock(mutex_);
    events_.erase(key);
  }

  // How many keys are held (for tests and metrics).
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return events_.size();
  }

 private:
  static constexpr std::size_t kFirstSweep = 1024;

  void forget_old(std::vector<Time>& events, Time now) const {
    const auto first_live = std::find_if(events.begin(), events.end(),
                                         [&](Time event) { return event + window_ > now; });
    events.erase(events.begin(), first_live);
  }

  // Before a new key goes in: sweeps out expired keys when the table has doubled since
  // the last sweep or is full, then forgets the least recently active key if still full.
  void make_room(Time now) {
    if (events_.size() >= sweep_at_ || events_.size() >= max_keys_) {
      for (auto entry = events_.begin(); entry != events_.end();) {
        forget_old(entry->second, now);
        entry = entry->second.empty() ? events_.erase(entry) : std::next(entry);
      }
      sweep_at_ = std::max(kFirstSweep, 2 * events_.size());
    }
    if (events_.size() >= max_keys_) {
      const auto stalest =
          std::min_element(events_.begin(), events_.end(), [](const auto& left, const auto& right) {
            return left.second.back() < right.second.back();
          });
      events_.erase(stalest);
    }
  }

  std::chrono::seconds window_;
  std::size_t max_keys_;
  std::size_t sweep_at_ = kFirstSweep;
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<Time>> events_;
};

}  // namespace communique
