#pragma once
// A thin RAII layer over the SQLite C API: one connection (SqliteDb) and its prepared statements
// (SqliteStatement). Errors come back as Status values carrying SQLite's own message. Internal to
// src/store; a connection and its statements belong to one thread at a time.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

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
  // true when a row is ready to be read, false when the statement is done.
  Result<bool> Step();
  // Steps a statement that returns no rows (INSERT, UPDATE, DELETE, DDL) and resets it.
  Status Run();
  // Clears bindings and rewinds so the statement can run again.
  void Reset();

  std::string ColumnText(int index) const;
  int64_t ColumnInt(int index) const;

 private:
  friend class SqliteDb;
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}

  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const;
  };
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
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
  // Rows changed by the last INSERT, UPDATE or DELETE on this connection.
  int64_t Changes() const;

 private:
  explicit SqliteDb(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

}  // namespace kumo::store
