// ConfirmationStore: subscribe requests, the confirmation letters they queue, and using
// a letter's link, as the store keeps them.
//
// A confirmation is one letter asking one subscriber about a fixed set of lists; its link
// confirms exactly those lists, once. What a request may do is decided by the caller (the
// subscribe policy) inside the store's transaction, from facts the store reads in that
// same transaction, so two requests at once can never both pass a per-address cooldown.
// The confirmations are also the outbox of their letters: queued rows are sent by a
// background sender, never on the request path.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "base/result.hpp"
#include "core/email_address.hpp"
#include "core/mailing_list.hpp"
#include "core/subscriber.hpp"

namespace communique {

using ConfirmationId = std::int64_t;

struct Confirmation {
  ConfirmationId id = 0;
  SubscriberId subscriber = 0;
  Timestamp created_at{};
  std::optional<Timestamp> used_at;  // set once its link confirmed
  std::vector<MailingList> lists;    // the lists it asks about, in name order
};

// What a subscribe request meets, read in the transaction that acts on it.
struct SubscribeFacts {
  std::optional<Subscriber> subscriber;     // nothing: the address is new
  std::vector<Subscription> subscriptions;  // the subscriber's, on every list
  std::vector<Timestamp> recent_letters;    // when confirmations were made since `since`
};

// What a subscribe request writes; all empty writes nothing (not even a new subscriber).
struct SubscribeWrites {
  std::vector<ListId> join;     // confirmed at once
  std::vector<ListId> pending;  // unconfirmed until a letter's link is used
  std::vector<ListId> ask;      // the lists a new confirmation letter asks about; empty: none
  bool empty() const { return join.empty() && pending.empty() && ask.empty(); }
};

// A queued confirmation letter and whom it goes to.
struct ConfirmationLetter {
  Confirmation confirmation;
  Subscriber subscriber;
  int attempts = 0;  // made so far
};

enum class LetterOutcome { sent, retry, failed };

class ConfirmationStore {
 public:
  virtual ~ConfirmationStore() = default;

  // In one transaction: reads the facts about `email` (letters made since `since`), calls
  // `decide`, and writes what it returns, adding the subscriber (named `name`) when the
  // address is new and something is written. Returns the new confirmation's id when one was queued.
  virtual Result<std::optional<ConfirmationId>> record_subscribe_request(
      const EmailAddress& email, const std::string& name, Timestamp since,
      const std::function<SubscribeWrites(const SubscribeFacts&)>& decide, Timestamp now) = 0;

  // not_found when there is no confirmation `id` of `subscriber`.
  virtual Result<Confirmation> find_confirmation(ConfirmationId id, SubscriberId subscriber) = 0;
  // Confirms the lists confirmation `id` asked about and marks it used, in one transaction;
  // conflict when it was used already (nothing changes), not_found as find_confirmation.
  virtual Result<Confirmation> use_confirmation(ConfirmationId id, SubscriberId subscriber,
                                                Timestamp now) = 0;

  // Claims the queued letters due by `now`, oldest first, at most `limit`, and returns
  // them: in one transaction each is made due again only at `claimed_until`, so a second
  // sender on the same store never gets a letter claimed here, and a claimer that dies
  // before recording an outcome leaves its letters to be claimed again after that time.
  virtual Result<std::vector<ConfirmationLetter>> claim_confirmation_letters(
      Timestamp now, std::size_t limit, Timestamp claimed_until) = 0;
  // Records an attempt at a claimed letter `id`: sent, failed, or queued again for
  // `retry_at`, with the peer's words.
  virtual Result<void> record_confirmation_letter(ConfirmationId id, LetterOutcome outcome,
                                                  const std::string& reply, Timestamp retry_at,
                                                  Timestamp now) = 0;
};

}  // namespace communique
