#include "store/function_schema.h"

#include <string>

namespace kumo::store {
namespace {

// Version 1: the functions table. The columns follow FunctionConfig; environment is JSON text.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE functions (
  name          TEXT PRIMARY KEY NOT NULL,
  runtime       TEXT NOT NULL,
  handler       TEXT NOT NULL,
  description   TEXT NOT NULL,
  memory_mb     INTEGER NOT NULL,
  timeout_s     INTEGER NOT NULL,
  environment   TEXT NOT NULL,
  code_sha256   TEXT NOT NULL,
  code_hex      TEXT NOT NULL,
  code_size     INTEGER NOT NULL,
  last_modified TEXT NOT NULL,
  revision_id   TEXT NOT NULL
);
CREATE INDEX functions_code_hex ON functions(code_hex);
)sql";

// Version 2: per-function concurrency and keep-alive, published versions, aliases and
// provisioned concurrency. last_version is the highest version number ever published, so a
// number is never reused after its version is deleted. Versions copy $LATEST's columns.
constexpr const char* kSchemaV2 = R"sql(
ALTER TABLE functions ADD COLUMN reserved_concurrency INTEGER;
ALTER TABLE functions ADD COLUMN keep_alive_s INTEGER NOT NULL DEFAULT 0;
ALTER TABLE functions ADD COLUMN last_version INTEGER NOT NULL DEFAULT 0;
CREATE TABLE versions (
  function_name TEXT NOT NULL,
  version       INTEGER NOT NULL,
  runtime       TEXT NOT NULL,
  handler       TEXT NOT NULL,
  description   TEXT NOT NULL,
  memory_mb     INTEGER NOT NULL,
  timeout_s     INTEGER NOT NULL,
  environment   TEXT NOT NULL,
  code_sha256   TEXT NOT NULL,
  code_hex      TEXT NOT NULL,
  code_size     INTEGER NOT NULL,
  last_modified TEXT NOT NULL,
  revision_id   TEXT NOT NULL,
  PRIMARY KEY (function_name, version)
);
CREATE INDEX versions_code_hex ON versions(code_hex);
CREATE TABLE aliases (
  function_name    TEXT NOT NULL,
  name             TEXT NOT NULL,
  function_version TEXT NOT NULL,
  description      TEXT NOT NULL,
  routing          TEXT NOT NULL,
  revision_id      TEXT NOT NULL,
  PRIMARY KEY (function_name, name)
);
CREATE TABLE provisioned (
  function_name TEXT NOT NULL,
  qualifier     TEXT NOT NULL,
  requested     INTEGER NOT NULL,
  last_modified TEXT NOT NULL,
  PRIMARY KEY (function_name, qualifier)
);
)sql";

Result<std::string> QueryOneText(SqliteDb& db, const std::string& sql) {
  KUMO_ASSIGN_OR_RETURN(SqliteStatement stmt, db.Prepare(sql));
  KUMO_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return std::string();
  return stmt.ColumnText(0);
}

Result<int> ReadVersion(SqliteDb& db) {
  KUMO_RETURN_IF_ERROR(
      db.Exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY NOT NULL, value TEXT)"));
  KUMO_ASSIGN_OR_RETURN(std::string text,
                        QueryOneText(db, "SELECT value FROM meta WHERE key='schema_version'"));
  if (text.empty()) return 0;
  try {
    return std::stoi(text);
  } catch (const std::exception&) {
    return MakeError(ErrorCode::kInternal, "bad schema_version in meta table: " + text);
  }
}

Status Migrate(SqliteDb& db, int from_version, int to_version) {
  // One transaction, so a crash mid-migration leaves the old version intact.
  KUMO_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  Status status = Ok();
  if (from_version < 1) status = db.Exec(kSchemaV1);
  if (status.ok() && from_version < 2 && to_version >= 2) status = db.Exec(kSchemaV2);
  if (status.ok()) {
    status = db.Exec("INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', '" +
                     std::to_string(to_version) + "')");
  }
  if (!status.ok()) {
    (void)db.Exec("ROLLBACK");
    return status;
  }
  return db.Exec("COMMIT");
}

}  // namespace

Status PrepareFunctionSchema(SqliteDb& db, int target_version) {
  KUMO_ASSIGN_OR_RETURN(std::string mode, QueryOneText(db, "PRAGMA journal_mode=WAL"));
  if (mode != "wal") {
    return MakeError(ErrorCode::kInternal, "cannot switch database to WAL mode (got " + mode + ")");
  }
  KUMO_RETURN_IF_ERROR(db.Exec("PRAGMA synchronous=FULL"));
  KUMO_ASSIGN_OR_RETURN(int version, ReadVersion(db));
  if (version > target_version) {
    return MakeError(ErrorCode::kInternal, "database schema version " + std::to_string(version) +
                                               " is newer than this kumo understands (" +
                                               std::to_string(target_version) + ")");
  }
  if (version < target_version) return Migrate(db, version, target_version);
  return Ok();
}

}  // namespace kumo::store
