// ConfirmationSender: sends the queued confirmation letters, off the request path. `serve`
// runs it on a thread of its own, so a slow or rate-limited relay never holds a request
// and a letter never waits behind a campaign.
//
// Policy:
//   - a letter is claimed before it is sent, for `claim_for`: two `serve` processes on one
//     database never both send it, and a sender that dies mid-round leaves its letters to
//     be claimed again when the claim runs out (a letter may then go twice, never none);
//   - a letter whose subscriber is blocklisted by the time it is due is not sent (failed);
//   - a relay that refuses for now, or cannot be reached, is tried again `retry_after`
//     later, `max_attempts` times in all; a refusal for good fails the letter at once;
//   - the link in the letter names its confirmation (its id rides in the token's issue
//     field) and is dated by the request, so it confirms exactly the lists asked about,
//     once, within the confirm page's days.
// How many letters an address may be sent is decided when they are queued
// (SubscribePolicy), not here.
#pragma once

#include <atomic>
#include <chrono>

#include "core/sender_identity.hpp"
#include "delivery/mailer.hpp"
#include "mail/letter.hpp"
#include "security/link_token.hpp"
#include "store/store.hpp"

namespace communique {

struct ConfirmationSenderSettings {
  std::chrono::milliseconds poll{1000};  // how often the queue is looked at
  std::chrono::seconds retry_after{300};
  int max_attempts = 5;
  std::size_t batch = 50;  // letters claimed at a time
  // How long a claimed letter is kept from other senders; a round of `batch` letters must
  // end well within it.
  std::chrono::seconds claim_for{600};
};

// The path of the link that confirms `confirmation` ("/confirm/TOKEN").
std::string confirm_path(const LinkSigner& links, const Confirmation& confirmation,
                         std::string_view subscriber_key);

class ConfirmationSender {
 public:
  ConfirmationSender(Store& store, const LinkSigner& links, const LetterComposer& composer,
                     Mailer& mailer, SenderIdentity identity, Clock clock,
                     ConfirmationSenderSettings settings = {})
      : store_(store),
        links_(links),
        composer_(composer),
        mailer_(mailer),
        identity_(std::move(identity)),
        clock_(std::move(clock)),
        settings_(settings) {}

  // Claims the letters due now and sends them; returns how many the relay accepted.
  Result<int> run_once();

  // Rounds until `stop` is set. Blocking: give it a thread of its own.
  void run(const std::atomic<bool>& stop);

 private:
  // Sends one letter and records what became of it.
  Result<bool> send(const ConfirmationLetter& letter, Timestamp now);

  Store& store_;
  const LinkSigner& links_;
  const LetterComposer& composer_;
  Mailer& mailer_;
  SenderIdentity identity_;
  Clock clock_;
  ConfirmationSenderSettings settings_;
};

}  // namespace communique
