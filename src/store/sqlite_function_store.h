#pragma once
// FunctionStore on one SQLite file. A single write runs as one autocommitted statement and a
// write of several rows in one transaction (WAL, synchronous=FULL), so it is durable when it
// returns. The methods are spread over sqlite_function_store.cc (functions),
// sqlite_versions.cc, sqlite_aliases.cc and sqlite_provisioned.cc. Not thread-safe: one thread
// owns it.

#include <memory>
#include <string>

#include "store/function_store.h"
#include "store/sqlite_db.h"

namespace kumo::store {

class SqliteFunctionStore : public FunctionStore {
 public:
  // The schema version this code writes; Open migrates older files up to it and refuses newer.
  static constexpr int kSchemaVersion = 2;

  static Result<std::unique_ptr<SqliteFunctionStore>> Open(const std::string& path);

  Status Create(const FunctionConfig& config) override;
  Result<FunctionConfig> Get(const std::string& name) override;
  Status Update(const FunctionConfig& config) override;
  Status Delete(const std::string& name) override;
  Result<Page> List(const std::string& marker, int max_items) override;
  Result<std::vector<std::string>> ReferencedBundles() override;

  Result<Published> PublishVersion(const std::string& name,
                                   const std::optional<std::string>& description) override;
  Result<FunctionConfig> GetVersion(const std::string& name, int64_t version) override;
  Result<VersionPage> ListVersions(const std::string& name, const std::string& marker,
                                   int max_items) override;
  Status DeleteVersion(const std::string& name, int64_t version) override;

  Result<AliasConfig> CreateAlias(const AliasConfig& alias) override;
  Result<AliasConfig> GetAlias(const std::string& function_name,
                               const std::string& name) override;
  Result<AliasConfig> UpdateAlias(const AliasConfig& alias) override;
  Status DeleteAlias(const std::string& function_name, const std::string& name) override;
  Result<AliasPage> ListAliases(const std::string& function_name, const std::string& marker,
                                int max_items,
                                const std::optional<std::string>& function_version) override;

  Status PutProvisioned(const ProvisionedConfig& config) override;
  Result<ProvisionedConfig> GetProvisioned(const std::string& function_name,
                                           const std::string& qualifier) override;
  Status DeleteProvisioned(const std::string& function_name,
                           const std::string& qualifier) override;
  Result<std::vector<ProvisionedConfig>> ListProvisioned(
      const std::string& function_name) override;
  Result<std::vector<ProvisionedConfig>> ListAllProvisioned() override;

 private:
  explicit SqliteFunctionStore(std::unique_ptr<SqliteDb> db) : db_(std::move(db)) {}

  // The version's row joined with its function's per-function settings.
  Result<std::optional<FunctionConfig>> FindVersion(const std::string& name, int64_t version);
  // kNotFound unless `version` ("$LATEST" or a number) exists for the function.
  Status RequireVersion(const std::string& function_name, const std::string& version);
  // Checks the alias's rules and that the versions it names exist.
  Status CheckAliasTargets(const AliasConfig& alias);
  // Names of the aliases that route any share of calls to `version`.
  Result<std::vector<std::string>> AliasesUsing(const std::string& function_name,
                                                const std::string& version);
  Result<std::vector<ProvisionedConfig>> ReadProvisioned(StatementLease& stmt);

  std::unique_ptr<SqliteDb> db_;
};

}  // namespace kumo::store
