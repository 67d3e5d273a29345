#include "delivery/mailer.hpp"

namespace communique {

Result<void> Mailer::send(const OutgoingLetter& letter) {
  std::vector<TransportOutcome> outcomes;
  {
    std::lock_guard lock(mutex_);
    outcomes = transport_.send(std::span(&letter, 1));
  }
  if (outcomes.empty()) {
    return make_error(ErrorCode::internal, "the transport reported nothing for the letter");
  }
  const auto& outcome = outcomes.front();
  switch (outcome.kind) {
    case TransportOutcome::Kind::accepted:
      return ok();
    case TransportOutcome::Kind::permanent_rejection:
      return make_error(ErrorCode::invalid_input,
                        "the mail server refused " + letter.recipient + ": " + outcome.reply);
    case TransportOutcome::Kind::temporary_rejection:
    case TransportOutcome::Kind::transport_failure:
    case TransportOutcome::Kind::not_sent:
      break;
  }
  return make_error(ErrorCode::unavailable, "the letter to " + letter.recipient +
                                                " could not be sent now: " + outcome.reply);
}

}  // namespace communique
