#include "store/sqlite_db.h"

#include <sqlite3.h>

namespace kumo::store {
namespace {

constexpr int kBusyTimeoutMs = 5000;

Error SqliteError(sqlite3* db, const std::string& what) {
  return MakeError(ErrorCode::kInternal, "sqlite " + what + ": " + sqlite3_errmsg(db));
}

}  // namespace

void SqliteStatement::Finalizer::operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }

SqliteStatement::~SqliteStatement() = default;

void SqliteStatement::BindText(int index, std::string_view text) {
  sqlite3_bind_text(stmt_.get(), index, text.data(), static_cast<int>(text.size()),
                    SQLITE_TRANSIENT);
}

void SqliteStatement::BindInt(int index, int64_t value) {
  sqlite3_bind_int64(stmt_.get(), index, value);
}

void SqliteStatement::BindNull(int index) { sqlite3_bind_null(stmt_.get(), index); }

Result<bool> SqliteStatement::Step() {
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Error error = SqliteError(db_, "step");
  Reset();
  return error;
}

Status SqliteStatement::Run() {
  Result<bool> row = Step();
  Reset();
  if (!row.ok()) return row.error();
  return Ok();
}

void SqliteStatement::Reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

std::string SqliteStatement::ColumnText(int index) const {
  const auto* text = sqlite3_column_text(stmt_.get(), index);
  int size = sqlite3_column_bytes(stmt_.get(), index);
  if (text == nullptr) return std::string();
  return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size));
}

int64_t SqliteStatement::ColumnInt(int index) const {
  return sqlite3_column_int64(stmt_.get(), index);
}

bool SqliteStatement::ColumnIsNull(int index) const {
  return sqlite3_column_type(stmt_.get(), index) == SQLITE_NULL;
}

Result<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    sqlite3_close(raw);
    return MakeError(ErrorCode::kInternal, "cannot open database " + path + ": " + message);
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  return std::unique_ptr<SqliteDb>(new SqliteDb(raw));
}

SqliteDb::~SqliteDb() {
  cache_.clear();
  sqlite3_close(db_);
}

Status SqliteDb::Exec(const std::string& sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return Ok();
  std::string text = message != nullptr ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return MakeError(ErrorCode::kInternal, "sqlite exec: " + text);
}

Result<SqliteStatement> SqliteDb::Prepare(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, "prepare");
  return SqliteStatement(db_, stmt);
}

Result<StatementLease> SqliteDb::Cached(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    KUMO_ASSIGN_OR_RETURN(SqliteStatement stmt, Prepare(sql));
    it = cache_.emplace(sql, std::make_unique<SqliteStatement>(std::move(stmt))).first;
  }
  return StatementLease(it->second.get());
}

int64_t SqliteDb::Changes() const { return sqlite3_changes64(db_); }

Result<SqliteTransaction> SqliteTransaction::Begin(SqliteDb& db) {
  KUMO_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  return SqliteTransaction(&db);
}

SqliteTransaction::~SqliteTransaction() {
  if (db_ != nullptr) (void)db_->Exec("ROLLBACK");
}

Status SqliteTransaction::Commit() {
  SqliteDb* db = std::exchange(db_, nullptr);
  Status status = db->Exec("COMMIT");
  // A failed COMMIT leaves the transaction open; end it so the connection stays usable.
  if (!status.ok()) (void)db->Exec("ROLLBACK");
  return status;
}

}  // namespace kumo::store
