#include "store/schedule_store.h"

#include "store/sqlite_db.h"

namespace kumo::store {
namespace {

constexpr const char* kColumns =
    "name, expression, timezone, function_name, qualifier, role_arn, input, state, description, "
    "start_ms, end_ms, missed, flexible_mode, flexible_window_minutes, created_ms, modified_ms";

// Binds every column of kColumns in order, starting at parameter 1.
void BindAll(SqliteStatement& q, const ScheduleDefinition& s) {
  q.BindText(1, s.name);
  q.BindText(2, s.expression);
  q.BindText(3, s.timezone);
  q.BindText(4, s.function_name);
  q.BindText(5, s.qualifier);
  q.BindText(6, s.role_arn);
  q.BindText(7, s.input);
  q.BindText(8, s.state);
  q.BindText(9, s.description);
  q.BindInt(10, s.start_ms);
  q.BindInt(11, s.end_ms);
  q.BindText(12, s.missed);
  q.BindText(13, s.flexible_mode);
  q.BindInt(14, s.flexible_window_minutes);
  q.BindInt(15, s.created_ms);
  q.BindInt(16, s.modified_ms);
}

ScheduleDefinition ReadRow(const SqliteStatement& q) {
  ScheduleDefinition s;
  s.name = q.ColumnText(0);
  s.expression = q.ColumnText(1);
  s.timezone = q.ColumnText(2);
  s.function_name = q.ColumnText(3);
  s.qualifier = q.ColumnText(4);
  s.role_arn = q.ColumnText(5);
  s.input = q.ColumnText(6);
  s.state = q.ColumnText(7);
  s.description = q.ColumnText(8);
  s.start_ms = q.ColumnInt(9);
  s.end_ms = q.ColumnInt(10);
  s.missed = q.ColumnText(11);
  s.flexible_mode = q.ColumnText(12);
  s.flexible_window_minutes = static_cast<int>(q.ColumnInt(13));
  s.created_ms = q.ColumnInt(14);
  s.modified_ms = q.ColumnInt(15);
  return s;
}

}  // namespace

ScheduleStore::ScheduleStore(std::unique_ptr<SqliteDb> db) : db_(std::move(db)) {}
ScheduleStore::~ScheduleStore() = default;

Result<std::unique_ptr<ScheduleStore>> ScheduleStore::Open(const std::string& path) {
  KUMO_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, SqliteDb::Open(path));
  KUMO_RETURN_IF_ERROR(db->Exec(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;"
      "CREATE TABLE IF NOT EXISTS schedules (name TEXT PRIMARY KEY, expression TEXT NOT NULL, "
      "timezone TEXT NOT NULL, function_name TEXT NOT NULL, qualifier TEXT NOT NULL, "
      "role_arn TEXT NOT NULL, input TEXT NOT NULL, state TEXT NOT NULL, description TEXT NOT "
      "NULL, start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL, missed TEXT NOT NULL, "
      "flexible_mode TEXT NOT NULL, flexible_window_minutes INTEGER NOT NULL, created_ms INTEGER "
      "NOT NULL, modified_ms INTEGER NOT NULL);"));
  return std::unique_ptr<ScheduleStore>(new ScheduleStore(std::move(db)));
}

Status ScheduleStore::Create(const ScheduleDefinition& schedule) {
  KUMO_ASSIGN_OR_RETURN(StatementLease q,
                        db_->Cached(std::string("INSERT INTO schedules (") + kColumns +
                                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                    "ON CONFLICT(name) DO NOTHING"));
  BindAll(*q, schedule);
  KUMO_RETURN_IF_ERROR(q->Run());
  if (db_->Changes() == 0) {
    return MakeError(ErrorCode::kConflict, "Schedule " + schedule.name + " already exists.");
  }
  return Ok();
}

Status ScheduleStore::Update(const ScheduleDefinition& schedule) {
  KUMO_ASSIGN_OR_RETURN(
      StatementLease q,
      db_->Cached("UPDATE schedules SET expression=?2, timezone=?3, function_name=?4, "
                  "qualifier=?5, role_arn=?6, input=?7, state=?8, description=?9, start_ms=?10, "
                  "end_ms=?11, missed=?12, flexible_mode=?13, flexible_window_minutes=?14, "
                  "modified_ms=?16 WHERE name=?1"));  // ?15 (created_ms) is never changed
  BindAll(*q, schedule);
  KUMO_RETURN_IF_ERROR(q->Run());
  if (db_->Changes() == 0) {
    return MakeError(ErrorCode::kNotFound, "Schedule " + schedule.name + " does not exist.");
  }
  return Ok();
}

Result<ScheduleDefinition> ScheduleStore::Get(const std::string& name) {
  KUMO_ASSIGN_OR_RETURN(
      StatementLease q,
      db_->Cached(std::string("SELECT ") + kColumns + " FROM schedules WHERE name=?"));
  q->BindText(1, name);
  KUMO_ASSIGN_OR_RETURN(bool row, q->Step());
  if (!row) return MakeError(ErrorCode::kNotFound, "Schedule " + name + " does not exist.");
  return ReadRow(*q);
}

Status ScheduleStore::Delete(const std::string& name) {
  KUMO_ASSIGN_OR_RETURN(StatementLease q, db_->Cached("DELETE FROM schedules WHERE name=?"));
  q->BindText(1, name);
  KUMO_RETURN_IF_ERROR(q->Run());
  if (db_->Changes() == 0) {
    return MakeError(ErrorCode::kNotFound, "Schedule " + name + " does not exist.");
  }
  return Ok();
}

Result<std::vector<ScheduleDefinition>> ScheduleStore::List(const std::string& prefix) {
  KUMO_ASSIGN_OR_RETURN(
      StatementLease q,
      db_->Cached(std::string("SELECT ") + kColumns +
                  " FROM schedules WHERE substr(name, 1, ?1) = ?2 ORDER BY name"));
  q->BindInt(1, static_cast<int64_t>(prefix.size()));
  q->BindText(2, prefix);
  std::vector<ScheduleDefinition> out;
  while (true) {
    KUMO_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    out.push_back(ReadRow(*q));
  }
  return out;
}

}  // namespace kumo::store
