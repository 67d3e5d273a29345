// SqliteStore's subscribers, one at a time (store/subscriber_store.hpp).
#include "store/sqlite/sqlite_support.hpp"

namespace communique {

using namespace sqlite_support;  // NOLINT(google-build-using-namespace): the backend's own helpers

namespace {

// A LIKE pattern matching `text` anywhere, with LIKE's own characters taken literally.
std::string contains_pattern(std::string_view text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') {
      pattern += '\\';
    }
    pattern += c;
  }
  return pattern + "%";
}

std::string no_subscriber(SubscriberId id) {
  return "there is no subscriber " + std::to_string(id);
}

}  // namespace

Result<Subscriber> SqliteStore::find_subscriber(const EmailAddress& email) {
  Call call(*this);
  return find("get-subscriber-by-email", read_subscriber, "there is no subscriber " + email.str(),
              email.str());
}

Result<Subscriber> SqliteStore::find_subscriber(SubscriberId id) {
  Call call(*this);
  return find("get-subscriber-by-id", read_subscriber, no_subscriber(id), id);
}

Result<std::vector<std::optional<std::string>>> SqliteStore::link_keys(
    std::span<const SubscriberId> ids) {
  Call call(*this);
  std::vector<std::optional<std::string>> keys;
  keys.reserve(ids.size());
  for (SubscriberId id : ids) {
    auto key = first_row(
        "link-key-of-subscriber", [](const sqlite::Statement& row) { return row.column_blob(0); },
        id);
    if (!key) {
      return std::move(key).error();
    }
    keys.push_back(std::move(*key));
  }
  return keys;
}

Result<std::vector<Subscriber>> SqliteStore::find_subscribers(const SubscriberQuery& filter) {
  std::optional<std::string> path;
  if (filter.attribute_name) {
    // The name becomes a quoted JSON path member: quotes and backslashes could end it.
    if (filter.attribute_name->empty() ||
        filter.attribute_name->find_first_of("\"\\") != std::string::npos) {
      return make_error(ErrorCode::invalid_input,
                        "an attribute name may not be empty or contain quotes or backslashes");
    }
    path = "$.\"" + *filter.attribute_name + "\"";
  }
  std::optional<std::string> status;
  if (filter.status) {
    status = std::string(to_string(*filter.status));
  }
  std::optional<std::string> pattern;
  if (filter.email_contains) {
    pattern = contains_pattern(*filter.email_contains);
  }
  Call call(*this);
  return rows("find-subscribers", read_subscriber, filter.list, status, pattern, path,
              filter.attribute_value, filter.after, filter.limit);
}

Result<Subscriber> SqliteStore::add_subscriber(const NewSubscriber& subscriber,
                                               std::span<const ListId> lists,
                                               SubscriptionStatus status, Timestamp now) {
  Call call(*this);
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  auto inserted = first_row(
      "insert-subscriber",
      [](const sqlite::Statement& row) {
        return std::pair{row.column_int(0), row.column_blob(1)};
      },
      subscriber.email.str(), subscriber.name, subscriber.attributes_json, subscriber.language,
      now);
  if (!inserted) {
    if (inserted.error().code == ErrorCode::conflict) {
      return make_error(ErrorCode::conflict,
                        "a subscriber with the address " + subscriber.email.str() + " exists");
    }
    return std::move(inserted).error();
  }
  if (!*inserted) {
    return make_error(ErrorCode::internal,
                      "adding subscriber " + subscriber.email.str() + " returned no id");
  }
  auto [added_id, link_key] = std::move(**inserted);
  for (ListId list : lists) {
    auto subscribed = execute("set-subscription-status", list, added_id, to_string(status), now);
    if (!subscribed) {
      if (subscribed.error().code == ErrorCode::conflict) {
        return make_error(ErrorCode::not_found, "there is no list " + std::to_string(list));
      }
      return std::move(subscribed).error();
    }
    if (subscriber.cadence) {
      COMMUNIQUE_TRY(execute("set-subscription-cadence", list, added_id,
                             cadence_text(subscriber.cadence), now));
    }
  }
  COMMUNIQUE_TRY(transaction.commit());
  Subscriber added;
  added.id = added_id;
  added.link_key = link_key;
  added.email = subscriber.email.str();
  added.name = subscriber.name;
  added.language = subscriber.language;
  added.attributes_json = subscriber.attributes_json;
  added.created_at = now;
  added.updated_at = now;
  return added;
}

Result<Subscriber> SqliteStore::update_subscriber(SubscriberId id, const SubscriberChange& change,
                                                  Timestamp now) {
  std::optional<std::string> status;
  if (change.status) {
    status = std::string(to_string(*change.status));
  }
  {
    Call call(*this);
    Transaction transaction(*db_);
    COMMUNIQUE_TRY(transaction.begin());
    auto changed = execute("update-subscriber", id, change.name, change.language,
                           change.attributes_json, status, now);
    if (!changed) {
      return std::move(changed).error();
    }
    if (*changed == 0) {
      return make_error(ErrorCode::not_found, no_subscriber(id));
    }
    for (const auto& [list, cadence] : change.cadences) {
      auto set = execute("set-subscription-cadence", list, id, cadence_text(cadence), now);
      if (!set) {
        return std::move(set).error();
      }
      if (*set == 0) {
        return make_error(ErrorCode::not_found, "subscriber " + std::to_string(id) +
                                                    " is not on list " + std::to_string(list) +
                                                    "; add them to it first");
      }
    }
    COMMUNIQUE_TRY(transaction.commit());
  }
  return find_subscriber(id);
}

Result<void> SqliteStore::delete_subscriber(SubscriberId id) {
  Call call(*this);
  auto deleted = execute("delete-subscriber", id);
  if (!deleted) {
    return std::move(deleted).error();
  }
  if (*deleted == 0) {
    return make_error(ErrorCode::not_found, no_subscriber(id));
  }
  return ok();
}

Result<std::vector<Subscription>> SqliteStore::subscriptions_of(SubscriberId subscriber) {
  Call call(*this);
  return rows("subscriptions-of-subscriber", read_subscription, subscriber);
}

Result<void> SqliteStore::set_subscription_status(SubscriberId subscriber, ListId list,
                                                  SubscriptionStatus status, Timestamp now) {
  Call call(*this);
  auto done = execute("set-subscription-status", list, subscriber, to_string(status), now);
  if (!done) {
    if (done.error().code == ErrorCode::conflict) {
      return make_error(ErrorCode::not_found, "no such subscriber or list");
    }
    return std::move(done).error();
  }
  return ok();
}

Result<std::vector<bool>> SqliteStore::unsubscribe_many(
    std::span<const std::pair<SubscriberId, IssueId>> pairs, Timestamp now) {
  Call call(*this);
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  std::vector<bool> done;
  done.reserve(pairs.size());
  for (const auto& [subscriber, issue] : pairs) {
    auto changed = execute("unsubscribe-from-issue", issue, subscriber, now);
    if (!changed && changed.error().code != ErrorCode::conflict) {
      return std::move(changed).error();
    }
    // A conflict is a subscriber that no longer exists: that statement alone failed.
    done.push_back(changed.has_value());
  }
  COMMUNIQUE_TRY(transaction.commit());
  return done;
}

Result<std::vector<Topic>> SqliteStore::topics_of_subscriber(SubscriberId id) {
  Call call(*this);
  return rows("topics-of-subscriber", read_topic, id);
}

Result<void> SqliteStore::set_subscription_cadence(SubscriberId subscriber, ListId list,
                                                   std::optional<Cadence> cadence, Timestamp now) {
  Call call(*this);
  auto changed = execute("set-subscription-cadence", list, subscriber, cadence_text(cadence), now);
  if (!changed) {
    return std::move(changed).error();
  }
  if (*changed == 0) {
    return make_error(ErrorCode::not_found, "subscriber " + std::to_string(subscriber) +
                                                " is not on list " + std::to_string(list) +
                                                "; add them to it first");
  }
  return ok();
}

Result<void> SqliteStore::set_subscriber_topics(SubscriberId id, ListId list,
                                                std::span<const TopicId> topics) {
  Call call(*this);
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  COMMUNIQUE_TRY(execute("clear-subscriber-topics-of-list", id, list));
  for (TopicId topic : topics) {
    COMMUNIQUE_TRY(execute("insert-subscriber-topic", id, topic, list));
  }
  return transaction.commit();
}

Result<SubscriberActivity> SqliteStore::activity_of(SubscriberId subscriber) {
  Call call(*this);
  SubscriberActivity activity;
  auto letter_rows = rows(
      "letters-of-subscriber",
      [](const sqlite::Statement& row) {
        return SubscriberActivity::Letter{row.column_int(0), row.column_text(1),
                                          from_unix(row.column_int(2))};
      },
      subscriber);
  if (!letter_rows) {
    return std::move(letter_rows).error();
  }
  activity.letters = std::move(*letter_rows);
  auto click_rows = rows(
      "clicks-of-subscriber",
      [](const sqlite::Statement& row) {
        return SubscriberActivity::Click{row.column_int(0), row.column_text(1), row.column_int(2)};
      },
      subscriber);
  if (!click_rows) {
    return std::move(click_rows).error();
  }
  activity.clicks = std::move(*click_rows);
  auto open_rows = rows(
      "opens-of-subscriber",
      [](const sqlite::Statement& row) {
        return SubscriberActivity::Open{row.column_int(0), row.column_int(1)};
      },
      subscriber);
  if (!open_rows) {
    return std::move(open_rows).error();
  }
  activity.opens = std::move(*open_rows);
  auto confirmation_rows = rows(
      "confirmations-of-subscriber",
      [](const sqlite::Statement& row) {
        SubscriberActivity::Confirmation confirmation;
        confirmation.asked_at = from_unix(row.column_int(1));
        confirmation.letter_state = row.column_text(2);
        if (confirmation.letter_state == "sent") {
          confirmation.sent_at = from_unix(row.column_int(3));
        }
        if (!row.column_is_null(4)) {
          confirmation.used_at = from_unix(row.column_int(4));
        }
        return std::pair{row.column_int(0), std::move(confirmation)};
      },
      subscriber);
  if (!confirmation_rows) {
    return std::move(confirmation_rows).error();
  }
  for (auto& [id, confirmation] : *confirmation_rows) {
    auto lists = confirmation_lists(id);
    if (!lists) {
      return std::move(lists).error();
    }
    for (const auto& list : *lists) {
      confirmation.lists.push_back(list.name);
    }
    activity.confirmations.push_back(std::move(confirmation));
  }
  return activity;
}

}  // namespace communique
