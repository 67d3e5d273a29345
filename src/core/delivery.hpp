// Deliveries: the ledger's view of one recipient of one issue.
//
// A recipient is queued when the audience is frozen, sending while a runner holds it, and
// then sent, deferred (to be retried at a time) or failed. The ledger is what makes a send
// resumable: see the deliveries table (migration 0003) and delivery/campaign_runner.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/subscriber.hpp"
#include "core/time.hpp"

namespace communique {

enum class DeliveryState { queued, sending, sent, deferred, failed };

std::string_view to_string(DeliveryState state);
std::optional<DeliveryState> parse_delivery_state(std::string_view text);

struct DeliveryCounts {
  std::int64_t queued = 0;
  std::int64_t sending = 0;
  std::int64_t sent = 0;
  std::int64_t deferred = 0;
  std::int64_t failed = 0;

  std::int64_t total() const { return queued + sending + sent + deferred + failed; }
  // Nothing left to try now or later.
  bool finished() const { return queued == 0 && sending == 0 && deferred == 0; }
};

// Why some recipients of an issue were deferred or failed: one distinct reply (the relay's
// answer or the transport's reason) and how many recipients it was the last word for.
struct DeliveryProblem {
  DeliveryState state = DeliveryState::deferred;
  std::string reply;
  std::int64_t count = 0;
};

// A recipient claimed for sending.
struct Recipient {
  Subscriber subscriber;
  int attempts = 0;  // including this one
  Timestamp queued_at{};
};

// What became of one claimed recipient.
struct DeliveryResult {
  SubscriberId subscriber = 0;
  DeliveryState state = DeliveryState::sent;  // sent, deferred or failed
  Timestamp next_attempt_at{};                // for deferred
  std::string reply;                          // the server's words, for bounces and people
};

}  // namespace communique
