#pragma once
// The configuration of one function as the registry keeps it. Plain data; the API turns it into
// Lambda's FunctionConfiguration JSON.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kumo::store {

struct FunctionConfig {
  std::string name;
  std::string runtime;      // as the user gave it: "python3.12", "nodejs20.x", "provided.al2023"
  std::string handler;      // "app.handler"; may be empty for provided runtimes
  std::string description;
  int memory_mb = 128;
  int timeout_s = 3;
  std::map<std::string, std::string> environment;
  std::string code_sha256;  // base64 of the zip's SHA-256, as Lambda reports CodeSha256
  std::string code_hex;     // hex of the same digest: the bundle's key in the BundleStore
  int64_t code_size = 0;    // bytes of the zip as uploaded
  std::string last_modified;  // ISO 8601 with milliseconds and +0000, as Lambda writes it
  std::string revision_id;    // a new uuid on every change; instances of an older one retire
  std::string version = "$LATEST";  // "$LATEST", or the number of a published version
  // PutFunctionConcurrency: caps the function and reserves that share of the server's limit.
  // Per function (not per version), as in Lambda.
  std::optional<int> reserved_concurrency;
  int keep_alive_s = 0;  // idle instances stop after this; 0 means the server's default
};

// An alias: a name for one version, optionally sending a share of calls to a second one.
struct AliasConfig {
  std::string function_name;
  std::string name;
  std::string function_version;  // a published version number (or "$LATEST")
  std::map<std::string, double> additional_weights;  // version -> share in [0, 1)
  std::string description;
  std::string revision_id;
};

// Provisioned concurrency requested for one version or alias.
struct ProvisionedConfig {
  std::string function_name;
  std::string qualifier;  // version number or alias name
  int requested = 0;
  std::string last_modified;
};

}  // namespace kumo::store
