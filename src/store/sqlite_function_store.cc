#include "store/sqlite_function_store.h"

#include "store/environment_json.h"
#include "store/function_schema.h"

namespace kumo::store {
namespace {

// Column order shared by every SELECT and by ReadRow.
constexpr const char* kColumns =
    "name, runtime, handler, description, memory_mb, timeout_s, environment, code_sha256, "
    "code_hex, code_size, last_modified, revision_id";

// Binds config's fields as parameters 1..12 in kColumns order.
void BindConfig(SqliteStatement& stmt, const FunctionConfig& config) {
  stmt.BindText(1, config.name);
  stmt.BindText(2, config.runtime);
  stmt.BindText(3, config.handler);
  stmt.BindText(4, config.description);
  stmt.BindInt(5, config.memory_mb);
  stmt.BindInt(6, config.timeout_s);
  stmt.BindText(7, EncodeEnvironment(config.environment));
  stmt.BindText(8, config.code_sha256);
  stmt.BindText(9, config.code_hex);
  stmt.BindInt(10, config.code_size);
  stmt.BindText(11, config.last_modified);
  stmt.BindText(12, config.revision_id);
}

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
  KUMO_ASSIGN_OR_RETURN(Statements statements, PrepareAll(*db));
  return std::unique_ptr<SqliteFunctionStore>(
      new SqliteFunctionStore(std::move(db), std::move(statements)));
}

Result<SqliteFunctionStore::Statements> SqliteFunctionStore::PrepareAll(SqliteDb& db) {
  const std::string columns = kColumns;
  KUMO_ASSIGN_OR_RETURN(SqliteStatement insert,
                        db.Prepare("INSERT INTO functions(" + columns +
                                   ") VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12) "
                                   "ON CONFLICT(name) DO NOTHING"));
  KUMO_ASSIGN_OR_RETURN(SqliteStatement select,
                        db.Prepare("SELECT " + columns + " FROM functions WHERE name=?1"));
  KUMO_ASSIGN_OR_RETURN(
      SqliteStatement update,
      db.Prepare("UPDATE functions SET runtime=?2, handler=?3, description=?4, memory_mb=?5, "
                 "timeout_s=?6, environment=?7, code_sha256=?8, code_hex=?9, code_size=?10, "
                 "last_modified=?11, revision_id=?12 WHERE name=?1"));
  KUMO_ASSIGN_OR_RETURN(SqliteStatement remove, db.Prepare("DELETE FROM functions WHERE name=?1"));
  KUMO_ASSIGN_OR_RETURN(
      SqliteStatement list,
      db.Prepare("SELECT " + columns + " FROM functions WHERE name > ?1 ORDER BY name LIMIT ?2"));
  KUMO_ASSIGN_OR_RETURN(
      SqliteStatement bundles,
      db.Prepare("SELECT DISTINCT code_hex FROM functions WHERE code_hex != '' ORDER BY code_hex"));
  return Statements{std::move(insert), std::move(select), std::move(update),
                    std::move(remove), std::move(list),   std::move(bundles)};
}

Result<FunctionConfig> SqliteFunctionStore::ReadRow(const SqliteStatement& row) const {
  FunctionConfig config;
  config.name = row.ColumnText(0);
  config.runtime = row.ColumnText(1);
  config.handler = row.ColumnText(2);
  config.description = row.ColumnText(3);
  config.memory_mb = static_cast<int>(row.ColumnInt(4));
  config.timeout_s = static_cast<int>(row.ColumnInt(5));
  auto environment = DecodeEnvironment(row.ColumnText(6));
  if (!environment) {
    return MakeError(ErrorCode::kInternal, "stored environment of function " + config.name +
                                               " is not a JSON object of strings");
  }
  config.environment = std::move(*environment);
  config.code_sha256 = row.ColumnText(7);
  config.code_hex = row.ColumnText(8);
  config.code_size = row.ColumnInt(9);
  config.last_modified = row.ColumnText(10);
  config.revision_id = row.ColumnText(11);
  return config;
}

Status SqliteFunctionStore::Create(const FunctionConfig& config) {
  BindConfig(statements_.insert, config);
  KUMO_RETURN_IF_ERROR(statements_.insert.Run());
  if (db_->Changes() == 0) {
    return MakeError(ErrorCode::kConflict, "Function already exist: " + config.name);
  }
  return Ok();
}

Result<FunctionConfig> SqliteFunctionStore::Get(const std::string& name) {
  SqliteStatement& stmt = statements_.select;
  stmt.BindText(1, name);
  Result<bool> has_row = stmt.Step();
  if (!has_row.ok()) return has_row.error();
  if (!*has_row) {
    stmt.Reset();
    return NotFound(name);
  }
  Result<FunctionConfig> config = ReadRow(stmt);
  stmt.Reset();
  return config;
}

Status SqliteFunctionStore::Update(const FunctionConfig& config) {
  BindConfig(statements_.update, config);
  KUMO_RETURN_IF_ERROR(statements_.update.Run());
  if (db_->Changes() == 0) return NotFound(config.name);
  return Ok();
}

Status SqliteFunctionStore::Delete(const std::string& name) {
  statements_.remove.BindText(1, name);
  KUMO_RETURN_IF_ERROR(statements_.remove.Run());
  if (db_->Changes() == 0) return NotFound(name);
  return Ok();
}

Result<FunctionStore::Page> SqliteFunctionStore::List(const std::string& marker, int max_items) {
  if (max_items <= 0) {
    return MakeError(ErrorCode::kInvalidArgument, "max_items must be positive");
  }
  SqliteStatement& stmt = statements_.list;
  stmt.BindText(1, marker);
  // One row more than asked tells whether another page exists.
  stmt.BindInt(2, static_cast<int64_t>(max_items) + 1);
  Page page;
  bool more = false;
  while (true) {
    Result<bool> has_row = stmt.Step();
    if (!has_row.ok()) return has_row.error();
    if (!*has_row) break;
    if (page.functions.size() == static_cast<size_t>(max_items)) {
      more = true;
      break;
    }
    Result<FunctionConfig> config = ReadRow(stmt);
    if (!config.ok()) {
      stmt.Reset();
      return config.error();
    }
    page.functions.push_back(std::move(config).value());
  }
  stmt.Reset();
  if (more) page.next_marker = page.functions.back().name;
  return page;
}

Result<std::vector<std::string>> SqliteFunctionStore::ReferencedBundles() {
  SqliteStatement& stmt = statements_.bundles;
  std::vector<std::string> hexes;
  while (true) {
    Result<bool> has_row = stmt.Step();
    if (!has_row.ok()) return has_row.error();
    if (!*has_row) break;
    hexes.push_back(stmt.ColumnText(0));
  }
  stmt.Reset();
  return hexes;
}

}  // namespace kumo::store
