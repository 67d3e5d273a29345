// OutcomeRecorder: writes what became of letters to the ledger in small group commits, as
// outcomes arrive.
//
// Policy: outcomes wait at most `max_delay` after the first of them arrived, and at most
// `max_batch` of them wait, before they are recorded in one transaction: a commit per
// letter would cost more than sending it, and a long wait would leave letters that were
// sent marked `sending`, to be sent again after a crash. Mechanism only: what an outcome
// means (sent, deferred, failed) was decided before (delivery/reply_policy.hpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <vector>

#include "base/result.hpp"
#include "core/delivery.hpp"
#include "store/ledger_store.hpp"

namespace communique {

struct OutcomeRecorderSettings {
  std::size_t max_batch = 256;
  std::chrono::milliseconds max_delay{5};
};

class OutcomeRecorder {
 public:
  using Clock = std::chrono::steady_clock;

  OutcomeRecorder(LedgerStore& store, IssueId issue, OutcomeRecorderSettings settings)
      : store_(store), issue_(issue), settings_(settings) {}

  // Adds a result to the next commit; `now` starts the wait when it is the first.
  void add(DeliveryResult result, Clock::time_point now);
  // Whether the waiting results should be recorded at `now`.
  bool due(Clock::time_point now) const;
  // When the waiting results will be due; nothing when none wait.
  std::optional<Clock::time_point> deadline() const;
  std::size_t waiting() const { return waiting_.size(); }
  // Records every waiting result as one transaction (`now`: the ledger's time); returns
  // how many. On an error they stay waiting.
  Result<std::size_t> flush(Timestamp now);
  std::size_t commits() const { return commits_; }

 private:
  LedgerStore& store_;
  IssueId issue_;
  OutcomeRecorderSettings settings_;
  std::vector<DeliveryResult> waiting_;
  Clock::time_point first_{};
  std::size_t commits_ = 0;
};

}  // namespace communique
