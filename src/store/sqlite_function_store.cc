// SqliteFunctionStore: opening, and the functions ($LATEST) themselves.
#include "store/sqlite_function_store.h"

#include "store/function_schema.h"
#include "store/sqlite_rows.h"

namespace kumo::store {
namespace {

Error NotFound(const std::string& name) {
  return MakeError(ErrorCode::kNotFound, "function " + name + " not found");
}

}  // namespace

Result<std::unique_ptr<FunctionStore>> FunctionStore::Open(const std::string& path) {
  KUMO_ASSIGN_OR_RETURN(auto store, SqliteFunctionStore::Open(path));
  return std::unique_ptr<FunctionStore>(std::move(store));
}

Result<std::unique_ptr<SqliteFunctionStore>> SqliteFunctionStore::Open(const std::string& path) {
  KUMO_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, SqliteDb::Open(path));
  Status schema = PrepareFunctionSchema(*db, kSchemaVersion);
  if (!schema.ok()) {
    return MakeError(schema.error().code, path + ": " + schema.error().message);
  }
  return std::unique_ptr<SqliteFunctionStore>(new SqliteFunctionStore(std::move(db)));
}

Status SqliteFunctionStore::Create(const FunctionConfig& config) {
  KUMO_ASSIGN_OR_RETURN(
      StatementLease stmt,
      db_->Cached(std::string("INSERT INTO functions(") + kFunctionColumns +
                  ") VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14) "
                  "ON CONFLICT(name) DO NOTHING"));
  BindFunctionRow(*stmt, config);
  KUMO_RETURN_IF_ERROR(stmt->Run());
  if (db_->Changes() == 0) {
    return MakeError(ErrorCode::kConflict, "Function already exist: " + config.name);
  }
  return Ok();
}

Result<FunctionConfig> SqliteFunctionStore::Get(const std::string& name) {
  KUMO_ASSIGN_OR_RETURN(
      StatementLease stmt,
      db_->Cached(std::string("SELECT ") + kFunctionColumns + " FROM functions WHERE name=?1"));
  stmt->BindText(1, name);
  KUMO_ASSIGN_OR_RETURN(bool has_row, stmt->Step());
  if (!has_row) return NotFound(name);
  return ReadConfigRow(*stmt);
}

Status SqliteFunctionStore::Update(const FunctionConfig& config) {
  KUMO_ASSIGN_OR_RETURN(
      StatementLease stmt,
      db_->Cached("UPDATE functions SET runtime=?2, handler=?3, description=?4, memory_mb=?5, "
                  "timeout_s=?6, environment=?7, code_sha256=?8, code_hex=?9, code_size=?10, "
                  "last_modified=?11, revision_id=?12, reserved_concurrency=?13, "
                  "keep_alive_s=?14 WHERE name=?1"));
  BindFunctionRow(*stmt, config);
  KUMO_RETURN_IF_ERROR(stmt->Run());
  if (db_->Changes() == 0) return NotFound(config.name);
  return Ok();
}

Status SqliteFunctionStore::Delete(const std::string& name) {
  KUMO_ASSIGN_OR_RETURN(SqliteTransaction tx, SqliteTransaction::Begin(*db_));
  for (const char* table : {"versions", "aliases", "provisioned"}) {
    KUMO_ASSIGN_OR_RETURN(
        StatementLease stmt,
        db_->Cached(std::string("DELETE FROM ") + table + " WHERE function_name=?1"));
    stmt->BindText(1, name);
    KUMO_RETURN_IF_ERROR(stmt->Run());
  }
  KUMO_ASSIGN_OR_RETURN(StatementLease stmt, db_->Cached("DELETE FROM functions WHERE name=?1"));
  stmt->BindText(1, name);
  KUMO_RETURN_IF_ERROR(stmt->Run());
  // Nothing else changed either when the function is absent; the rollback is harmless.
  if (db_->Changes() == 0) return NotFound(name);
  return tx.Commit();
}

Result<FunctionStore::Page> SqliteFunctionStore::List(const std::string& marker, int max_items) {
  if (max_items <= 0) {
    return MakeError(ErrorCode::kInvalidArgument, "max_items must be positive");
  }
  KUMO_ASSIGN_OR_RETURN(StatementLease stmt,
                        db_->Cached(std::string("SELECT ") + kFunctionColumns +
                                    " FROM functions WHERE name > ?1 ORDER BY name LIMIT ?2"));
  stmt->BindText(1, marker);
  // One row more than asked tells whether another page exists.
  stmt->BindInt(2, static_cast<int64_t>(max_items) + 1);
  Page page;
  bool more = false;
  KUMO_RETURN_IF_ERROR(ForEachRow(stmt, [&](const SqliteStatement& row) -> Status {
    if (page.functions.size() == static_cast<size_t>(max_items)) {
      more = true;
      return Ok();
    }
    KUMO_ASSIGN_OR_RETURN(FunctionConfig config, ReadConfigRow(row));
    page.functions.push_back(std::move(config));
    return Ok();
  }));
  if (more) page.next_marker = page.functions.back().name;
  return page;
}

Result<std::vector<std::string>> SqliteFunctionStore::ReferencedBundles() {
  KUMO_ASSIGN_OR_RETURN(
      StatementLease stmt,
      db_->Cached("SELECT code_hex FROM functions WHERE code_hex != '' UNION "
                  "SELECT code_hex FROM versions WHERE code_hex != '' ORDER BY 1"));
  std::vector<std::string> hexes;
  KUMO_RETURN_IF_ERROR(ForEachRow(stmt, [&](const SqliteStatement& row) -> Status {
    hexes.push_back(row.ColumnText(0));
    return Ok();
  }));
  return hexes;
}

}  // namespace kumo::store
