#include "store/esm_store.h"

#include "store/sqlite_db.h"

namespace kumo::store {
namespace {

constexpr const char* kColumns =
    "uuid, event_source_arn, function_name, qualifier, batch_size, max_batching_window_s, "
    "report_batch_item_failures, enabled, max_concurrency, last_modified_ms";

EventSourceMapping ReadRow(const SqliteStatement& q) {
  EventSourceMapping m;
  m.uuid = q.ColumnText(0);
  m.event_source_arn = q.ColumnText(1);
  m.function_name = q.ColumnText(2);
  m.qualifier = q.ColumnText(3);
  m.batch_size = static_cast<int>(q.ColumnInt(4));
  m.max_batching_window_s = static_cast<int>(q.ColumnInt(5));
  m.report_batch_item_failures = q.ColumnInt(6) != 0;
  m.enabled = q.ColumnInt(7) != 0;
  m.max_concurrency = static_cast<int>(q.ColumnInt(8));
  m.last_modified_ms = q.ColumnInt(9);
  return m;
}

// Binds every column but the UUID, from parameter 1 on, in kColumns' order.
void BindSettings(SqliteStatement& q, const EventSourceMapping& m) {
  q.BindText(1, m.event_source_arn);
  q.BindText(2, m.function_name);
  q.BindText(3, m.qualifier);
  q.BindInt(4, m.batch_size);
  q.BindInt(5, m.max_batching_window_s);
  q.BindInt(6, m.report_batch_item_failures ? 1 : 0);
  q.BindInt(7, m.enabled ? 1 : 0);
  q.BindInt(8, m.max_concurrency);
  q.BindInt(9, m.last_modified_ms);
}

Error Duplicate(const EventSourceMapping& m, const std::string& other) {
  std::string function = m.function_name + (m.qualifier.empty() ? "" : ":" + m.qualifier);
  return MakeError(ErrorCode::kConflict,
                   "The event source arn (\" " + m.event_source_arn + " \") and function (\" " +
                       function +
                       " \") provided mapping already exists. Please update or "
                       "delete the existing mapping with UUID " +
                       other);
}

}  // namespace

EsmStore::EsmStore(std::unique_ptr<SqliteDb> db) : db_(std::move(db)) {}
EsmStore::~EsmStore() = default;

Result<std::unique_ptr<EsmStore>> EsmStore::Open(const std::string& path) {
  KUMO_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, SqliteDb::Open(path));
  KUMO_RETURN_IF_ERROR(db->Exec(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;"
      "CREATE TABLE IF NOT EXISTS event_source_mappings (uuid TEXT PRIMARY KEY, "
      "event_source_arn TEXT NOT NULL, function_name TEXT NOT NULL, qualifier TEXT NOT NULL, "
      "batch_size INTEGER NOT NULL, max_batching_window_s INTEGER NOT NULL, "
      "report_batch_item_failures INTEGER NOT NULL, enabled INTEGER NOT NULL, "
      "max_concurrency INTEGER NOT NULL, last_modified_ms INTEGER NOT NULL);"
      "CREATE INDEX IF NOT EXISTS event_source_mappings_fn ON "
      "event_source_mappings(function_name);"));
  return std::unique_ptr<EsmStore>(new EsmStore(std::move(db)));
}

Result<std::optional<std::string>> EsmStore::FindDuplicate(const EventSourceMapping& m) {
  KUMO_ASSIGN_OR_RETURN(
      StatementLease q,
      db_->Cached("SELECT uuid FROM event_source_mappings WHERE event_source_arn=? AND "
                  "function_name=? AND qualifier=? AND uuid<>?"));
  q->BindText(1, m.event_source_arn);
  q->BindText(2, m.function_name);
  q->BindText(3, m.qualifier);
  q->BindText(4, m.uuid);
  KUMO_ASSIGN_OR_RETURN(bool row, q->Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(q->ColumnText(0));
}

Status EsmStore::Create(const EventSourceMapping& mapping) {
  KUMO_ASSIGN_OR_RETURN(SqliteTransaction tx, SqliteTransaction::Begin(*db_));
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> other, FindDuplicate(mapping));
  if (other) return Duplicate(mapping, *other);
  {
    KUMO_ASSIGN_OR_RETURN(
        StatementLease ins,
        db_->Cached(std::string("INSERT INTO event_source_mappings (") + kColumns +
                    ") VALUES (?10, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
    BindSettings(*ins, mapping);
    ins->BindText(10, mapping.uuid);
    auto ran = ins->Run();
    if (!ran.ok()) {
      return MakeError(ErrorCode::kConflict, "Event source mapping " + mapping.uuid + " exists");
    }
  }
  return tx.Commit();
}

Result<EventSourceMapping> EsmStore::Get(const std::string& uuid) {
  KUMO_ASSIGN_OR_RETURN(StatementLease q, db_->Cached(std::string("SELECT ") + kColumns +
                                                      " FROM event_source_mappings WHERE uuid=?"));
  q->BindText(1, uuid);
  KUMO_ASSIGN_OR_RETURN(bool row, q->Step());
  if (!row) {
    return MakeError(
        ErrorCode::kNotFound,
        "The resource you requested does not exist. (Event source mapping " + uuid + ")");
  }
  return ReadRow(*q);
}

Status EsmStore::Update(const EventSourceMapping& mapping) {
  KUMO_ASSIGN_OR_RETURN(SqliteTransaction tx, SqliteTransaction::Begin(*db_));
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> other, FindDuplicate(mapping));
  if (other) return Duplicate(mapping, *other);
  {
    KUMO_ASSIGN_OR_RETURN(
        StatementLease q,
        db_->Cached("UPDATE event_source_mappings SET event_source_arn=?1, function_name=?2, "
                    "qualifier=?3, batch_size=?4, max_batching_window_s=?5, "
                    "report_batch_item_failures=?6, enabled=?7, max_concurrency=?8, "
                    "last_modified_ms=?9 WHERE uuid=?10"));
    BindSettings(*q, mapping);
    q->BindText(10, mapping.uuid);
    KUMO_RETURN_IF_ERROR(q->Run());
  }
  if (db_->Changes() == 0) {
    return MakeError(
        ErrorCode::kNotFound,
        "The resource you requested does not exist. (Event source mapping " + mapping.uuid + ")");
  }
  return tx.Commit();
}

Status EsmStore::Delete(const std::string& uuid) {
  KUMO_ASSIGN_OR_RETURN(StatementLease q,
                        db_->Cached("DELETE FROM event_source_mappings WHERE uuid=?"));
  q->BindText(1, uuid);
  KUMO_RETURN_IF_ERROR(q->Run());
  if (db_->Changes() == 0) {
    return MakeError(
        ErrorCode::kNotFound,
        "The resource you requested does not exist. (Event source mapping " + uuid + ")");
  }
  return Ok();
}

Result<std::vector<EventSourceMapping>> EsmStore::List(const std::string& event_source_arn,
                                                       const std::string& function_name,
                                                       const std::optional<std::string>& qualifier,
                                                       const std::string& after_uuid, int limit) {
  // Empty filters match everything, so one statement serves every combination.
  KUMO_ASSIGN_OR_RETURN(
      StatementLease q,
      db_->Cached(std::string("SELECT ") + kColumns +
                  " FROM event_source_mappings WHERE (?1 = '' OR event_source_arn = ?1) AND "
                  "(?2 = '' OR function_name = ?2) AND (?3 IS NULL OR qualifier = ?3) AND "
                  "uuid > ?4 ORDER BY uuid LIMIT ?5"));
  q->BindText(1, event_source_arn);
  q->BindText(2, function_name);
  if (qualifier && !function_name.empty()) {
    q->BindText(3, *qualifier);
  } else {
    q->BindNull(3);
  }
  q->BindText(4, after_uuid);
  q->BindInt(5, limit);
  std::vector<EventSourceMapping> out;
  while (true) {
    KUMO_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    out.push_back(ReadRow(*q));
  }
  return out;
}

}  // namespace kumo::store
