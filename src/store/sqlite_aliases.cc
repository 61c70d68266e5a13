// SqliteFunctionStore: aliases.
#include "common/encoding.h"
#include "store/alias_rules.h"
#include "store/routing_json.h"
#include "store/sqlite_function_store.h"
#include "store/sqlite_rows.h"

namespace kumo::store {
namespace {

constexpr const char* kAliasColumns =
    "function_name, name, function_version, description, routing, revision_id";

Error AliasNotFound(const std::string& function_name, const std::string& name) {
  return MakeError(ErrorCode::kNotFound,
                   "alias " + name + " of function " + function_name + " not found");
}

Result<AliasConfig> ReadAliasRow(const SqliteStatement& row) {
  AliasConfig alias;
  alias.function_name = row.ColumnText(0);
  alias.name = row.ColumnText(1);
  alias.function_version = row.ColumnText(2);
  alias.description = row.ColumnText(3);
  auto weights = DecodeRouting(row.ColumnText(4));
  if (!weights) {
    return MakeError(ErrorCode::kInternal, "stored routing of alias " + alias.name +
                                               " is not a JSON object of numbers");
  }
  alias.additional_weights = std::move(*weights);
  alias.revision_id = row.ColumnText(5);
  return alias;
}

bool RoutesTo(const AliasConfig& alias, const std::string& version) {
  return alias.function_version == version || alias.additional_weights.count(version) > 0;
}

}  // namespace

Status SqliteFunctionStore::CheckAliasTargets(const AliasConfig& alias) {
  KUMO_RETURN_IF_ERROR(ValidateAliasTargets(alias));
  KUMO_RETURN_IF_ERROR(RequireVersion(alias.function_name, alias.function_version));
  for (const auto& [version, weight] : alias.additional_weights) {
    KUMO_RETURN_IF_ERROR(RequireVersion(alias.function_name, version));
  }
  return Ok();
}

Result<std::vector<std::string>> SqliteFunctionStore::AliasesUsing(
    const std::string& function_name, const std::string& version) {
  KUMO_ASSIGN_OR_RETURN(StatementLease stmt,
                        db_->Cached(std::string("SELECT ") + kAliasColumns +
                                    " FROM aliases WHERE function_name=?1 ORDER BY name"));
  stmt->BindText(1, function_name);
  std::vector<std::string> names;
  KUMO_RETURN_IF_ERROR(ForEachRow(stmt, [&](const SqliteStatement& row) -> Status {
    KUMO_ASSIGN_OR_RETURN(AliasConfig alias, ReadAliasRow(row));
    if (RoutesTo(alias, version)) names.push_back(alias.name);
    return Ok();
  }));
  return names;
}

Result<AliasConfig> SqliteFunctionStore::CreateAlias(const AliasConfig& alias) {
  KUMO_RETURN_IF_ERROR(Get(alias.function_name));
  KUMO_RETURN_IF_ERROR(ValidateAliasName(alias.name));
  KUMO_RETURN_IF_ERROR(CheckAliasTargets(alias));
  AliasConfig stored = alias;
  stored.revision_id = NewUuid();
  KUMO_ASSIGN_OR_RETURN(StatementLease stmt,
                        db_->Cached(std::string("INSERT INTO aliases(") + kAliasColumns +
                                    ") VALUES(?1,?2,?3,?4,?5,?6) "
                                    "ON CONFLICT(function_name, name) DO NOTHING"));
  stmt->BindText(1, stored.function_name);
  stmt->BindText(2, stored.name);
  stmt->BindText(3, stored.function_version);
  stmt->BindText(4, stored.description);
  stmt->BindText(5, EncodeRouting(stored.additional_weights));
  stmt->BindText(6, stored.revision_id);
  KUMO_RETURN_IF_ERROR(stmt->Run());
  if (db_->Changes() == 0) {
    return MakeError(ErrorCode::kConflict, "Alias already exists: " + alias.name);
  }
  return stored;
}

Result<AliasConfig> SqliteFunctionStore::GetAlias(const std::string& function_name,
                                                  const std::string& name) {
  KUMO_ASSIGN_OR_RETURN(
      StatementLease stmt,
      db_->Cached(std::string("SELECT ") + kAliasColumns +
                  " FROM aliases WHERE function_name=?1 AND name=?2"));
  stmt->BindText(1, function_name);
  stmt->BindText(2, name);
  KUMO_ASSIGN_OR_RETURN(bool has_row, stmt->Step());
  if (!has_row) return AliasNotFound(function_name, name);
  return ReadAliasRow(*stmt);
}

Result<AliasConfig> SqliteFunctionStore::UpdateAlias(const AliasConfig& alias) {
  KUMO_RETURN_IF_ERROR(GetAlias(alias.function_name, alias.name));
  KUMO_RETURN_IF_ERROR(CheckAliasTargets(alias));
  AliasConfig stored = alias;
  stored.revision_id = NewUuid();
  KUMO_ASSIGN_OR_RETURN(
      StatementLease stmt,
      db_->Cached("UPDATE aliases SET function_version=?3, description=?4, routing=?5, "
                  "revision_id=?6 WHERE function_name=?1 AND name=?2"));
  stmt->BindText(1, stored.function_name);
  stmt->BindText(2, stored.name);
  stmt->BindText(3, stored.function_version);
  stmt->BindText(4, stored.description);
  stmt->BindText(5, EncodeRouting(stored.additional_weights));
  stmt->BindText(6, stored.revision_id);
  KUMO_RETURN_IF_ERROR(stmt->Run());
  if (db_->Changes() == 0) return AliasNotFound(alias.function_name, alias.name);
  return stored;
}

Status SqliteFunctionStore::DeleteAlias(const std::string& function_name,
                                        const std::string& name) {
  KUMO_ASSIGN_OR_RETURN(SqliteTransaction tx, SqliteTransaction::Begin(*db_));
  {
    KUMO_ASSIGN_OR_RETURN(
        StatementLease stmt,
        db_->Cached("DELETE FROM provisioned WHERE function_name=?1 AND qualifier=?2"));
    stmt->BindText(1, function_name);
    stmt->BindText(2, name);
    KUMO_RETURN_IF_ERROR(stmt->Run());
  }
  KUMO_ASSIGN_OR_RETURN(StatementLease stmt,
                        db_->Cached("DELETE FROM aliases WHERE function_name=?1 AND name=?2"));
  stmt->BindText(1, function_name);
  stmt->BindText(2, name);
  KUMO_RETURN_IF_ERROR(stmt->Run());
  if (db_->Changes() == 0) return AliasNotFound(function_name, name);
  return tx.Commit();
}

Result<FunctionStore::AliasPage> SqliteFunctionStore::ListAliases(
    const std::string& function_name, const std::string& marker, int max_items,
    const std::optional<std::string>& function_version) {
  if (max_items <= 0) {
    return MakeError(ErrorCode::kInvalidArgument, "max_items must be positive");
  }
  KUMO_RETURN_IF_ERROR(Get(function_name));
  // The filter runs here rather than in SQL because routing is JSON; aliases per function are few.
  KUMO_ASSIGN_OR_RETURN(
      StatementLease stmt,
      db_->Cached(std::string("SELECT ") + kAliasColumns +
                  " FROM aliases WHERE function_name=?1 AND name > ?2 ORDER BY name"));
  stmt->BindText(1, function_name);
  stmt->BindText(2, marker);
  AliasPage page;
  bool more = false;
  KUMO_RETURN_IF_ERROR(ForEachRow(stmt, [&](const SqliteStatement& row) -> Status {
    if (more) return Ok();
    KUMO_ASSIGN_OR_RETURN(AliasConfig alias, ReadAliasRow(row));
    if (function_version && !RoutesTo(alias, *function_version)) return Ok();
    if (page.aliases.size() == static_cast<size_t>(max_items)) {
      more = true;
      return Ok();
    }
    page.aliases.push_back(std::move(alias));
    return Ok();
  }));
  if (more) page.next_marker = page.aliases.back().name;
  return page;
}

}  // namespace kumo::store
