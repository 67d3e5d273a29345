// SqliteStore's lists, topics and members in bulk (store/list_store.hpp).
#include "core/topic_choice.hpp"
#include "store/sqlite/sqlite_support.hpp"

namespace communique {

using namespace sqlite_support;  // NOLINT(google-build-using-namespace): the backend's own helpers

Result<MailingList> SqliteStore::create_list(const NewList& list, Timestamp now) {
  Call call(*this);
  auto id = first_row("insert-list", read_integer, list.name, list.description,
                      to_string(list.visibility), to_string(list.opt_in), now, list.title);
  if (!id) {
    if (id.error().code == ErrorCode::conflict) {
      return make_error(ErrorCode::conflict, "a list named '" + list.name + "' exists already");
    }
    return std::move(id).error();
  }
  MailingList created;
  created.id = id->value_or(0);
  created.name = list.name;
  created.title = list.title;
  created.description = list.description;
  created.visibility = list.visibility;
  created.opt_in = list.opt_in;
  created.created_at = now;
  return created;
}

Result<MailingList> SqliteStore::find_list(const std::string& name) {
  Call call(*this);
  return find("get-list-by-name", read_list, "there is no list named '" + name + "'", name);
}

Result<MailingList> SqliteStore::find_list(ListId id) {
  Call call(*this);
  return find("get-list", read_list, "there is no list " + std::to_string(id), id);
}

Result<MailingList> SqliteStore::update_list(ListId id, const ListChanges& changes, Timestamp now) {
  Call call(*this);
  return find("update-list", read_list, "there is no list " + std::to_string(id), id, changes.title,
              changes.description, now, changes.fallback_language,
              cadence_text(changes.default_cadence));
}

Result<std::vector<ListSummary>> SqliteStore::list_summaries() {
  Call call(*this);
  return rows("list-summaries", [](const sqlite::Statement& row) {
    ListSummary summary;
    summary.list = read_list(row);
    summary.confirmed = row.column_int(9);
    summary.unconfirmed = row.column_int(10);
    summary.unsubscribed = row.column_int(11);
    summary.topics = row.column_int(12);
    return summary;
  });
}

Result<std::vector<MailingList>> SqliteStore::lists() {
  Call call(*this);
  return rows("all-lists", read_list);
}

Result<Topic> SqliteStore::create_topic(ListId list, const std::string& name,
                                        const std::string& description, Timestamp now) {
  Call call(*this);
  auto id = first_row("insert-topic", read_integer, list, name, description, now);
  if (!id) {
    if (id.error().code == ErrorCode::conflict) {
      return make_error(ErrorCode::conflict,
                        "the list has a topic named '" + name + "' already, or does not exist");
    }
    return std::move(id).error();
  }
  return Topic{id->value_or(0), list, name, description};
}

Result<std::vector<Topic>> SqliteStore::topics(ListId list) {
  Call call(*this);
  return rows("topics-of-list", read_topic, list);
}

Result<std::vector<Cadence>> SqliteStore::digest_cadences(ListId list) {
  Call call(*this);
  return rows(
      "digest-cadences-of-list",
      [](const sqlite::Statement& row) {
        return parse_cadence(row.column_text(0)).value_or(Cadence::weekly);
      },
      list);
}

Result<void> SqliteStore::write_import_choices(ListId list, SubscriberId subscriber,
                                               const ImportRecord& record, std::int64_t now) {
  if (record.topics) {
    COMMUNIQUE_TRY(execute("clear-subscriber-topics-of-list", subscriber, list));
    for (TopicId topic : *record.topics) {
      COMMUNIQUE_TRY(execute("insert-subscriber-topic", subscriber, topic, list));
    }
  }
  if (record.cadence) {
    COMMUNIQUE_TRY(
        execute("set-subscription-cadence", list, subscriber, cadence_text(record.cadence), now));
  }
  return ok();
}

Result<ImportCounts> SqliteStore::import_batch(ListId list, std::span<const ImportRecord> records,
                                               const ImportPolicy& policy) {
  Call call(*this);
  return with_statements(
      {"insert-subscriber-if-new", "update-subscriber-from-import", "get-subscriber-id-by-email",
       "subscribe-from-import", "blocklist-subscriber"},
      [&](sqlite::Statement& insert, sqlite::Statement& update, sqlite::Statement& find_id,
          sqlite::Statement& subscribe, sqlite::Statement& blocklist) -> Result<ImportCounts> {
        const std::int64_t now = to_unix(policy.now);
        auto failed = [](const ImportRecord& record, Error error) {
          return make_error(error.code, record.email.str() + ": " + error.message);
        };

        // Each subscription row references a subscriber this transaction just found or made
        // and a list checked below while the write lock is held, so the foreign-key checks
        // would only repeat lookups; skipping them makes an import about 10% faster.
        ForeignKeysOff unchecked(*db_);
        Transaction transaction(*db_);
        COMMUNIQUE_TRY(transaction.begin());
        auto list_found = first_row("get-list-by-id", read_integer, list);
        if (!list_found) {
          return std::move(list_found).error();
        }
        if (!*list_found) {
          return make_error(ErrorCode::not_found, "the list was deleted during the import");
        }
        ImportCounts counts;
        for (const auto& record : records) {
          insert.reset();
          insert.bind_static(1, record.email.str());
          insert.bind_static_optional(2, record.name);
          insert.bind_static(3, record.attributes_json);
          insert.bind_static_optional(4, record.language);
          insert.bind(5, now);
          if (auto inserted = insert.run(); !inserted) {
            return failed(record, std::move(inserted).error());
          }
          std::int64_t subscriber_id = 0;
          const bool added = db_->changes() == 1;
          if (added) {
            subscriber_id = db_->last_insert_rowid();
            ++counts.imported;
          } else if (policy.mode == ImportMode::skip_existing && !record.blocklisted &&
                     record.at_most != SubscriptionStatus::unsubscribed) {
            ++counts.skipped;
            continue;
          } else {
            // Skipping leaves a known subscriber's fields as they are, but never what the
            // file says they chose: leaving, or being blocklisted, is always recorded.
            if (policy.mode == ImportMode::upsert) {
              update.reset();
              update.bind(1, record.email.str());
              update.bind_optional(2, record.name);
              update.bind_optional(3, record.language);
              update.bind(4, record.attributes_json);
              update.bind(5, now);
              if (auto updated = update.run(); !updated) {
                return failed(record, std::move(updated).error());
              }
            }
            find_id.reset();
            find_id.bind(1, record.email.str());
            auto found = find_id.step();
            if (!found) {
              return failed(record, std::move(found).error());
            }
            if (!*found) {
              return failed(record, make_error(ErrorCode::storage, "vanished during the import"));
            }
            subscriber_id = find_id.column_int(0);
            find_id.reset();
            ++(policy.mode == ImportMode::upsert ? counts.updated : counts.skipped);
          }
          if (record.blocklisted) {
            blocklist.reset();
            blocklist.bind(1, subscriber_id);
            blocklist.bind(2, now);
            if (auto blocked = blocklist.run(); !blocked) {
              return failed(record, std::move(blocked).error());
            }
            ++counts.blocklisted;
            continue;
          }
          const auto status = weaker(policy.status, record.at_most);
          counts.unsubscribed += status == SubscriptionStatus::unsubscribed ? 1 : 0;
          subscribe.reset();
          subscribe.bind(1, list);
          subscribe.bind(2, subscriber_id);
          subscribe.bind_static(3, to_string(status));
          subscribe.bind(4, now);
          if (auto subscribed = subscribe.run(); !subscribed) {
            return failed(record, std::move(subscribed).error());
          }
          // Only rows that carry choices pay for them; a skipped address keeps its own.
          if (added || policy.mode == ImportMode::upsert) {
            if (auto chosen = write_import_choices(list, subscriber_id, record, now); !chosen) {
              return failed(record, std::move(chosen).error());
            }
          }
        }
        insert.reset();
        update.reset();
        subscribe.reset();
        blocklist.reset();
        COMMUNIQUE_TRY(transaction.commit());
        return counts;
      });
}

Result<void> SqliteStore::for_each_member(ListId list,
                                          const std::function<Result<void>(const Member&)>& visit) {
  Call call(*this);
  return with_statement(
      "list-members",
      [&visit](sqlite::Statement& query) -> Result<void> {
        for (;;) {
          auto row = query.step();
          if (!row) {
            return std::move(row).error();
          }
          if (!*row) {
            return ok();
          }
          Member member;
          member.subscriber = read_subscriber(query);
          member.status = parse_subscription_status(query.column_text(9))
                              .value_or(SubscriptionStatus::unconfirmed);
          member.cadence = read_cadence(query, 10);
          if (!query.column_is_null(11)) {
            member.topics = split_topic_names(query.column_text(11));
          }
          COMMUNIQUE_TRY(visit(member));
        }
      },
      list);
}

Result<std::int64_t> SqliteStore::count_subscribers(std::optional<ListId> list) {
  Call call(*this);
  auto count = list ? first_row("count-list-members", read_integer, *list)
                    : first_row("count-subscribers", read_integer);
  if (!count) {
    return std::move(count).error();
  }
  return count->value_or(0);
}

}  // namespace communique
