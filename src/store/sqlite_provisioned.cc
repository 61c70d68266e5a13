// SqliteFunctionStore: provisioned concurrency settings.
#include "store/alias_rules.h"
#include "store/sqlite_function_store.h"
#include "store/sqlite_rows.h"

namespace kumo::store {
namespace {

constexpr const char* kProvisionedSelect =
    "SELECT function_name, qualifier, requested, last_modified FROM provisioned ";

Error ProvisionedNotFound(const std::string& function_name, const std::string& qualifier) {
  return MakeError(ErrorCode::kNotFound, "No Provisioned Concurrency Config found for this "
                                         "function: " + function_name + ":" + qualifier);
}

}  // namespace

Result<std::vector<ProvisionedConfig>> SqliteFunctionStore::ReadProvisioned(
    StatementLease& stmt) {
  std::vector<ProvisionedConfig> configs;
  KUMO_RETURN_IF_ERROR(ForEachRow(stmt, [&](const SqliteStatement& row) -> Status {
    ProvisionedConfig config;
    config.function_name = row.ColumnText(0);
    config.qualifier = row.ColumnText(1);
    config.requested = static_cast<int>(row.ColumnInt(2));
    config.last_modified = row.ColumnText(3);
    configs.push_back(std::move(config));
    return Ok();
  }));
  return configs;
}

Status SqliteFunctionStore::PutProvisioned(const ProvisionedConfig& config) {
  KUMO_RETURN_IF_ERROR(Get(config.function_name));
  if (config.qualifier == "$LATEST") {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Provisioned Concurrency Configs cannot be applied to unpublished function "
                     "versions.");
  }
  if (config.requested < 1) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "ProvisionedConcurrentExecutions must be at least 1");
  }
  if (IsVersionNumber(config.qualifier)) {
    KUMO_RETURN_IF_ERROR(RequireVersion(config.function_name, config.qualifier));
  } else {
    KUMO_RETURN_IF_ERROR(GetAlias(config.function_name, config.qualifier));
  }
  KUMO_ASSIGN_OR_RETURN(
      StatementLease stmt,
      db_->Cached("INSERT INTO provisioned(function_name, qualifier, requested, last_modified) "
                  "VALUES(?1,?2,?3,?4) ON CONFLICT(function_name, qualifier) DO UPDATE SET "
                  "requested=excluded.requested, last_modified=excluded.last_modified"));
  stmt->BindText(1, config.function_name);
  stmt->BindText(2, config.qualifier);
  stmt->BindInt(3, config.requested);
  stmt->BindText(4, config.last_modified);
  return stmt->Run();
}

Result<ProvisionedConfig> SqliteFunctionStore::GetProvisioned(const std::string& function_name,
                                                              const std::string& qualifier) {
  KUMO_ASSIGN_OR_RETURN(StatementLease stmt,
                        db_->Cached(std::string(kProvisionedSelect) +
                                    "WHERE function_name=?1 AND qualifier=?2"));
  stmt->BindText(1, function_name);
  stmt->BindText(2, qualifier);
  KUMO_ASSIGN_OR_RETURN(std::vector<ProvisionedConfig> found, ReadProvisioned(stmt));
  if (found.empty()) return ProvisionedNotFound(function_name, qualifier);
  return std::move(found.front());
}

Status SqliteFunctionStore::DeleteProvisioned(const std::string& function_name,
                                              const std::string& qualifier) {
  KUMO_ASSIGN_OR_RETURN(
      StatementLease stmt,
      db_->Cached("DELETE FROM provisioned WHERE function_name=?1 AND qualifier=?2"));
  stmt->BindText(1, function_name);
  stmt->BindText(2, qualifier);
  KUMO_RETURN_IF_ERROR(stmt->Run());
  if (db_->Changes() == 0) return ProvisionedNotFound(function_name, qualifier);
  return Ok();
}

Result<std::vector<ProvisionedConfig>> SqliteFunctionStore::ListProvisioned(
    const std::string& function_name) {
  KUMO_RETURN_IF_ERROR(Get(function_name));
  KUMO_ASSIGN_OR_RETURN(StatementLease stmt,
                        db_->Cached(std::string(kProvisionedSelect) +
                                    "WHERE function_name=?1 ORDER BY qualifier"));
  stmt->BindText(1, function_name);
  return ReadProvisioned(stmt);
}

Result<std::vector<ProvisionedConfig>> SqliteFunctionStore::ListAllProvisioned() {
  KUMO_ASSIGN_OR_RETURN(StatementLease stmt,
                        db_->Cached(std::string(kProvisionedSelect) +
                                    "ORDER BY function_name, qualifier"));
  return ReadProvisioned(stmt);
}

}  // namespace kumo::store
