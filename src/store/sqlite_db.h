#pragma once
// A thin RAII layer over the SQLite C API: one connection (SqliteDb) and its prepared statements
// (SqliteStatement). Errors come back as Status values carrying SQLite's own message. Internal to
// src/store; a connection and its statements belong to one thread at a time.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "common/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace kumo::store {

class SqliteDb;

// One prepared statement, reused across calls: Bind*, then Step until it returns false, then
// Reset. Owned by whoever prepared it; must not outlive its SqliteDb.
class SqliteStatement {
 public:
  SqliteStatement(SqliteStatement&&) = default;
  SqliteStatement& operator=(SqliteStatement&&) = default;
  ~SqliteStatement();

  // Parameters are 1-based, as in SQLite.
  void BindText(int index, std::string_view text);
  void BindInt(int index, int64_t value);
  void BindNull(int index);
  // true when a row is ready to be read, false when the statement is done.
  Result<bool> Step();
  // Steps a statement that returns no rows (INSERT, UPDATE, DELETE, DDL) and resets it.
  Status Run();
  // Clears bindings and rewinds so the statement can run again.
  void Reset();

  std::string ColumnText(int index) const;
  int64_t ColumnInt(int index) const;
  bool ColumnIsNull(int index) const;

 private:
  friend class SqliteDb;
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}

  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const;
  };
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
};

// A statement of SqliteDb's cache, borrowed for one use: reset (bindings cleared) when the lease
// ends, so an early return cannot leave it mid-step. Do not hold two leases of the same SQL.
class StatementLease {
 public:
  explicit StatementLease(SqliteStatement* stmt) : stmt_(stmt) {}
  StatementLease(StatementLease&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)) {}
  StatementLease& operator=(StatementLease&&) = delete;
  ~StatementLease() {
    if (stmt_ != nullptr) stmt_->Reset();
  }
  SqliteStatement* operator->() const { return stmt_; }
  SqliteStatement& operator*() const { return *stmt_; }

 private:
  SqliteStatement* stmt_;
};

// One open database connection. Closed on destruction, after its statements are gone.
class SqliteDb {
 public:
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs one or more statements that return no rows we need.
  Status Exec(const std::string& sql);
  Result<SqliteStatement> Prepare(const std::string& sql);
  // The statement for `sql`, prepared on first use and kept for the connection's life.
  Result<StatementLease> Cached(const std::string& sql);
  // Rows changed by the last INSERT, UPDATE or DELETE on this connection.
  int64_t Changes() const;

 private:
  explicit SqliteDb(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  // Finalized in the destructor before the connection closes.
  std::map<std::string, std::unique_ptr<SqliteStatement>> cache_;
};

// BEGIN IMMEDIATE ... COMMIT around several statements that must land together; rolled back on
// destruction unless Commit succeeded. Not nestable.
class SqliteTransaction {
 public:
  static Result<SqliteTransaction> Begin(SqliteDb& db);
  SqliteTransaction(SqliteTransaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
  SqliteTransaction& operator=(SqliteTransaction&&) = delete;
  ~SqliteTransaction();
  Status Commit();

 private:
  explicit SqliteTransaction(SqliteDb* db) : db_(db) {}
  SqliteDb* db_;  // null once committed or rolled back
};

}  // namespace kumo::store
