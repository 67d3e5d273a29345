// ClickCounter: counts clicks on tracked links (and, for issues that ask, who clicked and
// who opened) in memory, and writes the counts to the store in one transaction a second,
// so that a redirect or an open pixel reads and writes no database.
//
// Policy: link URLs never change once registered, so they are cached for good (a few
// hundred per issue). A crash loses at most the last second's counts: click counts are
// statistics, and the redirect itself is never lost.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include "store/store.hpp"

namespace communique {

class ClickCounter {
 public:
  // Starts the thread that flushes every `interval`.
  explicit ClickCounter(Store& store, std::chrono::milliseconds interval = std::chrono::seconds(1));
  // Stops the thread and writes what is pending.
  ~ClickCounter();
  ClickCounter(const ClickCounter&) = delete;
  ClickCounter& operator=(const ClickCounter&) = delete;

  // The URL of `link`, with one click counted (and who clicked, when `subscriber` is not 0),
  // if it is cached (no I/O: safe on an I/O thread).
  std::optional<std::string> follow_cached(std::int64_t link, SubscriberId subscriber = 0);
  // The same, reading the URL from the store when it is not cached (blocks).
  Result<std::string> follow(std::int64_t link, SubscriberId subscriber = 0);
  // Counts one open of `issue` by `subscriber` (no I/O).
  void record_open(IssueId issue, SubscriberId subscriber);
  // Writes the pending counts now.
  Result<void> flush();

 private:
  void run();

  Store& store_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::unordered_map<std::int64_t, std::string> urls_;
  struct Pending {
    std::map<std::int64_t, std::int64_t> clicks;                             // by link
    std::map<std::pair<std::int64_t, SubscriberId>, std::int64_t> personal;  // by link, who
    std::map<std::pair<IssueId, SubscriberId>, std::int64_t> opens;          // by issue, who
    bool empty() const { return clicks.empty() && personal.empty() && opens.empty(); }
  };
  void count(std::int64_t link, SubscriberId subscriber);  // the lock is held
  Pending pending_;
  std::mutex flush_mutex_;  // one flush at a time, so counts are written in order
  std::thread flusher_;
};

}  // namespace communique
