#include "store/sqlite_rows.h"

#include "store/environment_json.h"

namespace kumo::store {

const char* const kFunctionColumns =
    "name, runtime, handler, description, memory_mb, timeout_s, environment, code_sha256, "
    "code_hex, code_size, last_modified, revision_id, reserved_concurrency, keep_alive_s";

const char* const kVersionColumns =
    "v.function_name, v.runtime, v.handler, v.description, v.memory_mb, v.timeout_s, "
    "v.environment, v.code_sha256, v.code_hex, v.code_size, v.last_modified, v.revision_id, "
    "f.reserved_concurrency, f.keep_alive_s, v.version";

const char* const kVersionFrom = " FROM versions v JOIN functions f ON f.name = v.function_name ";

void BindFunctionRow(SqliteStatement& stmt, const FunctionConfig& config) {
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
  if (config.reserved_concurrency) {
    stmt.BindInt(13, *config.reserved_concurrency);
  } else {
    stmt.BindNull(13);
  }
  stmt.BindInt(14, config.keep_alive_s);
}

Result<FunctionConfig> ReadConfigRow(const SqliteStatement& row) {
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
  if (!row.ColumnIsNull(12)) config.reserved_concurrency = static_cast<int>(row.ColumnInt(12));
  config.keep_alive_s = static_cast<int>(row.ColumnInt(13));
  return config;
}

}  // namespace kumo::store
