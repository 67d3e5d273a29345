// What the SQLite backend's source files share: row readers, time conversion, a
// transaction guard, binding helpers, and SqliteStore's one way to a named query
// (with_statements) with its common uses. Internal to the backend.
#pragma once

#include <array>
#include <string>
#include <utility>

#include "store/sqlite/sqlite_db.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/store.hpp"

namespace communique::sqlite_support {

// Propagates the error of a Result-returning expression out of the enclosing function.
#define COMMUNIQUE_TRY(expr)               \
  do {                                     \
    if (auto result_ = (expr); !result_) { \
      return std::move(result_).error();   \
    }                                      \
  } while (false)

inline std::int64_t to_unix(Timestamp time) {
  return time.time_since_epoch().count();
}
inline Timestamp from_unix(std::int64_t seconds) {
  return Timestamp(std::chrono::seconds(seconds));
}

// Rolls back unless commit() succeeded, so an early return never leaves a transaction
// open or half a batch written.
class Transaction {
 public:
  explicit Transaction(sqlite::Database& db) : db_(db) {}
  ~Transaction() {
    if (open_) {
      (void)db_.exec("ROLLBACK", "rollback");
    }
  }
  Result<void> begin() {
    auto begun = db_.exec("BEGIN IMMEDIATE", "begin");
    open_ = begun.has_value();
    return begun;
  }
  Result<void> commit() {
    auto committed = db_.exec("COMMIT", "commit");
    if (committed) {
      open_ = false;
    }
    return committed;
  }

 private:
  sqlite::Database& db_;
  bool open_ = false;
};

// Turns foreign-key enforcement off for one import batch or one migration and back on
// after it, commit or not. The pragma is a no-op inside a transaction, so this wraps the
// transaction.
class ForeignKeysOff {
 public:
  explicit ForeignKeysOff(sqlite::Database& db) : db_(db) {
    (void)db_.exec("PRAGMA foreign_keys = OFF", "foreign-keys-off");
  }
  ~ForeignKeysOff() { (void)db_.exec("PRAGMA foreign_keys = ON", "foreign-keys-on"); }

 private:
  sqlite::Database& db_;
};

inline MailingList read_list(const sqlite::Statement& row) {
  MailingList list;
  list.id = row.column_int(0);
  list.name = row.column_text(1);
  list.description = row.column_text(2);
  list.visibility = parse_visibility(row.column_text(3)).value_or(ListVisibility::public_list);
  list.opt_in = parse_opt_in(row.column_text(4)).value_or(OptIn::single_opt_in);
  list.created_at = from_unix(row.column_int(5));
  list.title = row.column_text(6);
  list.fallback_language = row.column_text(7);
  list.default_cadence = parse_cadence(row.column_text(8)).value_or(Cadence::weekly);
  return list;
}

// The first column as a number: an id a RETURNING clause gives, a count, or a flag.
inline std::int64_t read_integer(const sqlite::Statement& row) {
  return row.column_int(0);
}

// The first column as text.
inline std::string read_text(const sqlite::Statement& row) {
  return row.column_text(0);
}

inline Topic read_topic(const sqlite::Statement& row) {
  return Topic{row.column_int(0), row.column_int(1), row.column_text(2), row.column_text(3)};
}

// A cadence as stored (NULL for none).
inline std::optional<std::string> cadence_text(const std::optional<Cadence>& cadence) {
  if (!cadence) {
    return std::nullopt;
  }
  return std::string(to_string(*cadence));
}

inline std::optional<Cadence> read_cadence(const sqlite::Statement& row, int column) {
  if (row.column_is_null(column)) {
    return std::nullopt;
  }
  return parse_cadence(row.column_text(column));
}

inline Subscription read_subscription(const sqlite::Statement& row) {
  Subscription subscription;
  subscription.list_id = row.column_int(0);
  subscription.list_name = row.column_text(1);
  subscription.status =
      parse_subscription_status(row.column_text(2)).value_or(SubscriptionStatus::unconfirmed);
  subscription.created_at = from_unix(row.column_int(3));
  subscription.updated_at = from_unix(row.column_int(4));
  subscription.list_title = row.column_text(5);
  subscription.cadence = read_cadence(row, 6);
  subscription.list_cadence = parse_cadence(row.column_text(7)).value_or(Cadence::weekly);
  return subscription;
}

inline Subscriber read_subscriber(const sqlite::Statement& row) {
  Subscriber subscriber;
  subscriber.id = row.column_int(0);
  subscriber.email = row.column_text(1);
  subscriber.name = row.column_text(2);
  subscriber.attributes_json = row.column_text(3);
  subscriber.language = row.column_text(4);
  subscriber.status =
      parse_subscriber_status(row.column_text(5)).value_or(SubscriberStatus::enabled);
  subscriber.created_at = from_unix(row.column_int(6));
  subscriber.updated_at = from_unix(row.column_int(7));
  subscriber.link_key = row.column_blob(8);
  return subscriber;
}

// The one row `query` finds, read by `read`, or not_found with `missing` as the message.
template <typename Read>
auto find_one(sqlite::Statement& query, Read read, const std::string& missing)
    -> Result<decltype(read(query))> {
  auto found = query.single(read);
  if (!found) {
    return std::move(found).error();
  }
  if (!*found) {
    return make_error(ErrorCode::not_found, missing);
  }
  return std::move(**found);
}

inline Issue read_issue(const sqlite::Statement& row) {
  Issue issue;
  issue.id = row.column_int(0);
  issue.kind = parse_issue_kind(row.column_text(1)).value_or(IssueKind::letter);
  issue.status = parse_issue_status(row.column_text(2)).value_or(IssueStatus::draft);
  issue.subject = row.column_text(3);
  issue.from_name = row.column_text(4);
  issue.from_address = row.column_text(5);
  issue.reply_to = row.column_text(6);
  issue.template_name = row.column_text(7);
  issue.language = row.column_text(8);
  issue.created_at = from_unix(row.column_int(9));
  issue.updated_at = from_unix(row.column_int(10));
  if (!row.column_is_null(11)) {
    issue.scheduled_at = from_unix(row.column_int(11));
  }
  if (!row.column_is_null(12)) {
    issue.expire_after = std::chrono::seconds(row.column_int(12));
  }
  issue.status_note = row.column_text(13);
  issue.track_clicks = row.column_int(14) != 0;
  issue.track_subscribers = row.column_int(15) != 0;
  issue.track_opens = row.column_int(16) != 0;
  issue.archive = row.column_int(17) != 0;
  issue.edition_date = parse_date(row.column_text(18));  // "" (none) reads as none
  issue.cadence = read_cadence(row, 19);
  if (!row.column_is_null(20)) {
    issue.digest_id = row.column_int(20);
  }
  issue.excerpt_words = static_cast<int>(row.column_int(21));
  return issue;
}

inline void bind_one(sqlite::Statement& query, int index, std::int64_t value) {
  query.bind(index, value);
}
inline void bind_one(sqlite::Statement& query, int index, int value) {
  query.bind(index, static_cast<std::int64_t>(value));
}
inline void bind_one(sqlite::Statement& query, int index, std::string_view value) {
  query.bind(index, value);
}
inline void bind_one(sqlite::Statement& query, int index, const std::string& value) {
  query.bind(index, std::string_view(value));
}
inline void bind_one(sqlite::Statement& query, int index, const char* value) {
  query.bind(index, std::string_view(value));
}
inline void bind_one(sqlite::Statement& query, int index, Timestamp value) {
  query.bind(index, to_unix(value));
}
inline void bind_one(sqlite::Statement& query, int index, std::size_t value) {
  query.bind(index, static_cast<std::int64_t>(value));
}
inline void bind_one(sqlite::Statement& query, int index, std::nullopt_t) {
  query.bind_null(index);
}
template <typename T>
void bind_one(sqlite::Statement& query, int index, const std::optional<T>& value) {
  if (value) {
    bind_one(query, index, *value);
  } else {
    query.bind_null(index);
  }
}

// Binds `values` to parameters ?1, ?2... in order.
template <typename... Values>
void bind_all(sqlite::Statement& query, const Values&... values) {
  int index = 0;
  (bind_one(query, ++index, values), ...);
}

}  // namespace communique::sqlite_support

namespace communique {

template <std::size_t N, typename Use>
auto SqliteStore::with_statements(const std::string_view (&names)[N], Use&& use)
    -> UseResult<Use, N> {
  std::array<sqlite::Statement*, N> found{};
  for (std::size_t i = 0; i < N; ++i) {
    auto kept = kept_statement(names[i]);
    if (!kept) {
      return std::move(kept).error();
    }
    found[i] = *kept;
  }
  return [&]<std::size_t... I>(std::index_sequence<I...>)->UseResult<Use, N> {
    const sqlite::StatementUse uses[] = {sqlite::StatementUse(*found[I])...};
    return use(*found[I]...);
  }
  (std::make_index_sequence<N>{});
}

template <typename Use, typename... Values>
auto SqliteStore::with_statement(std::string_view name, Use&& use, const Values&... values)
    -> std::invoke_result_t<Use&, sqlite::Statement&> {
  return with_statements(
      {name}, [&](sqlite::Statement& query) -> std::invoke_result_t<Use&, sqlite::Statement&> {
        sqlite_support::bind_all(query, values...);
        return use(query);
      });
}

template <typename... Values>
Result<std::int64_t> SqliteStore::execute(std::string_view name, const Values&... values) {
  return with_statement(
      name,
      [this](sqlite::Statement& query) -> Result<std::int64_t> {
        if (auto done = query.run(); !done) {
          return std::move(done).error();
        }
        return db_->changes();
      },
      values...);
}

template <typename Read, typename... Values>
auto SqliteStore::rows(std::string_view name, Read read, const Values&... values)
    -> Result<std::vector<std::invoke_result_t<Read&, const sqlite::Statement&>>> {
  return with_statement(
      name, [&read](sqlite::Statement& query) { return query.collect(read); }, values...);
}

template <typename Read, typename... Values>
auto SqliteStore::first_row(std::string_view name, Read read, const Values&... values)
    -> Result<std::optional<std::invoke_result_t<Read&, const sqlite::Statement&>>> {
  return with_statement(
      name, [&read](sqlite::Statement& query) { return query.single(read); }, values...);
}

template <typename Read, typename... Values>
auto SqliteStore::find(std::string_view name, Read read, const std::string& missing,
                       const Values&... values)
    -> Result<std::invoke_result_t<Read&, const sqlite::Statement&>> {
  return with_statement(
      name,
      [&read, &missing](sqlite::Statement& query) {
        return sqlite_support::find_one(query, read, missing);
      },
      values...);
}

}  // namespace communique
