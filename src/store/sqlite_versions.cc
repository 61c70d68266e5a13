// SqliteFunctionStore: published versions.
#include <chrono>

#include "common/encoding.h"
#include "common/time_format.h"
#include "store/alias_rules.h"
#include "store/sqlite_function_store.h"
#include "store/sqlite_rows.h"

namespace kumo::store {
namespace {

Error VersionNotFound(const std::string& name, int64_t version) {
  return MakeError(ErrorCode::kNotFound,
                   "version " + std::to_string(version) + " of function " + name + " not found");
}

// What a version freezes, besides its description (which PublishVersion may override): equal
// means publishing again would create nothing new.
bool SameCodeAndConfiguration(const FunctionConfig& a, const FunctionConfig& b) {
  return a.code_sha256 == b.code_sha256 && a.code_hex == b.code_hex && a.runtime == b.runtime &&
         a.handler == b.handler && a.memory_mb == b.memory_mb && a.timeout_s == b.timeout_s &&
         a.environment == b.environment;
}

Result<FunctionConfig> ReadVersionRow(const SqliteStatement& row) {
  KUMO_ASSIGN_OR_RETURN(FunctionConfig config, ReadConfigRow(row));
  config.version = std::to_string(row.ColumnInt(14));
  return config;
}

}  // namespace

Result<std::optional<FunctionConfig>> SqliteFunctionStore::FindVersion(const std::string& name,
                                                                       int64_t version) {
  KUMO_ASSIGN_OR_RETURN(StatementLease stmt,
                        db_->Cached(std::string("SELECT ") + kVersionColumns + kVersionFrom +
                                    "WHERE v.function_name=?1 AND v.version=?2"));
  stmt->BindText(1, name);
  stmt->BindInt(2, version);
  KUMO_ASSIGN_OR_RETURN(bool has_row, stmt->Step());
  if (!has_row) return std::optional<FunctionConfig>();
  KUMO_ASSIGN_OR_RETURN(FunctionConfig config, ReadVersionRow(*stmt));
  return std::optional<FunctionConfig>(std::move(config));
}

Result<FunctionStore::Published> SqliteFunctionStore::PublishVersion(
    const std::string& name, const std::optional<std::string>& description) {
  // IMMEDIATE: the number read below stays ours until the commit.
  KUMO_ASSIGN_OR_RETURN(SqliteTransaction tx, SqliteTransaction::Begin(*db_));
  KUMO_ASSIGN_OR_RETURN(FunctionConfig latest, Get(name));
  int64_t newest_number = 0;
  {
    KUMO_ASSIGN_OR_RETURN(StatementLease newest,
                          db_->Cached(std::string("SELECT ") + kVersionColumns + kVersionFrom +
                                      "WHERE v.function_name=?1 ORDER BY v.version DESC LIMIT 1"));
    newest->BindText(1, name);
    KUMO_ASSIGN_OR_RETURN(bool has_newest, newest->Step());
    if (has_newest) {
      KUMO_ASSIGN_OR_RETURN(FunctionConfig existing, ReadVersionRow(*newest));
      if (SameCodeAndConfiguration(existing, latest)) return Published{std::move(existing), false};
    }
  }
  {
    KUMO_ASSIGN_OR_RETURN(StatementLease last,
                          db_->Cached("SELECT last_version FROM functions WHERE name=?1"));
    last->BindText(1, name);
    KUMO_ASSIGN_OR_RETURN(bool has_row, last->Step());
    if (has_row) newest_number = last->ColumnInt(0);
  }
  FunctionConfig published = latest;
  published.version = std::to_string(newest_number + 1);
  if (description) published.description = *description;
  published.last_modified = Iso8601Millis(std::chrono::system_clock::now());
  published.revision_id = NewUuid();
  {
    KUMO_ASSIGN_OR_RETURN(
        StatementLease insert,
        db_->Cached("INSERT INTO versions(function_name, runtime, handler, description, "
                    "memory_mb, timeout_s, environment, code_sha256, code_hex, code_size, "
                    "last_modified, revision_id, version) "
                    "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?15)"));
    BindFunctionRow(*insert, published);
    insert->BindInt(15, newest_number + 1);
    KUMO_RETURN_IF_ERROR(insert->Run());
  }
  {
    KUMO_ASSIGN_OR_RETURN(StatementLease bump,
                          db_->Cached("UPDATE functions SET last_version=?2 WHERE name=?1"));
    bump->BindText(1, name);
    bump->BindInt(2, newest_number + 1);
    KUMO_RETURN_IF_ERROR(bump->Run());
  }
  KUMO_RETURN_IF_ERROR(tx.Commit());
  return Published{std::move(published), true};
}

Result<FunctionConfig> SqliteFunctionStore::GetVersion(const std::string& name,
                                                       int64_t version) {
  KUMO_ASSIGN_OR_RETURN(std::optional<FunctionConfig> found, FindVersion(name, version));
  if (!found) return VersionNotFound(name, version);
  return std::move(*found);
}

Result<FunctionStore::VersionPage> SqliteFunctionStore::ListVersions(const std::string& name,
                                                                     const std::string& marker,
                                                                     int max_items) {
  if (max_items <= 0) {
    return MakeError(ErrorCode::kInvalidArgument, "max_items must be positive");
  }
  int64_t after = 0;
  if (!marker.empty() && marker != "$LATEST") {
    if (!IsVersionNumber(marker)) {
      return MakeError(ErrorCode::kInvalidArgument, "Invalid Marker: " + marker);
    }
    after = std::stoll(marker);
  }
  KUMO_ASSIGN_OR_RETURN(FunctionConfig latest, Get(name));
  std::vector<FunctionConfig> items;
  if (marker.empty()) items.push_back(std::move(latest));
  KUMO_ASSIGN_OR_RETURN(StatementLease stmt,
                        db_->Cached(std::string("SELECT ") + kVersionColumns + kVersionFrom +
                                    "WHERE v.function_name=?1 AND v.version > ?2 "
                                    "ORDER BY v.version LIMIT ?3"));
  stmt->BindText(1, name);
  stmt->BindInt(2, after);
  stmt->BindInt(3, static_cast<int64_t>(max_items) + 1);
  KUMO_RETURN_IF_ERROR(ForEachRow(stmt, [&](const SqliteStatement& row) -> Status {
    KUMO_ASSIGN_OR_RETURN(FunctionConfig version, ReadVersionRow(row));
    items.push_back(std::move(version));
    return Ok();
  }));
  VersionPage page;
  if (items.size() > static_cast<size_t>(max_items)) {
    items.resize(static_cast<size_t>(max_items));
    page.next_marker = items.back().version;
  }
  page.versions = std::move(items);
  return page;
}

Status SqliteFunctionStore::DeleteVersion(const std::string& name, int64_t version) {
  KUMO_ASSIGN_OR_RETURN(SqliteTransaction tx, SqliteTransaction::Begin(*db_));
  KUMO_ASSIGN_OR_RETURN(std::optional<FunctionConfig> found, FindVersion(name, version));
  if (!found) return VersionNotFound(name, version);
  const std::string text = std::to_string(version);
  KUMO_ASSIGN_OR_RETURN(std::vector<std::string> aliases, AliasesUsing(name, text));
  if (!aliases.empty()) {
    std::string list;
    for (const std::string& alias : aliases) list += (list.empty() ? "" : ", ") + alias;
    return MakeError(ErrorCode::kConflict,
                     "Unable to delete version because the following aliases reference it: [" +
                         list + "]");
  }
  {
    KUMO_ASSIGN_OR_RETURN(
        StatementLease stmt,
        db_->Cached("DELETE FROM provisioned WHERE function_name=?1 AND qualifier=?2"));
    stmt->BindText(1, name);
    stmt->BindText(2, text);
    KUMO_RETURN_IF_ERROR(stmt->Run());
  }
  KUMO_ASSIGN_OR_RETURN(StatementLease stmt,
                        db_->Cached("DELETE FROM versions WHERE function_name=?1 AND version=?2"));
  stmt->BindText(1, name);
  stmt->BindInt(2, version);
  KUMO_RETURN_IF_ERROR(stmt->Run());
  return tx.Commit();
}

Status SqliteFunctionStore::RequireVersion(const std::string& function_name,
                                           const std::string& version) {
  if (version == "$LATEST") {
    KUMO_RETURN_IF_ERROR(Get(function_name));
    return Ok();
  }
  std::optional<FunctionConfig> found;
  if (IsVersionNumber(version)) {
    KUMO_ASSIGN_OR_RETURN(found, FindVersion(function_name, std::stoll(version)));
  }
  if (!found) {
    return MakeError(ErrorCode::kNotFound,
                     "version " + version + " of function " + function_name + " not found");
  }
  return Ok();
}

}  // namespace kumo::store
