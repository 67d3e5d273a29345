// Deliveries: the ledger's view of one recipient of one issue.
//
// A recipient is queued when the audience is frozen, sending while a runner holds it, and
// then sent, deferred (to be retried at a time) or failed; or skipped, when a digest had no
// item for them (no letter was made, and none will be). The ledger is what makes a send
// resumable: see the deliveries table (migration 0003) and delivery/campaign_runner.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/issue.hpp"
#include "core/subscriber.hpp"
#include "core/time.hpp"

namespace communique {

enum class DeliveryState { queued, sending, sent, deferred, failed, skipped };

std::string_view to_string(DeliveryState state);
std::optional<DeliveryState> parse_delivery_state(std::string_view text);

struct DeliveryCounts {
  std::int64_t queued = 0;
  std::int64_t sending = 0;
  std::int64_t sent = 0;
  std::int64_t deferred = 0;
  std::int64_t failed = 0;
  std::int64_t skipped = 0;  // a digest had nothing for them: no letter

  std::int64_t total() const { return queued + sending + sent + deferred + failed + skipped; }
  // Nothing left to try now or later.
  bool finished() const { return queued == 0 && sending == 0 && deferred == 0; }
};

// What a send came to, as the CLI, serve's log and people read it: "sent S, failed F,
// deferred D", and for a digest ", skipped K" (readers whom no item was for).
std::string send_summary(const DeliveryCounts& counts, IssueKind kind);

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
  DeliveryState state = DeliveryState::sent;  // sent, deferred, failed or skipped
  Timestamp next_attempt_at{};                // for deferred
  std::string reply;                          // the server's words, for bounces and people
  // The posts a digest letter carried (the issue's post ids): the reader's record, which
  // keeps a post from reaching them twice from the list's digests. Empty for letters.
  std::vector<std::int64_t> items;
};

}  // namespace communique
