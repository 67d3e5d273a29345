// SqliteStore's subscribe requests and confirmation letters (store/confirmation_store.hpp).
#include "store/sqlite/sqlite_support.hpp"

namespace communique {

using namespace sqlite_support;  // NOLINT(google-build-using-namespace): the backend's own helpers

namespace {

Confirmation read_confirmation(const sqlite::Statement& row) {
  Confirmation confirmation;
  confirmation.id = row.column_int(0);
  confirmation.subscriber = row.column_int(1);
  confirmation.created_at = from_unix(row.column_int(2));
  if (!row.column_is_null(3)) {
    confirmation.used_at = from_unix(row.column_int(3));
  }
  return confirmation;
}

std::string_view letter_state(LetterOutcome outcome) {
  switch (outcome) {
    case LetterOutcome::sent:
      return "sent";
    case LetterOutcome::retry:
      return "queued";
    case LetterOutcome::failed:
      break;
  }
  return "failed";
}

ConfirmationLetter read_letter(const sqlite::Statement& row) {
  ConfirmationLetter letter;
  letter.subscriber = read_subscriber(row);
  letter.confirmation.subscriber = letter.subscriber.id;
  letter.confirmation.id = row.column_int(9);
  letter.confirmation.created_at = from_unix(row.column_int(10));
  if (!row.column_is_null(11)) {
    letter.confirmation.used_at = from_unix(row.column_int(11));
  }
  letter.attempts = static_cast<int>(row.column_int(12));
  return letter;
}

const std::string kNoConfirmation = "there is no such confirmation";

}  // namespace

Result<std::optional<ConfirmationId>> SqliteStore::record_subscribe_request(
    const EmailAddress& email, const std::string& name, Timestamp since,
    const std::function<SubscribeWrites(const SubscribeFacts&)>& decide, Timestamp now) {
  Call call(*this);
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  SubscribeFacts facts;
  {
    auto found = first_row("get-subscriber-by-email", read_subscriber, email.str());
    if (!found) {
      return std::move(found).error();
    }
    facts.subscriber = std::move(*found);
  }
  if (facts.subscriber) {
    auto read = rows("subscriptions-of-subscriber", read_subscription, facts.subscriber->id);
    if (!read) {
      return std::move(read).error();
    }
    facts.subscriptions = std::move(*read);
    auto times = rows(
        "confirmation-letters-since",
        [](const sqlite::Statement& row) { return from_unix(row.column_int(0)); },
        facts.subscriber->id, since);
    if (!times) {
      return std::move(times).error();
    }
    facts.recent_letters = std::move(*times);
  }
  const SubscribeWrites writes = decide(facts);
  if (writes.empty()) {
    return std::optional<ConfirmationId>();  // the transaction rolls back: nothing was written
  }
  SubscriberId id = 0;
  if (facts.subscriber) {
    id = facts.subscriber->id;
  } else {
    auto added = first_row("insert-subscriber", read_integer, email.str(), name, "{}", "", now);
    if (!added) {
      return std::move(added).error();
    }
    id = added->value_or(0);
  }
  for (ListId list : writes.join) {
    COMMUNIQUE_TRY(execute("set-subscription-status", list, id, "confirmed", now));
  }
  for (ListId list : writes.pending) {
    COMMUNIQUE_TRY(execute("set-subscription-pending", list, id, now));
  }
  std::optional<ConfirmationId> queued;
  if (!writes.ask.empty()) {
    auto made = first_row("insert-confirmation", read_integer, id, now);
    if (!made) {
      return std::move(made).error();
    }
    queued = made->value_or(0);
    for (ListId list : writes.ask) {
      COMMUNIQUE_TRY(execute("insert-confirmation-list", *queued, list));
    }
  }
  COMMUNIQUE_TRY(transaction.commit());
  return queued;
}

Result<std::vector<MailingList>> SqliteStore::confirmation_lists(ConfirmationId id) {
  return rows("confirmation-lists", read_list, id);
}

Result<Confirmation> SqliteStore::read_confirmation_with_lists(ConfirmationId id,
                                                               SubscriberId subscriber) {
  auto found = find("get-confirmation", read_confirmation, kNoConfirmation, id, subscriber);
  if (!found) {
    return found;
  }
  auto lists = confirmation_lists(id);
  if (!lists) {
    return std::move(lists).error();
  }
  found->lists = std::move(*lists);
  return found;
}

Result<Confirmation> SqliteStore::find_confirmation(ConfirmationId id, SubscriberId subscriber) {
  Call call(*this);
  return read_confirmation_with_lists(id, subscriber);
}

Result<Confirmation> SqliteStore::use_confirmation(ConfirmationId id, SubscriberId subscriber,
                                                   Timestamp now) {
  Call call(*this);
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  // Read inside the transaction: a subscriber erased meanwhile is then not_found, never a
  // failed write.
  auto found = read_confirmation_with_lists(id, subscriber);
  if (!found) {
    return found;
  }
  auto used = execute("use-confirmation", id, now);
  if (!used) {
    return std::move(used).error();
  }
  if (*used == 0) {
    return make_error(ErrorCode::conflict, "this confirmation was used already");
  }
  COMMUNIQUE_TRY(execute("confirm-asked-lists", id, subscriber, now));
  COMMUNIQUE_TRY(transaction.commit());
  found->used_at = now;
  return found;
}

Result<std::vector<ConfirmationLetter>> SqliteStore::claim_confirmation_letters(
    Timestamp now, std::size_t limit, Timestamp claimed_until) {
  Call call(*this);
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  auto due = rows("due-confirmation-letters", read_letter, now, limit);
  if (!due) {
    return due;
  }
  std::vector<ConfirmationLetter> claimed;
  for (auto& letter : *due) {
    auto taken = execute("claim-confirmation-letter", letter.confirmation.id, now, claimed_until);
    if (!taken) {
      return std::move(taken).error();
    }
    if (*taken == 0) {
      continue;
    }
    auto lists = confirmation_lists(letter.confirmation.id);
    if (!lists) {
      return std::move(lists).error();
    }
    letter.confirmation.lists = std::move(*lists);
    claimed.push_back(std::move(letter));
  }
  COMMUNIQUE_TRY(transaction.commit());
  return claimed;
}

Result<void> SqliteStore::record_confirmation_letter(ConfirmationId id, LetterOutcome outcome,
                                                     const std::string& reply, Timestamp retry_at,
                                                     Timestamp now) {
  Call call(*this);
  const Timestamp next = outcome == LetterOutcome::retry ? retry_at : now;
  auto changed = execute("record-confirmation-letter", id, letter_state(outcome), next, reply);
  if (!changed) {
    return std::move(changed).error();
  }
  if (*changed == 0) {
    return make_error(ErrorCode::not_found, kNoConfirmation);
  }
  return {};
}

}  // namespace communique
