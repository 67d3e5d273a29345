#include "delivery/outcome_recorder.hpp"

namespace communique {

void OutcomeRecorder::add(DeliveryResult result, Clock::time_point now) {
  if (waiting_.empty()) {
    first_ = now;
  }
  waiting_.push_back(std::move(result));
}

bool OutcomeRecorder::due(Clock::time_point now) const {
  return !waiting_.empty() &&
         (waiting_.size() >= settings_.max_batch || now - first_ >= settings_.max_delay);
}

std::optional<OutcomeRecorder::Clock::time_point> OutcomeRecorder::deadline() const {
  if (waiting_.empty()) {
    return std::nullopt;
  }
  return first_ + settings_.max_delay;
}

Result<std::size_t> OutcomeRecorder::flush(Timestamp now) {
  if (waiting_.empty()) {
    return std::size_t{0};
  }
  if (auto recorded = store_.record_deliveries(issue_, waiting_, now); !recorded) {
    return std::move(recorded).error();
  }
  const std::size_t count = waiting_.size();
  waiting_.clear();
  ++commits_;
  return count;
}

}  // namespace communique
