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

void ClickCounter::count(std::int64_t link, SubscriberId subscriber) {
  ++pending_.clicks[link];
  if (subscriber != 0) {
    ++pending_.personal[{link, subscriber}];
  }
}

std::optional<std::string> ClickCounter::follow_cached(std::int64_t link, SubscriberId subscriber) {
  std::lock_guard lock(mutex_);
  auto found = urls_.find(link);
  if (found == urls_.end()) {
    return std::nullopt;
  }
  count(link, subscriber);
  return found->second;
}

Result<std::string> ClickCounter::follow(std::int64_t link, SubscriberId subscriber) {
  if (auto cached = follow_cached(link, subscriber)) {
    return std::move(*cached);
  }
  auto url = store_.link_url(link);
  if (!url) {
    return url;
  }
  std::lock_guard lock(mutex_);
  urls_.emplace(link, *url);
  count(link, subscriber);
  return url;
}

void ClickCounter::record_open(IssueId issue, SubscriberId subscriber) {
  std::lock_guard lock(mutex_);
  ++pending_.opens[{issue, subscriber}];
}

Result<void> ClickCounter::flush() {
  std::lock_guard flushing(flush_mutex_);
  Pending batch;
  {
    std::lock_guard lock(mutex_);
    std::swap(batch, pending_);
  }
  if (batch.empty()) {
    return ok();
  }
  std::vector<Counted> clicks;
  std::vector<Counted> personal;
  std::vector<Counted> opens;
  for (const auto& [link, n] : batch.clicks) {
    clicks.push_back({link, 0, n});
  }
  for (const auto& [key, n] : batch.personal) {
    personal.push_back({key.first, key.second, n});
  }
  for (const auto& [key, n] : batch.opens) {
    opens.push_back({key.first, key.second, n});
  }
  auto written = store_.add_clicks(clicks, personal, opens);
  if (!written) {
    // Put them back for the next try rather than lose them.
    std::lock_guard lock(mutex_);
    for (const auto& [link, n] : batch.clicks) {
      pending_.clicks[link] += n;
    }
    for (const auto& [key, n] : batch.personal) {
      pending_.personal[key] += n;
    }
    for (const auto& [key, n] : batch.opens) {
      pending_.opens[key] += n;
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
