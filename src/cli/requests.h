#pragma once
// Builds the HTTP requests of kumo's API (Lambda's REST paths and kumo's own) from what the user
// typed. Pure functions, so the exact bytes each command sends are unit-tested.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/transport.h"
#include "common/result.h"

namespace kumo::cli {

// The settings `kumo deploy` was given. Unset optionals are left to the server: its defaults on
// create, the function's current values on update.
struct DeploySpec {
  std::string name;
  std::string runtime;
  std::optional<std::string> handler;
  std::optional<std::string> description;
  std::optional<int> memory_mb;
  std::optional<int> timeout_s;
  std::optional<std::map<std::string, std::string>> environment;
};

// RFC 3986 percent-encoding of everything but unreserved characters.
std::string PercentEncode(std::string_view text);
// "/2015-03-31/functions/<name>", name percent-encoded.
std::string FunctionPath(std::string_view name);

// Turns ["A=1", "B=x=y"] into {A:1, B:x=y}; fails on an entry without '=' or with an empty key.
Result<std::map<std::string, std::string>> ParseEnvAssignments(const std::vector<std::string>& items);
// Fails when a required setting is missing or out of Lambda's range.
Status ValidateDeploySpec(const DeploySpec& spec);

HttpRequest GetFunctionRequest(std::string_view name);
HttpRequest CreateFunctionRequest(const DeploySpec& spec, std::string_view zip);
HttpRequest UpdateCodeRequest(std::string_view name, std::string_view zip);
HttpRequest UpdateConfigurationRequest(const DeploySpec& spec);
HttpRequest DeleteFunctionRequest(std::string_view name);
HttpRequest InvokeRequest(std::string_view name, std::string payload, bool tail_log);
HttpRequest ListFunctionsRequest(std::string_view marker, int max_items);
HttpRequest LogsRequest(std::string_view name, int64_t after, int wait_s, int limit);

}  // namespace kumo::cli
