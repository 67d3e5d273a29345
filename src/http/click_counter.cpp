#include "http/click_counter.hpp"

#include <vector>

#include "base/log.hpp"

namespace communique {

ClickCounter::ClickCounter(Store& store, std::chrono::milliseconds interval)
    : store_(store), interval_(interval), flusher_([this] { run(); }) {}

ClickCounter::~ClickCounter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  flusher_.join();
  if (auto done = flush(); !done) {
    logger("http")->error("click counts not written: {}", done.error().message);
  }
}

std::optional<std::string> ClickCounter::follow_cached(std::int64_t link) {
  std::lock_guard lock(mutex_);
  auto found = urls_.find(link);
  if (found == urls_.end()) {
    return std::nullopt;
  }
  ++pending_[link];
  return found->second;
}

Result<std::string> ClickCounter::follow(std::int64_t link) {
  if (auto cached = follow_cached(link)) {
    return std::move(*cached);
  }
  auto url = store_.link_url(link);
  if (!url) {
    return url;
  }
  std::lock_guard lock(mutex_);
  urls_.emplace(link, *url);
  ++pending_[link];
  return url;
}

Result<void> ClickCounter::flush() {
  std::lock_guard flushing(flush_mutex_);
  std::map<std::int64_t, std::int64_t> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(pending_);
  }
  if (batch.empty()) {
    return ok();
  }
  std::vector<std::pair<std::int64_t, std::int64_t>> clicks(batch.begin(), batch.end());
  auto written = store_.add_clicks(clicks);
  if (!written) {
    // Put them back for the next try rather than lose them.
    std::lock_guard lock(mutex_);
    for (const auto& [link, count] : batch) {
      pending_[link] += count;
    }
  }
  return written;
}

void ClickCounter::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
    if (stopping_) {
      break;
    }
    lock.unlock();
    if (auto done = flush(); !done) {
      logger("http")->warn("click counts not written yet: {}", done.error().message);
    }
    lock.lock();
  }
}

}  // namespace communique
