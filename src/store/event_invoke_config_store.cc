#include "store/event_invoke_config_store.h"

#include "store/sqlite_db.h"

namespace kumo::store {
namespace {

constexpr const char* kColumns =
    "function_name, qualifier, max_retry, max_age_s, on_success, on_failure, modified_ms";

EventInvokeConfig ReadRow(const SqliteStatement& q) {
  EventInvokeConfig c;
  c.function_name = q.ColumnText(0);
  c.qualifier = q.ColumnText(1);
  c.maximum_retry_attempts = static_cast<int>(q.ColumnInt(2));
  c.maximum_event_age_s = static_cast<int>(q.ColumnInt(3));
  c.on_success = q.ColumnText(4);
  c.on_failure = q.ColumnText(5);
  c.last_modified_ms = q.ColumnInt(6);
  return c;
}

}  // namespace

EventInvokeConfigStore::EventInvokeConfigStore(std::unique_ptr<SqliteDb> db) : db_(std::move(db)) {}
EventInvokeConfigStore::~EventInvokeConfigStore() = default;

Result<std::unique_ptr<EventInvokeConfigStore>> EventInvokeConfigStore::Open(
    const std::string& path) {
  KUMO_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, SqliteDb::Open(path));
  KUMO_RETURN_IF_ERROR(db->Exec(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;"
      "CREATE TABLE IF NOT EXISTS event_invoke_configs (function_name TEXT NOT NULL, "
      "qualifier TEXT NOT NULL, max_retry INTEGER NOT NULL, max_age_s INTEGER NOT NULL, "
      "on_success TEXT NOT NULL, on_failure TEXT NOT NULL, modified_ms INTEGER NOT NULL, "
      "PRIMARY KEY (function_name, qualifier));"));
  return std::unique_ptr<EventInvokeConfigStore>(new EventInvokeConfigStore(std::move(db)));
}

Status EventInvokeConfigStore::Put(const EventInvokeConfig& c) {
  KUMO_ASSIGN_OR_RETURN(
      StatementLease q,
      db_->Cached(std::string("INSERT OR REPLACE INTO event_invoke_configs (") + kColumns +
                  ") VALUES (?, ?, ?, ?, ?, ?, ?)"));
  q->BindText(1, c.function_name);
  q->BindText(2, c.qualifier);
  q->BindInt(3, c.maximum_retry_attempts);
  q->BindInt(4, c.maximum_event_age_s);
  q->BindText(5, c.on_success);
  q->BindText(6, c.on_failure);
  q->BindInt(7, c.last_modified_ms);
  return q->Run();
}

Result<std::optional<EventInvokeConfig>> EventInvokeConfigStore::Get(
    const std::string& function_name, const std::string& qualifier) {
  KUMO_ASSIGN_OR_RETURN(
      StatementLease q,
      db_->Cached(std::string("SELECT ") + kColumns +
                  " FROM event_invoke_configs WHERE function_name=? AND qualifier=?"));
  q->BindText(1, function_name);
  q->BindText(2, qualifier);
  KUMO_ASSIGN_OR_RETURN(bool row, q->Step());
  if (!row) return std::optional<EventInvokeConfig>();
  return std::optional<EventInvokeConfig>(ReadRow(*q));
}

Result<std::vector<EventInvokeConfig>> EventInvokeConfigStore::List(
    const std::string& function_name) {
  KUMO_ASSIGN_OR_RETURN(
      StatementLease q,
      db_->Cached(std::string("SELECT ") + kColumns +
                  " FROM event_invoke_configs WHERE function_name=? ORDER BY qualifier"));
  q->BindText(1, function_name);
  std::vector<EventInvokeConfig> out;
  while (true) {
    KUMO_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    out.push_back(ReadRow(*q));
  }
  return out;
}

Status EventInvokeConfigStore::Delete(const std::string& function_name,
                                      const std::string& qualifier) {
  KUMO_ASSIGN_OR_RETURN(
      StatementLease q,
      db_->Cached("DELETE FROM event_invoke_configs WHERE function_name=? AND qualifier=?"));
  q->BindText(1, function_name);
  q->BindText(2, qualifier);
  KUMO_RETURN_IF_ERROR(q->Run());
  if (db_->Changes() == 0) {
    return MakeError(ErrorCode::kNotFound, "no EventInvokeConfig for " + function_name + ":" +
                                               qualifier);
  }
  return Ok();
}

Status EventInvokeConfigStore::DeleteAllOf(const std::string& function_name) {
  KUMO_ASSIGN_OR_RETURN(StatementLease q,
                        db_->Cached("DELETE FROM event_invoke_configs WHERE function_name=?"));
  q->BindText(1, function_name);
  return q->Run();
}

}  // namespace kumo::store
