#include "delivery/claim_pacer.hpp"

#include <algorithm>
#include <cmath>

namespace communique {

ClaimPacer::ClaimPacer(ClaimPacerSettings settings) : settings_(settings) {
  settings_.max_in_flight = std::max<std::size_t>(1, settings_.max_in_flight);
  settings_.min_batch = std::clamp<std::size_t>(settings_.min_batch, 1, settings_.max_in_flight);
}

void ClaimPacer::answered(std::size_t count, Clock::time_point now) {
  if (!interval_start_) {
    interval_start_ = now;
  }
  interval_count_ += count;
  const auto elapsed = now - *interval_start_;
  if (elapsed < kInterval) {
    return;
  }
  const double measured =
      static_cast<double>(interval_count_) / std::chrono::duration<double>(elapsed).count();
  // Smoothed, so that one slow interval (a commit that waited for the disk) does not
  // halve the next batches.
  rate_ = rate_ ? 0.5 * *rate_ + 0.5 * measured : measured;
  interval_start_ = now;
  interval_count_ = 0;
}

std::size_t ClaimPacer::batch() const {
  const std::size_t most = std::max(settings_.min_batch, settings_.max_in_flight / 2);
  if (!rate_) {
    return settings_.min_batch;
  }
  const auto wanted = static_cast<std::size_t>(
      std::ceil(*rate_ * std::chrono::duration<double>(settings_.lead).count()));
  return std::clamp(wanted, settings_.min_batch, most);
}

std::size_t ClaimPacer::to_claim(std::size_t in_flight) const {
  if (in_flight >= settings_.max_in_flight) {
    return 0;
  }
  const std::size_t room = settings_.max_in_flight - in_flight;
  const std::size_t size = batch();
  if (room < size && in_flight > 0) {
    return 0;
  }
  return std::min(size, room);
}

}  // namespace communique
