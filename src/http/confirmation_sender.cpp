#include "http/confirmation_sender.hpp"

#include <thread>

#include "base/log.hpp"
#include "base/text.hpp"
#include "http/public_page.hpp"
#include "security/link_binding.hpp"

namespace communique {

std::string confirm_path(const LinkSigner& links, const Confirmation& confirmation,
                         std::string_view subscriber_key) {
  return "/confirm/" + links.sign({.purpose = TokenPurpose::confirm,
                                   .subscriber = confirmation.subscriber,
                                   .issue = confirmation.id,
                                   .issued_day = day_number(confirmation.created_at)},
                                  token_key(TokenPurpose::confirm, subscriber_key));
}

Result<bool> ConfirmationSender::send(const ConfirmationLetter& letter, Timestamp now) {
  const auto& subscriber = letter.subscriber;
  const auto id = letter.confirmation.id;
  const auto record = [&](LetterOutcome outcome, const std::string& reply) {
    return store_.record_confirmation_letter(id, outcome, reply, now + settings_.retry_after, now);
  };
  if (subscriber.status == SubscriberStatus::blocklisted) {
    auto recorded = record(LetterOutcome::failed, "not sent: the address is blocklisted");
    return recorded ? Result<bool>(false) : Result<bool>(std::move(recorded).error());
  }
  const std::string text = render_public_text(
      "confirm_letter.txt",
      {{"name", subscriber.name},
       {"lists", join_as_list(display_names(letter.confirmation.lists))},
       {"organisation", identity_.organisation},
       {"confirm_url",
        identity_.base_url + confirm_path(links_, letter.confirmation, subscriber.link_key)}});
  auto message = composer_.compose_notice({subscriber.name, subscriber.email},
                                          "Please confirm your subscription", text, now);
  Result<void> sent = message ? mailer_.send({subscriber.id, identity_.from_address,
                                              subscriber.email, std::move(*message)})
                              : Result<void>(std::move(message).error());
  if (sent) {
    auto recorded = record(LetterOutcome::sent, "");
    return recorded ? Result<bool>(true) : Result<bool>(std::move(recorded).error());
  }
  const bool again =
      sent.error().code == ErrorCode::unavailable && letter.attempts + 1 < settings_.max_attempts;
  logger("confirm")->warn("confirmation letter {} to subscriber {}: {}{}", id, subscriber.id,
                          sent.error().message, again ? "; trying again later" : "");
  auto recorded =
      record(again ? LetterOutcome::retry : LetterOutcome::failed, sent.error().message);
  return recorded ? Result<bool>(false) : Result<bool>(std::move(recorded).error());
}

Result<int> ConfirmationSender::run_once() {
  const Timestamp now = clock_();
  auto due = store_.claim_confirmation_letters(now, settings_.batch, now + settings_.claim_for);
  if (!due) {
    return std::move(due).error();
  }
  int sent = 0;
  for (const auto& letter : *due) {
    auto done = send(letter, now);
    if (!done) {
      return std::move(done).error();
    }
    sent += *done ? 1 : 0;
  }
  return sent;
}

void ConfirmationSender::run(const std::atomic<bool>& stop) {
  auto log = logger("confirm");
  while (!stop) {
    // Whatever fails, the thread stays up and tries again at the next look.
    try {
      if (auto round = run_once(); !round) {
        log->error("confirmation letters: {}", round.error().message);
      }
    } catch (const std::exception& error) {
      log->error("confirmation letters: {}", error.what());
    }
    const auto wake = std::chrono::steady_clock::now() + settings_.poll;
    while (!stop && std::chrono::steady_clock::now() < wake) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

}  // namespace communique
