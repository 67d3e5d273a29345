#include "delivery/relay_backoff.hpp"

#include <algorithm>

namespace communique {

std::optional<std::chrono::seconds> RelayBackoff::failed(Clock::time_point now) {
  if (!available(now)) {
    return std::nullopt;
  }
  // first × 2^failures, capped; the shift stops growing long before it could overflow.
  const auto delay = std::min(settings_.cap, settings_.first * (1 << std::min(failures_, 16)));
  until_ = now + delay;
  ++failures_;
  return delay;
}

}  // namespace communique
