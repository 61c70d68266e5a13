#pragma once
// The function registry: functions ($LATEST), their published versions, aliases and provisioned
// concurrency settings, durable in SQLite (WAL, synchronous=FULL) under the data directory. Each
// call commits before it returns. Not thread-safe: the server calls it from its one event loop
// thread.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/function_config.h"

namespace kumo::store {

class FunctionStore {
 public:
  // Opens (creating or migrating if needed) the database file at `path`.
  static Result<std::unique_ptr<FunctionStore>> Open(const std::string& path);
  virtual ~FunctionStore() = default;

  // ---- functions ($LATEST) ----
  // kConflict if a function of that name exists. config.version is ignored.
  virtual Status Create(const FunctionConfig& config) = 0;
  // The function's $LATEST (version "$LATEST"); kNotFound if there is no such function.
  virtual Result<FunctionConfig> Get(const std::string& name) = 0;
  // Replaces the stored $LATEST of config.name (with its per-function reserved_concurrency and
  // keep_alive_s); published versions are untouched. kNotFound if absent.
  virtual Status Update(const FunctionConfig& config) = 0;
  // Removes the function with all its versions, aliases and provisioned settings, in one
  // transaction. kNotFound if absent.
  virtual Status Delete(const std::string& name) = 0;
  // Functions ordered by name, starting after `marker` (empty: from the start), at most
  // `max_items`. `next_marker` is set when more remain.
  struct Page {
    std::vector<FunctionConfig> functions;
    std::optional<std::string> next_marker;
  };
  virtual Result<Page> List(const std::string& marker, int max_items) = 0;
  // Every code_hex a function or a version still refers to (for garbage-collecting bundles).
  virtual Result<std::vector<std::string>> ReferencedBundles() = 0;

  // ---- versions: immutable copies of $LATEST, numbered 1, 2, ... per function ----
  struct Published {
    FunctionConfig config;  // version is the number as text
    bool created = false;   // false: $LATEST was unchanged, so this is the newest version
  };
  // Copies $LATEST's code and configuration into version N+1 (N: the highest number ever
  // published for the function), with `description` or else $LATEST's. If the code and
  // configuration equal the newest existing version's, returns that version instead.
  // kNotFound if the function is absent.
  virtual Result<Published> PublishVersion(const std::string& name,
                                           const std::optional<std::string>& description) = 0;
  // kNotFound if the function or the version is absent.
  virtual Result<FunctionConfig> GetVersion(const std::string& name, int64_t version) = 0;
  // $LATEST first, then versions in ascending order; `marker` is the Version of the last item of
  // the previous page ("" for the first page).
  struct VersionPage {
    std::vector<FunctionConfig> versions;
    std::optional<std::string> next_marker;
  };
  virtual Result<VersionPage> ListVersions(const std::string& name, const std::string& marker,
                                           int max_items) = 0;
  // Deletes one version and its provisioned setting. kConflict if an alias routes to it,
  // kNotFound if absent.
  virtual Status DeleteVersion(const std::string& name, int64_t version) = 0;

  // ---- aliases ----
  // Validates the name and routing (see alias_rules.h), that the versions exist, and stores it
  // with a new revision_id, which the returned copy carries. kConflict if the alias exists.
  virtual Result<AliasConfig> CreateAlias(const AliasConfig& alias) = 0;
  virtual Result<AliasConfig> GetAlias(const std::string& function_name,
                                       const std::string& name) = 0;
  // Replaces the alias's version, description and routing (validated as in CreateAlias) and
  // gives it a new revision_id. kNotFound if absent.
  virtual Result<AliasConfig> UpdateAlias(const AliasConfig& alias) = 0;
  // Deletes the alias and its provisioned setting; kNotFound if absent.
  virtual Status DeleteAlias(const std::string& function_name, const std::string& name) = 0;
  // Aliases by name after `marker`; only those routing to `function_version` when it is set.
  struct AliasPage {
    std::vector<AliasConfig> aliases;
    std::optional<std::string> next_marker;
  };
  virtual Result<AliasPage> ListAliases(const std::string& function_name,
                                        const std::string& marker, int max_items,
                                        const std::optional<std::string>& function_version) = 0;

  // ---- provisioned concurrency, per published version or alias ----
  // Creates or replaces. kNotFound if the function or qualifier is absent, kInvalidArgument for
  // $LATEST or a count below 1.
  virtual Status PutProvisioned(const ProvisionedConfig& config) = 0;
  virtual Result<ProvisionedConfig> GetProvisioned(const std::string& function_name,
                                                   const std::string& qualifier) = 0;
  virtual Status DeleteProvisioned(const std::string& function_name,
                                   const std::string& qualifier) = 0;
  // Ordered by qualifier.
  virtual Result<std::vector<ProvisionedConfig>> ListProvisioned(
      const std::string& function_name) = 0;
  // Every function's, ordered by function then qualifier (for the dispatcher at start).
  virtual Result<std::vector<ProvisionedConfig>> ListAllProvisioned() = 0;
};

}  // namespace kumo::store
