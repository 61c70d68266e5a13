#pragma once
// The configuration of one function as the registry keeps it. Plain data; the API turns it into
// Lambda's FunctionConfiguration JSON.

#include <cstdint>
#include <map>
#include <string>

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
};

}  // namespace kumo::store
