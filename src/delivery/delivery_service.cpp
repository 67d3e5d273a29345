#include "delivery/delivery_service.hpp"

#include <thread>

#include "base/log.hpp"

namespace communique {

Result<int> DeliveryService::run_once(const std::atomic<bool>& stop) {
  auto log = logger("delivery");
  const Timestamp now = clock_();
  if (before_round_) {
    before_round_(now);
  }
  auto due = issues_.issues_to_run(now);
  if (!due) {
    return std::move(due).error();
  }
  int worked = 0;
  for (const auto& issue : *due) {
    if (stop) {
      break;
    }
    if (issue.status == IssueStatus::scheduled && issue.scheduled_at && issue.expire_after &&
        now - *issue.scheduled_at > *issue.expire_after) {
      const auto late = std::chrono::duration_cast<std::chrono::minutes>(now - *issue.scheduled_at);
      const std::string note = "not sent: due at " + format_iso8601(*issue.scheduled_at) +
                               ", found " + std::to_string(late.count()) +
                               " minutes late, past its expire-after of " +
                               std::to_string(issue.expire_after->count() / 60) + " minutes";
      const IssueStatus scheduled[] = {IssueStatus::scheduled};
      if (issues_.change_issue_status(issue.id, scheduled, IssueStatus::cancelled, note, now)) {
        log->warn("issue {}: {}", issue.id, note);
      }
      ++worked;
      continue;
    }
    // The time now, not the round's: an issue sent before this one may have taken long.
    auto lease = IssueLease::take(ledger_, issue.id, clock_(), lease_);
    if (!lease) {
      log->error("issue {}: {}", issue.id, lease.error().message);
      continue;
    }
    if (!lease->held()) {
      auto [logged, first] = left_to_others_.try_emplace(issue.id, lease->holder().owner);
      if (first || logged->second != lease->holder().owner) {
        logged->second = lease->holder().owner;
        log->info("{}; leaving it to that runner", lease->describe_holder());
      }
      continue;
    }
    left_to_others_.erase(issue.id);
    auto counts = runner_.run(*lease, nullptr, &stop);
    if (!counts) {
      log->error("issue {}: {}", issue.id, counts.error().message);
    }
    ++worked;
  }
  return worked;
}

void DeliveryService::run(const std::atomic<bool>& stop) {
  auto log = logger("delivery");
  while (!stop) {
    // The runner stops an issue that throws; this catches what is left (the store, say),
    // so that the delivery thread outlives any fault and tries again at the next poll.
    try {
      if (auto round = run_once(stop); !round) {
        log->error("delivery round failed: {}", round.error().message);
      }
    } catch (const std::exception& error) {
      log->error("delivery round failed: {}", error.what());
    } catch (...) {
      log->error("delivery round failed: an exception of unknown type");
    }
    // Sleep in short steps so a stop is noticed quickly.
    const auto wake = std::chrono::steady_clock::now() + poll_;
    while (!stop && std::chrono::steady_clock::now() < wake) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

}  // namespace communique
