#include "http/one_click_queue.hpp"

#include <map>

#include "base/log.hpp"
#include "http/public_page.hpp"
#include "http/unsubscribe.hpp"

namespace communique {

OneClickQueue::OneClickQueue(Store& store, std::string organisation, Clock clock)
    : store_(store),
      organisation_(std::move(organisation)),
      clock_(std::move(clock)),
      worker_([this] { run(); }) {}

OneClickQueue::~OneClickQueue() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
}

void OneClickQueue::submit(SubscriberId subscriber, IssueId issue, Respond respond) {
  bool was_empty = false;
  {
    std::lock_guard lock(mutex_);
    was_empty = queue_.empty();
    queue_.push_back({subscriber, issue, std::move(respond)});
  }
  if (was_empty) {
    wake_.notify_one();
  }
}

void OneClickQueue::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) {
      return;  // stopping, and all answered
    }
    std::deque<Pending> batch;
    batch.swap(queue_);
    lock.unlock();
    answer(batch);
    lock.lock();
  }
}

void OneClickQueue::answer(std::deque<Pending>& batch) {
  std::vector<std::pair<SubscriberId, IssueId>> pairs;
  pairs.reserve(batch.size());
  std::map<IssueId, std::vector<std::string>> lists;
  for (const auto& pending : batch) {
    pairs.emplace_back(pending.subscriber, pending.issue);
    if (!lists.contains(pending.issue)) {
      auto names = store_.issue_list_names(pending.issue);
      lists[pending.issue] = names ? std::move(*names) : std::vector<std::string>{};
    }
  }
  auto done = store_.unsubscribe_many(pairs, clock_());
  if (!done) {
    logger("http")->error("one-click unsubscribes not stored: {}", done.error().message);
  }
  std::map<IssueId, HttpResponse> pages;  // the same page for everyone leaving an issue
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const auto& names = lists[batch[i].issue];
    if (!done) {
      batch[i].respond(unsubscribe_failed_page());
    } else if (!(*done)[i] || names.empty()) {
      batch[i].respond(not_found_page());
    } else {
      auto page = pages.find(batch[i].issue);
      if (page == pages.end()) {
        page = pages.emplace(batch[i].issue, unsubscribed_page(names, organisation_)).first;
      }
      batch[i].respond(page->second);
    }
  }
}

}  // namespace communique
