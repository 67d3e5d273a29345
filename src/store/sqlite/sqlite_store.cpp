#include "store/sqlite/sqlite_store.hpp"

#include <sqlite3.h>

#include "base/log.hpp"
#include "store/migration.hpp"
#include "store/sqlite/sqlite_db.hpp"
#include "store/sqlite/sqlite_support.hpp"

namespace communique::sqlite_files {
std::span<const communique::EmbeddedFile> embedded_files();
}

namespace communique {

using namespace sqlite_support;  // NOLINT(google-build-using-namespace): the backend's own helpers

SqliteStore::SqliteStore(std::unique_ptr<sqlite::Database> db, QueryCatalog queries)
    : db_(std::move(db)), queries_(std::move(queries)) {}

SqliteStore::~SqliteStore() {
  // Statements must be finalised before the connection closes.
  prepared_.clear();
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const SqliteSettings& settings) {
  const auto files = sqlite_files::embedded_files();
  auto source = find_embedded(files, "queries.sql");
  if (!source) {
    return make_error(ErrorCode::internal, "queries.sql is not embedded in the binary");
  }
  auto queries = QueryCatalog::parse(*source);
  if (!queries) {
    return make_error(ErrorCode::internal, "queries.sql: " + queries.error().message);
  }
  auto db = sqlite::Database::open(settings.path.string());
  if (!db) {
    return std::move(db).error();
  }
  auto owned = std::make_unique<sqlite::Database>(std::move(*db));
  const std::string pragmas =
      "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; "
      "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -" +
      std::to_string(settings.cache_mb * 1024) +
      "; PRAGMA busy_timeout = " + std::to_string(settings.busy_timeout_ms) + ";";
  COMMUNIQUE_TRY(owned->exec(pragmas, "pragmas"));
  std::unique_ptr<SqliteStore> store(new SqliteStore(std::move(owned), std::move(*queries)));
  COMMUNIQUE_TRY(store->migrate());
  return store;
}

namespace {

// conflict when a row of the database names a parent that does not exist: a migration
// that left one must not commit.
Result<void> check_foreign_keys(sqlite::Database& db, std::string_view migration) {
  auto check = db.prepare("PRAGMA foreign_key_check", "foreign-key-check");
  if (!check) {
    return std::move(check).error();
  }
  auto broken = check->single([](const sqlite::Statement& row) { return row.column_text(0); });
  if (!broken) {
    return std::move(broken).error();
  }
  if (*broken) {
    return make_error(ErrorCode::conflict, std::string(migration) + " left rows of " + **broken +
                                               " without their parent; nothing was changed");
  }
  return ok();
}

}  // namespace

Result<void> SqliteStore::migrate() {
  Call call(*this);
  auto migrations = collect_migrations(sqlite_files::embedded_files());
  if (!migrations) {
    return std::move(migrations).error();
  }
  COMMUNIQUE_TRY(
      db_->exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                "applied_at INTEGER NOT NULL)",
                "create-schema-migrations"));
  auto current_query =
      db_->prepare("SELECT coalesce(max(version), 0) FROM schema_migrations", "schema-version");
  if (!current_query) {
    return std::move(current_query).error();
  }
  auto read = current_query->single(
      [](const sqlite::Statement& row) { return static_cast<int>(row.column_int(0)); });
  if (!read) {
    return std::move(read).error();
  }
  const int current = read->value_or(0);
  if (current > static_cast<int>(migrations->size())) {
    return make_error(ErrorCode::conflict,
                      "the database is at schema version " + std::to_string(current) +
                          ", newer than this binary knows (" + std::to_string(migrations->size()) +
                          "); run a newer communique");
  }
  for (const auto& migration : *migrations) {
    if (migration.version <= current) {
      continue;
    }
    // Foreign keys are off while a migration runs, as SQLite asks for a table rebuild (a
    // dropped table would otherwise take its children with it through ON DELETE CASCADE),
    // and checked before it commits. The pragma is a no-op inside a transaction.
    ForeignKeysOff foreign_keys_off(*db_);
    Transaction transaction(*db_);
    COMMUNIQUE_TRY(transaction.begin());
    COMMUNIQUE_TRY(db_->exec(migration.sql, migration.name));
    COMMUNIQUE_TRY(check_foreign_keys(*db_, migration.name));
    auto record = db_->prepare(
        "INSERT INTO schema_migrations (version, name, applied_at) "
        "VALUES (?1, ?2, CAST(strftime('%s', 'now') AS INTEGER))",
        "record-migration");
    if (!record) {
      return std::move(record).error();
    }
    record->bind(1, std::int64_t{migration.version});
    record->bind(2, migration.name);
    COMMUNIQUE_TRY(record->run());
    COMMUNIQUE_TRY(transaction.commit());
    logger("store")->info("applied migration {}", migration.name);
  }
  return ok();
}

Result<sqlite::StatementUse> SqliteStore::statement(std::string_view name) {
  if (auto found = prepared_.find(name); found != prepared_.end()) {
    found->second->reset();
    return sqlite::StatementUse(*found->second);
  }
  auto sql = queries_.get(name);
  if (!sql) {
    return std::move(sql).error();
  }
  auto prepared = db_->prepare(*sql, std::string(name));
  if (!prepared) {
    return std::move(prepared).error();
  }
  auto owned = std::make_unique<sqlite::Statement>(std::move(*prepared));
  auto* raw = owned.get();
  prepared_.emplace(std::string(name), std::move(owned));
  return sqlite::StatementUse(*raw);
}

void SqliteStore::end_stray_transaction() {
  if (!db_->in_transaction()) {
    return;
  }
  ++calls_left_in_transaction_;
  logger("store")->error("a store call returned with a transaction open; ending it");
  for (auto& [name, prepared] : prepared_) {
    prepared->reset();
  }
  if (db_->in_transaction()) {
    (void)db_->exec("ROLLBACK", "rollback-stray");
  }
}

Result<int> SqliteStore::schema_version() {
  Call call(*this);
  auto query = statement("schema-version");
  if (!query) {
    return std::move(query).error();
  }
  auto row = (*query)->step();
  if (!row) {
    return std::move(row).error();
  }
  return static_cast<int>((*query)->column_int(0));
}

Result<MailingList> SqliteStore::create_list(const NewList& list, Timestamp now) {
  Call call(*this);
  auto query = statement("insert-list");
  if (!query) {
    return std::move(query).error();
  }
  auto& insert = **query;
  insert.bind(1, list.name);
  insert.bind(2, list.description);
  insert.bind(3, to_string(list.visibility));
  insert.bind(4, to_string(list.opt_in));
  insert.bind(5, to_unix(now));
  auto row = insert.step();
  if (!row) {
    if (row.error().code == ErrorCode::conflict) {
      return make_error(ErrorCode::conflict, "a list named '" + list.name + "' exists already");
    }
    return std::move(row).error();
  }
  MailingList created;
  created.id = insert.column_int(0);
  created.name = list.name;
  created.description = list.description;
  created.visibility = list.visibility;
  created.opt_in = list.opt_in;
  created.created_at = now;
  insert.reset();
  return created;
}

Result<MailingList> SqliteStore::find_list(const std::string& name) {
  Call call(*this);
  auto query = statement("get-list-by-name");
  if (!query) {
    return std::move(query).error();
  }
  (*query)->bind(1, name);
  return find_one(**query, read_list, "there is no list named '" + name + "'");
}

Result<MailingList> SqliteStore::find_list(ListId id) {
  Call call(*this);
  auto query = statement("get-list");
  if (!query) {
    return std::move(query).error();
  }
  (*query)->bind(1, id);
  return find_one(**query, read_list, "there is no list " + std::to_string(id));
}

Result<std::vector<ListSummary>> SqliteStore::list_summaries() {
  Call call(*this);
  auto query = statement("list-summaries");
  if (!query) {
    return std::move(query).error();
  }
  return (*query)->collect([](const sqlite::Statement& row) {
    ListSummary summary;
    summary.list = read_list(row);
    summary.confirmed = row.column_int(6);
    summary.unconfirmed = row.column_int(7);
    summary.unsubscribed = row.column_int(8);
    summary.topics = row.column_int(9);
    return summary;
  });
}

Result<Topic> SqliteStore::create_topic(ListId list, const std::string& name,
                                        const std::string& description, Timestamp now) {
  Call call(*this);
  auto query = statement("insert-topic");
  if (!query) {
    return std::move(query).error();
  }
  auto& insert = **query;
  insert.bind(1, list);
  insert.bind(2, name);
  insert.bind(3, description);
  insert.bind(4, to_unix(now));
  auto row = insert.step();
  if (!row) {
    if (row.error().code == ErrorCode::conflict) {
      return make_error(ErrorCode::conflict,
                        "the list has a topic named '" + name + "' already, or does not exist");
    }
    return std::move(row).error();
  }
  Topic topic{insert.column_int(0), list, name, description};
  insert.reset();
  return topic;
}

Result<std::vector<Topic>> SqliteStore::topics(ListId list) {
  Call call(*this);
  auto query = statement("topics-of-list");
  if (!query) {
    return std::move(query).error();
  }
  (*query)->bind(1, list);
  return (*query)->collect([](const sqlite::Statement& row) {
    return Topic{row.column_int(0), row.column_int(1), row.column_text(2), row.column_text(3)};
  });
}

Result<ImportCounts> SqliteStore::import_batch(ListId list, std::span<const ImportRecord> records,
                                               const ImportPolicy& policy) {
  Call call(*this);
  auto insert_query = statement("insert-subscriber-if-new");
  auto update_query = statement("update-subscriber-from-import");
  auto id_query = statement("get-subscriber-id-by-email");
  auto subscribe_query = statement("subscribe-from-import");
  auto blocklist_query = statement("blocklist-subscriber");
  for (const auto* query :
       {&insert_query, &update_query, &id_query, &subscribe_query, &blocklist_query}) {
    if (!*query) {
      return query->error();
    }
  }
  auto& insert = **insert_query;
  auto& update = **update_query;
  auto& find_id = **id_query;
  auto& subscribe = **subscribe_query;
  auto& blocklist = **blocklist_query;
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
  auto list_query = statement("get-list-by-id");
  if (!list_query) {
    return std::move(list_query).error();
  }
  (*list_query)->bind(1, list);
  auto list_found = (*list_query)->step();
  (*list_query)->reset();
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
    if (db_->changes() == 1) {
      subscriber_id = db_->last_insert_rowid();
      ++counts.imported;
    } else if (policy.mode == ImportMode::skip_existing) {
      ++counts.skipped;
      continue;
    } else {
      update.reset();
      update.bind(1, record.email.str());
      update.bind_optional(2, record.name);
      update.bind_optional(3, record.language);
      update.bind(4, record.attributes_json);
      update.bind(5, now);
      if (auto updated = update.run(); !updated) {
        return failed(record, std::move(updated).error());
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
      ++counts.updated;
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
  }
  insert.reset();
  update.reset();
  subscribe.reset();
  blocklist.reset();
  COMMUNIQUE_TRY(transaction.commit());
  return counts;
}

Result<void> SqliteStore::set_subscription_status(SubscriberId subscriber, ListId list,
                                                  SubscriptionStatus status, Timestamp now) {
  Call call(*this);
  auto query = statement("set-subscription-status");
  if (!query) {
    return std::move(query).error();
  }
  (*query)->bind(1, list);
  (*query)->bind(2, subscriber);
  (*query)->bind(3, to_string(status));
  (*query)->bind(4, to_unix(now));
  auto done = (*query)->run();
  if (!done && done.error().code == ErrorCode::conflict) {
    return make_error(ErrorCode::not_found, "no such subscriber or list");
  }
  return done;
}

Result<Subscriber> SqliteStore::find_subscriber(const EmailAddress& email) {
  Call call(*this);
  auto query = statement("get-subscriber-by-email");
  if (!query) {
    return std::move(query).error();
  }
  (*query)->bind(1, email.str());
  return find_one(**query, read_subscriber, "there is no subscriber " + email.str());
}

Result<std::vector<Subscription>> SqliteStore::subscriptions_of(SubscriberId subscriber) {
  Call call(*this);
  auto query = statement("subscriptions-of-subscriber");
  if (!query) {
    return std::move(query).error();
  }
  (*query)->bind(1, subscriber);
  return (*query)->collect(read_subscription);
}

Result<std::int64_t> SqliteStore::count_subscribers(std::optional<ListId> list) {
  Call call(*this);
  auto query = statement(list ? "count-list-members" : "count-subscribers");
  if (!query) {
    return std::move(query).error();
  }
  if (list) {
    (*query)->bind(1, *list);
  }
  auto row = (*query)->step();
  if (!row) {
    return std::move(row).error();
  }
  const std::int64_t count = (*query)->column_int(0);
  (*query)->reset();
  return count;
}

Result<Issue> SqliteStore::create_issue(const Issue& issue, Timestamp now) {
  Call call(*this);
  auto insert_query = statement("insert-issue");
  if (!insert_query) {
    return std::move(insert_query).error();
  }
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  auto& insert = **insert_query;
  insert.bind(1, to_string(issue.kind));
  insert.bind(2, to_string(issue.status));
  insert.bind(3, issue.subject);
  insert.bind(4, issue.from_name);
  insert.bind(5, issue.from_address);
  insert.bind(6, issue.reply_to);
  insert.bind(7, issue.template_name);
  insert.bind(8, issue.language);
  insert.bind(9, to_unix(now));
  insert.bind(10, std::int64_t{issue.track_clicks ? 1 : 0});
  insert.bind(11, std::int64_t{issue.track_subscribers ? 1 : 0});
  insert.bind(12, std::int64_t{issue.track_opens ? 1 : 0});
  insert.bind(13, std::int64_t{issue.archive ? 1 : 0});
  auto row = insert.step();
  if (!row) {
    return std::move(row).error();
  }
  Issue created = issue;
  created.id = insert.column_int(0);
  created.created_at = now;
  created.updated_at = now;
  insert.reset();
  COMMUNIQUE_TRY(write_issue_parts(created));
  COMMUNIQUE_TRY(transaction.commit());
  return created;
}

Result<void> SqliteStore::write_issue_parts(const Issue& issue) {
  auto list_query = statement("insert-issue-list");
  auto section_query = statement("insert-issue-section");
  for (const auto* query : {&list_query, &section_query}) {
    if (!*query) {
      return query->error();
    }
  }
  for (ListId list : issue.lists) {
    auto& add = **list_query;
    add.reset();
    add.bind(1, issue.id);
    add.bind(2, list);
    if (auto added = add.run(); !added) {
      if (added.error().code == ErrorCode::conflict) {
        return make_error(ErrorCode::not_found, "a list of the issue does not exist");
      }
      return std::move(added).error();
    }
  }
  std::int64_t position = 0;
  for (const auto& section : issue.sections) {
    auto& add = **section_query;
    add.reset();
    add.bind(1, issue.id);
    add.bind(2, position++);
    add.bind(3, section.title);
    add.bind(4, to_string(section.format));
    add.bind(5, section.body);
    COMMUNIQUE_TRY(add.run());
  }
  return ok();
}

Result<std::vector<ListId>> SqliteStore::lists_of_issue(IssueId id) {
  auto query = statement("lists-of-issue");
  if (!query) {
    return std::move(query).error();
  }
  (*query)->bind(1, id);
  return (*query)->collect([](const sqlite::Statement& row) { return row.column_int(0); });
}

Result<void> SqliteStore::load_issue_parts(Issue& issue) {
  auto lists = lists_of_issue(issue.id);
  if (!lists) {
    return std::move(lists).error();
  }
  issue.lists = std::move(*lists);
  auto query = statement("sections-of-issue");
  if (!query) {
    return std::move(query).error();
  }
  (*query)->bind(1, issue.id);
  auto sections = (*query)->collect([](const sqlite::Statement& section) {
    return IssueSection{section.column_text(0),
                        parse_body_format(section.column_text(1)).value_or(BodyFormat::markdown),
                        section.column_text(2)};
  });
  if (!sections) {
    return std::move(sections).error();
  }
  issue.sections = std::move(*sections);
  return ok();
}

Result<Issue> SqliteStore::find_issue(IssueId id) {
  Call call(*this);
  auto query = statement("get-issue");
  if (!query) {
    return std::move(query).error();
  }
  (*query)->bind(1, id);
  auto found = find_one(**query, read_issue, "there is no issue " + std::to_string(id));
  if (!found) {
    return std::move(found).error();
  }
  COMMUNIQUE_TRY(load_issue_parts(*found));
  return found;
}

Result<std::vector<Issue>> SqliteStore::issues() {
  Call call(*this);
  auto query = statement("all-issues");
  if (!query) {
    return std::move(query).error();
  }
  auto all = (*query)->collect(read_issue);
  if (!all) {
    return std::move(all).error();
  }
  for (auto& issue : *all) {
    auto lists = lists_of_issue(issue.id);
    if (!lists) {
      return std::move(lists).error();
    }
    issue.lists = std::move(*lists);
  }
  return all;
}

Result<void> SqliteStore::set_issue_status(IssueId id, IssueStatus status, Timestamp now) {
  Call call(*this);
  auto query = statement("set-issue-status");
  if (!query) {
    return std::move(query).error();
  }
  (*query)->bind(1, id);
  (*query)->bind(2, to_string(status));
  (*query)->bind(3, to_unix(now));
  COMMUNIQUE_TRY((*query)->run());
  if (db_->changes() == 0) {
    return make_error(ErrorCode::not_found, "there is no issue " + std::to_string(id));
  }
  return ok();
}

Result<void> SqliteStore::set_issue_archive(IssueId id, bool archive) {
  std::lock_guard lock(mutex_);
  auto changed = execute("set-issue-archive", id, std::int64_t{archive ? 1 : 0});
  if (!changed) {
    return std::move(changed).error();
  }
  if (*changed == 0) {
    return make_error(ErrorCode::not_found, "there is no issue " + std::to_string(id));
  }
  return ok();
}

Result<IssueStatus> SqliteStore::issue_status(IssueId id) {
  Call call(*this);
  auto query = statement("issue-status");
  if (!query) {
    return std::move(query).error();
  }
  (*query)->bind(1, id);
  return find_one(
      **query,
      [](const sqlite::Statement& row) {
        return parse_issue_status(row.column_text(0)).value_or(IssueStatus::draft);
      },
      "there is no issue " + std::to_string(id));
}

Result<void> SqliteStore::change_issue_status(IssueId id, std::span<const IssueStatus> from,
                                              IssueStatus status, const std::string& note,
                                              Timestamp now) {
  std::string allowed = ",";
  for (auto state : from) {
    allowed += std::string(to_string(state)) + ",";
  }
  {
    Call call(*this);
    auto query = statement("change-issue-status");
    if (!query) {
      return std::move(query).error();
    }
    (*query)->bind(1, id);
    (*query)->bind(2, to_string(status));
    (*query)->bind(3, note);
    (*query)->bind(4, to_unix(now));
    (*query)->bind(5, allowed);
    COMMUNIQUE_TRY((*query)->run());
    if (db_->changes() == 1) {
      return ok();
    }
  }
  auto current = issue_status(id);
  if (!current) {
    return std::move(current).error();
  }
  return make_error(ErrorCode::conflict,
                    "issue " + std::to_string(id) + " is " + std::string(to_string(*current)));
}

Result<void> SqliteStore::schedule_issue(IssueId id, Timestamp at,
                                         std::optional<std::chrono::seconds> expire_after,
                                         Timestamp now) {
  {
    Call call(*this);
    auto query = statement("schedule-issue");
    if (!query) {
      return std::move(query).error();
    }
    (*query)->bind(1, id);
    (*query)->bind(2, to_unix(at));
    if (expire_after) {
      (*query)->bind(3, static_cast<std::int64_t>(expire_after->count()));
    } else {
      (*query)->bind_null(3);
    }
    (*query)->bind(4, to_unix(now));
    COMMUNIQUE_TRY((*query)->run());
    if (db_->changes() == 1) {
      return ok();
    }
  }
  auto current = issue_status(id);
  if (!current) {
    return std::move(current).error();
  }
  return make_error(ErrorCode::conflict, "issue " + std::to_string(id) + " is " +
                                             std::string(to_string(*current)) +
                                             "; only a draft, scheduled or paused issue can be "
                                             "scheduled");
}

Result<std::vector<Issue>> SqliteStore::issues_to_run(Timestamp now) {
  Call call(*this);
  auto query = statement("issues-to-run");
  if (!query) {
    return std::move(query).error();
  }
  (*query)->bind(1, to_unix(now));
  return (*query)->collect([](const sqlite::Statement& row) {
    Issue issue;
    issue.id = row.column_int(0);
    issue.status = parse_issue_status(row.column_text(1)).value_or(IssueStatus::draft);
    if (!row.column_is_null(2)) {
      issue.scheduled_at = from_unix(row.column_int(2));
    }
    if (!row.column_is_null(3)) {
      issue.expire_after = std::chrono::seconds(row.column_int(3));
    }
    return issue;
  });
}

Result<std::int64_t> SqliteStore::freeze_audience(IssueId issue, Timestamp now) {
  Call call(*this);
  auto query = statement("freeze-audience");
  if (!query) {
    return std::move(query).error();
  }
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  (*query)->bind(1, issue);
  (*query)->bind(2, to_unix(now));
  COMMUNIQUE_TRY((*query)->run());
  const auto added = db_->changes();
  COMMUNIQUE_TRY(transaction.commit());
  return added;
}

Result<std::vector<Recipient>> SqliteStore::claim_recipients(IssueId issue, std::size_t limit,
                                                             Timestamp now) {
  Call call(*this);
  auto deferred_query = statement("due-deferred-deliveries");
  auto queued_query = statement("due-queued-deliveries");
  auto mark_query = statement("mark-sending");
  auto subscriber_query = statement("get-subscriber-by-id");
  for (const auto* query : {&deferred_query, &queued_query, &mark_query, &subscriber_query}) {
    if (!*query) {
      return query->error();
    }
  }
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  struct Due {
    SubscriberId id;
    int attempts;
    std::int64_t queued_at;
  };
  const auto read_due = [](const sqlite::Statement& row) {
    return Due{row.column_int(0), static_cast<int>(row.column_int(1)), row.column_int(2)};
  };
  // Retries that are due first, then fresh recipients: each an index range scan.
  auto& deferred = **deferred_query;
  deferred.bind(1, issue);
  deferred.bind(2, to_unix(now));
  deferred.bind(3, static_cast<std::int64_t>(limit));
  auto rows = deferred.collect(read_due);
  if (!rows) {
    return std::move(rows).error();
  }
  if (rows->size() < limit) {
    auto& queued = **queued_query;
    queued.bind(1, issue);
    queued.bind(2, static_cast<std::int64_t>(limit - rows->size()));
    auto fresh = queued.collect(read_due);
    if (!fresh) {
      return std::move(fresh).error();
    }
    rows->insert(rows->end(), fresh->begin(), fresh->end());
  }
  std::vector<Recipient> claimed;
  claimed.reserve(rows->size());
  for (const auto& [subscriber_id, attempts, queued_at] : *rows) {
    auto& mark = **mark_query;
    mark.reset();
    mark.bind(1, issue);
    mark.bind(2, subscriber_id);
    mark.bind(3, to_unix(now));
    COMMUNIQUE_TRY(mark.run());
    auto& find = **subscriber_query;
    find.reset();
    find.bind(1, subscriber_id);
    auto found = find.step();
    if (!found) {
      return std::move(found).error();
    }
    if (*found) {
      claimed.push_back({read_subscriber(find), attempts + 1, from_unix(queued_at)});
    }
    find.reset();
  }
  COMMUNIQUE_TRY(transaction.commit());
  return claimed;
}

Result<void> SqliteStore::record_deliveries(IssueId issue, std::span<const DeliveryResult> results,
                                            Timestamp now) {
  Call call(*this);
  auto query = statement("record-delivery");
  if (!query) {
    return std::move(query).error();
  }
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  for (const auto& result : results) {
    auto& record = **query;
    record.reset();
    record.bind(1, issue);
    record.bind(2, result.subscriber);
    record.bind(3, to_string(result.state));
    record.bind(4, to_unix(result.next_attempt_at));
    record.bind(5, result.reply);
    record.bind(6, to_unix(now));
    COMMUNIQUE_TRY(record.run());
  }
  COMMUNIQUE_TRY(transaction.commit());
  return ok();
}

Result<DeliveryCounts> SqliteStore::delivery_counts(IssueId issue) {
  Call call(*this);
  auto query = bound("delivery-counts", issue);
  if (!query) {
    return std::move(query).error();
  }
  return read_delivery_counts(**query);
}

Result<std::vector<DeliveryProblem>> SqliteStore::delivery_problems(IssueId issue,
                                                                    std::size_t limit) {
  Call call(*this);
  auto query = bound("delivery-problems", issue, static_cast<std::int64_t>(limit));
  if (!query) {
    return std::move(query).error();
  }
  return (*query)->collect([](const sqlite::Statement& row) {
    return DeliveryProblem{
        .state = parse_delivery_state(row.column_text(0)).value_or(DeliveryState::deferred),
        .reply = row.column_text(1),
        .count = row.column_int(2)};
  });
}

Result<DeliveryCounts> SqliteStore::delivery_totals() {
  Call call(*this);
  auto query = bound("delivery-totals");
  if (!query) {
    return std::move(query).error();
  }
  return read_delivery_counts(**query);
}

Result<DeliveryCounts> SqliteStore::read_delivery_counts(sqlite::Statement& query) {
  auto rows = query.collect([](const sqlite::Statement& row) {
    return std::pair{row.column_text(0), row.column_int(1)};
  });
  if (!rows) {
    return std::move(rows).error();
  }
  DeliveryCounts counts;
  for (const auto& [state, count] : *rows) {
    switch (parse_delivery_state(state).value_or(DeliveryState::queued)) {
      case DeliveryState::queued:
        counts.queued = count;
        break;
      case DeliveryState::sending:
        counts.sending = count;
        break;
      case DeliveryState::sent:
        counts.sent = count;
        break;
      case DeliveryState::deferred:
        counts.deferred = count;
        break;
      case DeliveryState::failed:
        counts.failed = count;
        break;
    }
  }
  return counts;
}

Result<std::vector<Issue>> SqliteStore::public_issues(IssueId before, std::size_t limit) {
  Call call(*this);
  auto query = statement("public-issues");
  if (!query) {
    return std::move(query).error();
  }
  (*query)->bind(1, before);
  (*query)->bind(2, static_cast<std::int64_t>(limit));
  auto found = (*query)->collect(read_issue);
  if (!found) {
    return std::move(found).error();
  }
  for (auto& issue : *found) {
    COMMUNIQUE_TRY(load_issue_parts(issue));
  }
  return found;
}

Result<std::map<std::string, std::string>> SqliteStore::saved_settings() {
  Call call(*this);
  auto query = bound("saved-settings");
  if (!query) {
    return std::move(query).error();
  }
  auto rows = (*query)->collect([](const sqlite::Statement& row) {
    return std::pair(row.column_text(0), row.column_text(1));
  });
  if (!rows) {
    return std::move(rows).error();
  }
  return std::map<std::string, std::string>(rows->begin(), rows->end());
}

Result<void> SqliteStore::change_saved_settings(
    const std::map<std::string, std::optional<std::string>>& changes, Timestamp now) {
  Call call(*this);
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  for (const auto& [name, value] : changes) {
    auto changed =
        value ? execute("save-setting", name, *value, now) : execute("forget-setting", name);
    if (!changed) {
      return std::move(changed).error();
    }
  }
  return transaction.commit();
}

Result<std::string> SqliteStore::secret(const std::string& name,
                                        const std::function<std::string()>& generate,
                                        Timestamp now) {
  Call call(*this);
  auto get = statement("get-secret");
  if (!get) {
    return std::move(get).error();
  }
  (*get)->bind(1, name);
  auto row = (*get)->step();
  if (!row) {
    return std::move(row).error();
  }
  if (*row) {
    auto value = (*get)->column_text(0);
    (*get)->reset();
    return value;
  }
  auto insert = statement("insert-secret-if-missing");
  if (!insert) {
    return std::move(insert).error();
  }
  (*insert)->bind(1, name);
  (*insert)->bind(2, generate());
  (*insert)->bind(3, to_unix(now));
  COMMUNIQUE_TRY((*insert)->run());
  // Another process may have won the race: read back whatever is stored.
  auto reread = statement("get-secret");
  if (!reread) {
    return std::move(reread).error();
  }
  (*reread)->bind(1, name);
  auto stored = (*reread)->step();
  if (!stored || !*stored) {
    return make_error(ErrorCode::storage, "the secret '" + name + "' could not be stored");
  }
  auto value = (*reread)->column_text(0);
  (*reread)->reset();
  return value;
}

Result<void> SqliteStore::for_each_member(ListId list,
                                          const std::function<Result<void>(const Member&)>& visit) {
  Call call(*this);
  auto query = statement("list-members");
  if (!query) {
    return std::move(query).error();
  }
  (*query)->bind(1, list);
  Result<void> outcome;
  for (;;) {
    auto row = (*query)->step();
    if (!row) {
      outcome = std::move(row).error();
      break;
    }
    if (!*row) {
      break;
    }
    Member member;
    member.subscriber = read_subscriber(**query);
    member.status = parse_subscription_status((*query)->column_text(9))
                        .value_or(SubscriptionStatus::unconfirmed);
    if (auto visited = visit(member); !visited) {
      outcome = std::move(visited).error();
      break;
    }
  }
  (*query)->reset();
  return outcome;
}

}  // namespace communique
