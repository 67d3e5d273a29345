// A thin RAII layer over the SQLite C API for the SQLite backend only: a connection,
// prepared statements, and SQLite's result codes turned into Results whose message names
// the query. Nothing outside src/store/sqlite includes this header.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace communique::sqlite {

// A prepared statement. Bind parameters by 1-based index, step through rows, read columns
// by 0-based index. reset() makes it ready to run again with new bindings.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt, std::string name);
  Statement(Statement&&) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  void bind(int index, std::int64_t value);
  void bind(int index, std::string_view value);
  void bind_optional(int index, const std::optional<std::string>& value);  // NULL when absent
  // Binds without copying: `value` must stay alive and unchanged until the statement is
  // reset or re-bound (batch records, static strings).
  void bind_static(int index, std::string_view value);
  void bind_static_optional(int index, const std::optional<std::string>& value);
  void bind_null(int index);

  // true when a row is ready, false when done; an error names the query.
  Result<bool> step();
  // Runs a statement that returns no rows to completion.
  Result<void> run();

  // The first row as `read(*this)`, or nothing when there is none; the statement is reset
  // after, so it holds no read lock.
  template <typename Read>
  auto single(Read read) -> Result<std::optional<decltype(read(*this))>> {
    auto stepped = step();
    if (!stepped) {
      return std::move(stepped).error();
    }
    std::optional<decltype(read(*this))> value;
    if (*stepped) {
      value.emplace(read(*this));
    }
    reset();
    return value;
  }

  // Steps through every row, turning each into a value with `read(*this)`.
  template <typename Read>
  auto collect(Read read) -> Result<std::vector<decltype(read(*this))>> {
    std::vector<decltype(read(*this))> rows;
    for (;;) {
      auto stepped = step();
      if (!stepped) {
        return std::move(stepped).error();
      }
      if (!*stepped) {
        return rows;
      }
      rows.push_back(read(*this));
    }
  }
  void reset();

  std::int64_t column_int(int index) const;
  std::string column_text(int index) const;
  std::string column_blob(int index) const;  // the bytes as they are (empty for NULL)
  bool column_is_null(int index) const;

  const std::string& name() const { return name_; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string name_;
};

// One use of a kept statement: resets it when the use ends, however the scope is left. A
// statement left between rows keeps its read transaction, and with it a snapshot, open on
// the connection: the connection would then see no other process's writes and could not
// write itself. Moving hands the use on; the moved-from guard resets nothing.
class StatementUse {
 public:
  explicit StatementUse(Statement& statement) : statement_(&statement) {}
  StatementUse(StatementUse&& other) noexcept
      : statement_(std::exchange(other.statement_, nullptr)) {}
  StatementUse& operator=(StatementUse&&) = delete;
  StatementUse(const StatementUse&) = delete;
  ~StatementUse() {
    if (statement_ != nullptr) {
      statement_->reset();
    }
  }

  Statement& operator*() const { return *statement_; }
  Statement* operator->() const { return statement_; }

 private:
  Statement* statement_;
};

class Database {
 public:
  // Opens (creating when missing) the database file at `path`.
  static Result<Database> open(const std::string& path);
  Database(Database&&) noexcept;
  Database& operator=(Database&&) = delete;
  Database(const Database&) = delete;
  ~Database();

  // Runs one or more statements that return no rows (DDL, pragmas, transactions).
  Result<void> exec(std::string_view sql, std::string_view name);
  // Prepares `sql`; `name` is used in error messages.
  Result<Statement> prepare(std::string_view sql, std::string name);

  // Rows changed by the last statement, and the rowid of the last insert.
  std::int64_t changes() const;
  std::int64_t last_insert_rowid() const;
  // Whether a transaction, read or write, is open on the connection (none is between
  // calls: each call's statements are reset and its transactions ended before it returns).
  bool in_transaction() const;

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

// The Error for SQLite result code `rc` on `db` while running `name`.
Error error_from(sqlite3* db, int rc, std::string_view name);

}  // namespace communique::sqlite
