#pragma once
// What a kumo.yaml describes, and the parser that reads it. The file is close to serverless.yml:
// a `functions:` map whose entries name their code folder, runtime settings and HTTP events,
// plus optional gateway-wide `cors:` and JWT `authorizers:`. Every mistake is reported as
// "FILE:LINE:COL: what is wrong (what was expected)". Pure apart from checking that code
// folders exist; single-threaded.

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace kumo::cli {

struct RateLimitSpec {
  double requests_per_second = 0;
  double burst = 0;
  bool operator==(const RateLimitSpec&) const = default;
};

// One entry of the gateway's route table as PUT /kumo/v1/functions/N/routes takes it.
struct RouteSpec {
  std::string route_key;      // "GET /items/{id}" or "$default"
  std::string auth = "none";  // "none", "api_key" or "jwt:<authorizer>"
  std::optional<RateLimitSpec> rate_limit;
  bool operator==(const RouteSpec&) const = default;
};

// One function of the project. Settings the file leaves out take Lambda's defaults, so that
// deleting a line from the file resets the setting on the server too.
struct FunctionSpec {
  std::string name;
  std::string runtime;
  std::string handler;             // may be empty for provided.* and http runtimes
  std::filesystem::path code_dir;  // absolute
  int memory_mb = 128;
  int timeout_s = 3;
  std::map<std::string, std::string> environment;
  std::string description;  // the user's; the project tag is added by the planner
  std::optional<int> reserved_concurrency;
  int keep_alive_s = 0;           // 0: the server's default
  std::vector<RouteSpec> routes;  // sorted by route_key
};

struct CorsSpec {
  std::vector<std::string> allow_origins, allow_methods, allow_headers, expose_headers;
  bool allow_credentials = false;
  int max_age = 0;
  bool operator==(const CorsSpec&) const = default;
};

struct AuthorizerSpec {
  std::string name;
  std::string issuer;
  std::vector<std::string> audience;
  std::string hs256_secret;  // one of these two
  std::string jwks_file;     // absolute
};

struct ProjectSpec {
  std::string name;
  std::vector<FunctionSpec> functions;  // sorted by name
  std::optional<CorsSpec> cors;
  std::vector<AuthorizerSpec> authorizers;  // sorted by name
};

// Looks up ${env:NAME}; nullopt when NAME is unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// The process environment, for EnvLookup.
std::optional<std::string> ProcessEnv(const std::string& name);

// Parses kumo.yaml text. `label` prefixes error locations (the path as the user named it);
// relative `code:` and `jwksFile:` paths are resolved against `base_dir`, whose last component
// is also the project name when the file sets none.
Result<ProjectSpec> ParseProject(std::string_view text, std::string_view label,
                                 const std::filesystem::path& base_dir, const EnvLookup& env);

// Reads and parses the file at `path`.
Result<ProjectSpec> LoadProjectFile(const std::filesystem::path& path, const EnvLookup& env);

}  // namespace kumo::cli
