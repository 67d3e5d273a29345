#include "delivery/reply_policy.hpp"

#include <algorithm>
#include <cmath>

namespace communique {

DeliveryResult ReplyPolicy::decide(const Recipient& recipient, const TransportOutcome& outcome,
                                   Timestamp now) const {
  using Kind = TransportOutcome::Kind;
  DeliveryResult result{.subscriber = recipient.subscriber.id, .reply = outcome.reply};
  switch (outcome.kind) {
    case Kind::accepted:
      result.state = DeliveryState::sent;
      return result;
    case Kind::permanent_rejection:
      result.state = DeliveryState::failed;
      return result;
    case Kind::temporary_rejection:
    case Kind::transport_failure:
    case Kind::not_sent:  // the runner puts such letters back itself; never worse than this
      break;
  }
  // first_retry × 2^(attempts − 1), capped, stretched by ±jitter.
  const double doubling = std::pow(2.0, std::max(0, recipient.attempts - 1));
  const double base = std::min(static_cast<double>(settings_.first_retry.count()) * doubling,
                               static_cast<double>(settings_.max_retry_interval.count()));
  const double stretch = 1.0 + settings_.jitter * (2.0 * random_() - 1.0);
  const auto delay = std::chrono::seconds(std::max<std::int64_t>(1, std::llround(base * stretch)));
  const Timestamp retry_at = now + delay;
  if (retry_at - recipient.queued_at > settings_.max_age) {
    result.state = DeliveryState::failed;
    result.reply =
        "gave up after " + std::to_string(recipient.attempts) + " attempts: " + outcome.reply;
    return result;
  }
  result.state = DeliveryState::deferred;
  result.next_attempt_at = retry_at;
  return result;
}

}  // namespace communique
