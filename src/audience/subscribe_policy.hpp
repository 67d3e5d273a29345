// SubscribePolicy: what a subscription form request may do, as a decision table. The
// store calls decide() inside the transaction that writes what it returns, with the facts
// it read in that same transaction, so two requests at once cannot both pass the cooldown.
//
//   the address is blocklisted                       → nothing at all (no letter, no row)
//   per list asked for, the address's subscription:
//     confirmed                                      → nothing (and nothing is said)
//     none, single opt-in list                       → joined at once
//     none, double opt-in list                       → pending, asked about in a letter
//     unconfirmed                                    → asked about in a letter
//     unsubscribed (single or double opt-in)         → asked about in a letter, and stays
//                                                      unsubscribed until its link is used
//   a letter would be queued, but the address had one within `cooldown`, or
//   `daily_letters` in the last day                  → no letter; pending rows are still kept
//
// The form answers the same page whatever was decided: nothing here is shown.
// Not here: the per-client-address limit of form posts (Subscriptions::admit_post),
// and sending the letters (ConfirmationSender, off the request path).
#pragma once

#include <chrono>
#include <span>

#include "store/confirmation_store.hpp"

namespace communique {

struct SubscribePolicySettings {
  std::chrono::seconds cooldown = std::chrono::hours(1);  // at most one letter per address
  int daily_letters = 3;                                  // and this many a day
};

class SubscribePolicy {
 public:
  SubscribePolicy() = default;
  explicit SubscribePolicy(SubscribePolicySettings settings) : settings_(settings) {}

  // The start of the time whose letters decide() must be told about.
  Timestamp letters_since(Timestamp now) const;

  // What a request for `asked` (lists offered on the form) writes, given `facts`.
  SubscribeWrites decide(const SubscribeFacts& facts, std::span<const MailingList> asked,
                         Timestamp now) const;

 private:
  bool may_send_letter(const SubscribeFacts& facts, Timestamp now) const;

  SubscribePolicySettings settings_;
};

}  // namespace communique
