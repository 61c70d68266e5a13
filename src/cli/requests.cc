#include "cli/requests.h"

#include <boost/json.hpp>

#include <cctype>

#include "common/encoding.h"

namespace kumo::cli {
namespace {

namespace json = boost::json;

constexpr std::string_view kFunctions = "/2015-03-31/functions";
// Lambda lets a synchronous invocation run for 15 minutes; leave room for a cold start.
constexpr std::chrono::seconds kInvokeTimeout{16 * 60};

HttpRequest JsonRequest(std::string method, std::string target, const json::object& body) {
  HttpRequest request;
  request.method = std::move(method);
  request.target = std::move(target);
  request.headers = {{"Content-Type", "application/json"}};
  request.body = json::serialize(body);
  return request;
}

// The settings shared by CreateFunction and UpdateFunctionConfiguration.
json::object ConfigurationFields(const DeploySpec& spec) {
  json::object body;
  body["Runtime"] = spec.runtime;
  if (spec.handler) body["Handler"] = *spec.handler;
  if (spec.description) body["Description"] = *spec.description;
  if (spec.memory_mb) body["MemorySize"] = *spec.memory_mb;
  if (spec.timeout_s) body["Timeout"] = *spec.timeout_s;
  if (spec.environment) {
    json::object variables;
    for (const auto& [key, value] : *spec.environment) variables[key] = value;
    body["Environment"] = json::object{{"Variables", std::move(variables)}};
  }
  return body;
}

}  // namespace

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

std::string FunctionPath(std::string_view name) {
  return std::string(kFunctions) + "/" + PercentEncode(name);
}

Result<std::map<std::string, std::string>> ParseEnvAssignments(
    const std::vector<std::string>& items) {
  std::map<std::string, std::string> env;
  for (const std::string& item : items) {
    size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "--env wants KEY=VALUE, got \"" + item + "\"");
    }
    env[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return env;
}

Status ValidateDeploySpec(const DeploySpec& spec) {
  if (spec.name.empty()) return MakeError(ErrorCode::kInvalidArgument, "--name is required");
  if (spec.runtime.empty()) return MakeError(ErrorCode::kInvalidArgument, "--runtime is required");
  bool provided = spec.runtime.rfind("provided", 0) == 0;
  if (!provided && (!spec.handler || spec.handler->empty())) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "--handler is required for runtime " + spec.runtime);
  }
  if (spec.memory_mb && (*spec.memory_mb < 128 || *spec.memory_mb > 10240)) {
    return MakeError(ErrorCode::kInvalidArgument, "--memory must be from 128 to 10240 MB");
  }
  if (spec.timeout_s && (*spec.timeout_s < 1 || *spec.timeout_s > 900)) {
    return MakeError(ErrorCode::kInvalidArgument, "--timeout must be from 1 to 900 seconds");
  }
  return Ok();
}

HttpRequest GetFunctionRequest(std::string_view name) {
  return HttpRequest{"GET", FunctionPath(name), {}, "", std::chrono::seconds(60)};
}

HttpRequest CreateFunctionRequest(const DeploySpec& spec, std::string_view zip) {
  json::object body = ConfigurationFields(spec);
  body["FunctionName"] = spec.name;
  body["Code"] = json::object{{"ZipFile", Base64Encode(zip)}};
  return JsonRequest("POST", std::string(kFunctions), body);
}

HttpRequest UpdateCodeRequest(std::string_view name, std::string_view zip) {
  return JsonRequest("PUT", FunctionPath(name) + "/code", json::object{{"ZipFile", Base64Encode(zip)}});
}

HttpRequest UpdateConfigurationRequest(const DeploySpec& spec) {
  return JsonRequest("PUT", FunctionPath(spec.name) + "/configuration", ConfigurationFields(spec));
}

HttpRequest DeleteFunctionRequest(std::string_view name) {
  return HttpRequest{"DELETE", FunctionPath(name), {}, "", std::chrono::seconds(60)};
}

HttpRequest InvokeRequest(std::string_view name, std::string payload, bool tail_log) {
  HttpRequest request{"POST", FunctionPath(name) + "/invocations", {}, std::move(payload),
                      kInvokeTimeout};
  request.headers = {{"Content-Type", "application/json"},
                     {"X-Amz-Invocation-Type", "RequestResponse"}};
  if (tail_log) request.headers.emplace_back("X-Amz-Log-Type", "Tail");
  return request;
}

HttpRequest ListFunctionsRequest(std::string_view marker, int max_items) {
  std::string target = std::string(kFunctions) + "/?MaxItems=" + std::to_string(max_items);
  if (!marker.empty()) target += "&Marker=" + PercentEncode(marker);
  return HttpRequest{"GET", std::move(target), {}, "", std::chrono::seconds(60)};
}

HttpRequest LogsRequest(std::string_view name, int64_t after, int wait_s, int limit) {
  std::string target = "/kumo/v1/functions/" + PercentEncode(name) +
                       "/logs?after=" + std::to_string(after) + "&limit=" + std::to_string(limit);
  if (wait_s > 0) target += "&wait=" + std::to_string(wait_s);
  // The server holds a long poll for up to wait_s; give it that plus the usual margin.
  return HttpRequest{"GET", std::move(target), {}, "", std::chrono::seconds(30 + wait_s)};
}

}  // namespace kumo::cli
