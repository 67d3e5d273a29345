// SqliteStore's connection: opening, migrating, the kept statements, and the check that
// every call leaves no transaction open. Each area of the store is in its own file.
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
  // The busy timeout first: switching to WAL, or reading the journal mode while another
  // process opens the same file and recovers its log, needs a lock another may hold.
  const std::string pragmas =
      "PRAGMA busy_timeout = " + std::to_string(settings.busy_timeout_ms) +
      "; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; "
      "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -" +
      std::to_string(settings.cache_mb * 1024) + ";";
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

int read_schema_version(const sqlite::Statement& row) {
  return static_cast<int>(row.column_int(0));
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
  auto read = first_row("schema-version", read_schema_version);
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

Result<sqlite::Statement*> SqliteStore::kept_statement(std::string_view name) {
  if (auto found = prepared_.find(name); found != prepared_.end()) {
    found->second->reset();
    return found->second.get();
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
  return raw;
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
  auto read = first_row("schema-version", read_schema_version);
  if (!read) {
    return std::move(read).error();
  }
  return read->value_or(0);
}

}  // namespace communique
