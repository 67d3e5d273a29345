// ReplyPolicy: what a transport's outcome means for a recipient (Postfix's smtp_trouble,
// apart from the protocol code).
//
//   accepted             → sent
//   permanent rejection  → failed (the reply is kept for bounce handling)
//   temporary rejection,
//   transport failure    → deferred, retried after an exponential backoff with jitter
//                          (base, doubling, capped), until the recipient has waited
//                          `max_age` since it was queued; then failed.
#pragma once

#include <chrono>
#include <functional>

#include "core/delivery.hpp"
#include "delivery/transport.hpp"

namespace communique {

struct ReplyPolicySettings {
  std::chrono::seconds first_retry{300};
  std::chrono::seconds max_retry_interval{std::chrono::hours(4)};
  std::chrono::seconds max_age{std::chrono::hours(72)};
  double jitter = 0.2;  // each delay is stretched or shrunk by up to this fraction
};

class ReplyPolicy {
 public:
  // `random` returns a number in [0, 1); tests pass a fixed one.
  ReplyPolicy(ReplyPolicySettings settings, std::function<double()> random)
      : settings_(settings), random_(std::move(random)) {}

  DeliveryResult decide(const Recipient& recipient, const TransportOutcome& outcome,
                        Timestamp now) const;

 private:
  ReplyPolicySettings settings_;
  std::function<double()> random_;
};

}  // namespace communique
