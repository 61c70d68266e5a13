#pragma once
// The gateway's configuration: HTTP routes (owned by functions), CORS, JWT authorizers and API
// keys (hashed). Durable in SQLite beside the function registry (its own connection to the same
// WAL database); every write commits before it returns. generation() changes with every write so
// the gateway knows when to rebuild its in-memory tables. Loop thread only.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace kumo::store {

class SqliteDb;

struct RouteConfig {
  std::string route_key;  // "GET /items/{id}", "ANY /files/{path+}", "$default"
  std::string function_name;
  std::string auth = "none";  // "none", "api_key", "jwt:<authorizer>"
  double rate_rps = 0;        // 0: no rate limit
  double rate_burst = 0;
};

struct ApiKeyRecord {
  std::string id;
  std::string name;
  std::string hash_hex;  // SHA-256 of the key; the key itself is never stored
  std::string prefix;    // first characters, to tell keys apart in listings
  std::string created;
};

class GatewayStore {
 public:
  static Result<std::unique_ptr<GatewayStore>> Open(const std::string& path);
  ~GatewayStore();

  // Replaces the routes of one function. kConflict if a route key belongs to another function.
  Status SetRoutes(const std::string& function_name, const std::vector<RouteConfig>& routes);
  // One function's routes, or every route when function_name is empty; ordered by route key.
  Result<std::vector<RouteConfig>> Routes(const std::string& function_name);
  Status DeleteRoutesOf(const std::string& function_name);

  // Named settings stored as JSON text: "cors", "authorizer:<name>". nullopt when absent.
  Status PutSetting(const std::string& key, const std::string& json);
  Result<std::optional<std::string>> GetSetting(const std::string& key);
  // Keys starting with `prefix`, with their values, ordered by key.
  Result<std::vector<std::pair<std::string, std::string>>> ListSettings(const std::string& prefix);
  // kNotFound if absent.
  Status DeleteSetting(const std::string& key);

  Status AddApiKey(const ApiKeyRecord& key);
  Result<std::vector<ApiKeyRecord>> ListApiKeys();
  // kNotFound if absent.
  Status DeleteApiKey(const std::string& id);

  uint64_t generation() const { return generation_; }

 private:
  explicit GatewayStore(std::unique_ptr<SqliteDb> db);
  std::unique_ptr<SqliteDb> db_;
  uint64_t generation_ = 1;
};

}  // namespace kumo::store
