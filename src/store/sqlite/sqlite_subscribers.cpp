// SqliteStore's administration of subscribers, draft editing and click counting.
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

TrackedLink read_link(const sqlite::Statement& row) {
  return TrackedLink{row.column_int(0), row.column_int(1), row.column_text(2), row.column_int(3)};
}

}  // namespace

Result<std::vector<MailingList>> SqliteStore::lists() {
  Call call(*this);
  auto query = bound("all-lists");
  if (!query) {
    return std::move(query).error();
  }
  return (*query)->collect(read_list);
}

Result<std::vector<std::string>> SqliteStore::issue_list_names(IssueId issue) {
  Call call(*this);
  auto query = bound("issue-list-names", issue);
  if (!query) {
    return std::move(query).error();
  }
  return (*query)->collect([](const sqlite::Statement& row) { return row.column_text(0); });
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

Result<Subscriber> SqliteStore::find_subscriber(SubscriberId id) {
  Call call(*this);
  auto query = bound("get-subscriber-by-id", id);
  if (!query) {
    return std::move(query).error();
  }
  return find_one(**query, read_subscriber, no_subscriber(id));
}

Result<std::vector<std::optional<std::string>>> SqliteStore::link_keys(
    std::span<const SubscriberId> ids) {
  Call call(*this);
  std::vector<std::optional<std::string>> keys;
  keys.reserve(ids.size());
  for (SubscriberId id : ids) {
    auto query = bound("link-key-of-subscriber", id);
    if (!query) {
      return std::move(query).error();
    }
    auto key = (*query)->single([](const sqlite::Statement& row) { return row.column_blob(0); });
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
  auto query = bound("find-subscribers", filter.list, status, pattern, path, filter.attribute_value,
                     filter.after, static_cast<std::int64_t>(filter.limit));
  if (!query) {
    return std::move(query).error();
  }
  return (*query)->collect(read_subscriber);
}

Result<Subscriber> SqliteStore::add_subscriber(const NewSubscriber& subscriber,
                                               std::span<const ListId> lists,
                                               SubscriptionStatus status, Timestamp now) {
  Call call(*this);
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  auto insert = bound("insert-subscriber", subscriber.email.str(), subscriber.name,
                      subscriber.attributes_json, subscriber.language, now);
  if (!insert) {
    return std::move(insert).error();
  }
  auto inserted = (*insert)->single([](const sqlite::Statement& row) {
    return std::pair{row.column_int(0), row.column_blob(1)};
  });
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
    auto changed = execute("update-subscriber", id, change.name, change.language,
                           change.attributes_json, status, now);
    if (!changed) {
      return std::move(changed).error();
    }
    if (*changed == 0) {
      return make_error(ErrorCode::not_found, no_subscriber(id));
    }
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

Result<std::vector<Topic>> SqliteStore::topics_of_subscriber(SubscriberId id) {
  Call call(*this);
  auto query = bound("topics-of-subscriber", id);
  if (!query) {
    return std::move(query).error();
  }
  return (*query)->collect([](const sqlite::Statement& row) {
    return Topic{row.column_int(0), row.column_int(1), row.column_text(2), row.column_text(3)};
  });
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

Result<Issue> SqliteStore::update_issue(const Issue& issue, Timestamp now) {
  {
    Call call(*this);
    Transaction transaction(*db_);
    COMMUNIQUE_TRY(transaction.begin());
    auto changed = execute(
        "update-issue", issue.id, to_string(issue.kind), issue.subject, issue.from_name,
        issue.from_address, issue.reply_to, issue.template_name, issue.language, now,
        std::int64_t{issue.track_clicks ? 1 : 0}, std::int64_t{issue.track_subscribers ? 1 : 0},
        std::int64_t{issue.track_opens ? 1 : 0}, std::int64_t{issue.archive ? 1 : 0});
    if (!changed) {
      return std::move(changed).error();
    }
    if (*changed == 0) {
      auto query = bound("issue-status", issue.id);
      if (!query) {
        return std::move(query).error();
      }
      auto status =
          (*query)->single([](const sqlite::Statement& row) { return row.column_text(0); });
      if (!status) {
        return std::move(status).error();
      }
      if (!*status) {
        return make_error(ErrorCode::not_found, "there is no issue " + std::to_string(issue.id));
      }
      return make_error(ErrorCode::conflict, "issue " + std::to_string(issue.id) + " is " +
                                                 **status + "; only a draft can be edited");
    }
    COMMUNIQUE_TRY(execute("delete-issue-lists", issue.id));
    COMMUNIQUE_TRY(execute("delete-issue-sections", issue.id));
    COMMUNIQUE_TRY(write_issue_parts(issue));
    COMMUNIQUE_TRY(transaction.commit());
  }
  return find_issue(issue.id);
}

Result<std::vector<std::int64_t>> SqliteStore::register_links(IssueId issue,
                                                              std::span<const std::string> urls) {
  Call call(*this);
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  std::vector<std::int64_t> ids;
  ids.reserve(urls.size());
  for (const auto& url : urls) {
    auto query = bound("insert-issue-link", issue, url);
    if (!query) {
      return std::move(query).error();
    }
    auto id = (*query)->single([](const sqlite::Statement& row) { return row.column_int(0); });
    if (!id) {
      if (id.error().code == ErrorCode::conflict) {
        return make_error(ErrorCode::not_found, "there is no issue " + std::to_string(issue));
      }
      return std::move(id).error();
    }
    ids.push_back(id->value_or(0));
  }
  COMMUNIQUE_TRY(transaction.commit());
  return ids;
}

Result<std::string> SqliteStore::link_url(std::int64_t link) {
  Call call(*this);
  auto query = bound("link-url", link);
  if (!query) {
    return std::move(query).error();
  }
  return find_one(
      **query, [](const sqlite::Statement& row) { return row.column_text(0); }, "no such link");
}

Result<void> SqliteStore::add_clicks(std::span<const Counted> clicks,
                                     std::span<const Counted> personal_clicks,
                                     std::span<const Counted> opens) {
  Call call(*this);
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  for (const auto& click : clicks) {
    COMMUNIQUE_TRY(execute("add-clicks", click.first, click.count));
  }
  // A subscriber who erased their data since is simply not counted (a conflict).
  for (const auto& click : personal_clicks) {
    if (auto added = execute("add-subscriber-clicks", click.first, click.second, click.count);
        !added && added.error().code != ErrorCode::conflict) {
      return std::move(added).error();
    }
  }
  for (const auto& open : opens) {
    if (auto added = execute("add-opens", open.first, open.second, open.count);
        !added && added.error().code != ErrorCode::conflict) {
      return std::move(added).error();
    }
  }
  return transaction.commit();
}

Result<SubscriberActivity> SqliteStore::activity_of(SubscriberId subscriber) {
  Call call(*this);
  SubscriberActivity activity;
  auto letters = bound("letters-of-subscriber", subscriber);
  if (!letters) {
    return std::move(letters).error();
  }
  auto letter_rows = (*letters)->collect([](const sqlite::Statement& row) {
    return SubscriberActivity::Letter{row.column_int(0), row.column_text(1),
                                      from_unix(row.column_int(2))};
  });
  if (!letter_rows) {
    return std::move(letter_rows).error();
  }
  activity.letters = std::move(*letter_rows);
  auto clicks = bound("clicks-of-subscriber", subscriber);
  if (!clicks) {
    return std::move(clicks).error();
  }
  auto click_rows = (*clicks)->collect([](const sqlite::Statement& row) {
    return SubscriberActivity::Click{row.column_int(0), row.column_text(1), row.column_int(2)};
  });
  if (!click_rows) {
    return std::move(click_rows).error();
  }
  activity.clicks = std::move(*click_rows);
  auto opens = bound("opens-of-subscriber", subscriber);
  if (!opens) {
    return std::move(opens).error();
  }
  auto open_rows = (*opens)->collect([](const sqlite::Statement& row) {
    return SubscriberActivity::Open{row.column_int(0), row.column_int(1)};
  });
  if (!open_rows) {
    return std::move(open_rows).error();
  }
  activity.opens = std::move(*open_rows);
  auto confirmations = bound("confirmations-of-subscriber", subscriber);
  if (!confirmations) {
    return std::move(confirmations).error();
  }
  auto confirmation_rows = (*confirmations)->collect([](const sqlite::Statement& row) {
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
  });
  if (!confirmation_rows) {
    return std::move(confirmation_rows).error();
  }
  for (auto& [id, confirmation] : *confirmation_rows) {
    auto lists = confirmation_list_names(id);
    if (!lists) {
      return std::move(lists).error();
    }
    confirmation.lists = std::move(*lists);
    activity.confirmations.push_back(std::move(confirmation));
  }
  return activity;
}

Result<std::pair<std::int64_t, std::int64_t>> SqliteStore::engagement(IssueId issue) {
  Call call(*this);
  auto query = bound("engagement-of-issue", issue);
  if (!query) {
    return std::move(query).error();
  }
  auto row = (*query)->single([](const sqlite::Statement& r) {
    return std::pair{r.column_int(0), r.column_int(1)};
  });
  if (!row) {
    return std::move(row).error();
  }
  return row->value_or(std::pair<std::int64_t, std::int64_t>{0, 0});
}

Result<std::vector<TrackedLink>> SqliteStore::links_of_issue(IssueId issue) {
  Call call(*this);
  auto query = bound("links-of-issue", issue);
  if (!query) {
    return std::move(query).error();
  }
  return (*query)->collect(read_link);
}

}  // namespace communique
