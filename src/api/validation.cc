#include "api/validation.h"

#include <set>

#include "dispatch/runtimes.h"

namespace kumo::api {
namespace {

Status Invalid(std::string message) { return MakeError(ErrorCode::kInvalidArgument, message); }

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

// Lambda sets these itself; a function may not override them.
const std::set<std::string>& ReservedVariables() {
  static const std::set<std::string> kReserved = {
      "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_REGION", "AWS_EXECUTION_ENV",
      "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
      "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE",
      "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY",
      "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
      "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR"};
  return kReserved;
}

}  // namespace

Status ValidateFunctionName(const std::string& name) {
  if (name.empty() || name.size() > 64) {
    return Invalid("Value '" + name +
                   "' at 'functionName' failed to satisfy constraint: Member must have length "
                   "between 1 and 64");
  }
  for (char c : name) {
    if (!IsNameChar(c)) {
      return Invalid("Value '" + name +
                     "' at 'functionName' failed to satisfy constraint: Member must satisfy "
                     "regular expression pattern: [a-zA-Z0-9-_]+");
    }
  }
  return Ok();
}

Status ValidateRuntime(const std::string& runtime) {
  if (dispatch::LookupRuntime(runtime)) return Ok();
  std::string names;
  for (const auto& n : dispatch::SupportedRuntimes()) names += (names.empty() ? "" : ", ") + n;
  return Invalid("Value '" + runtime +
                 "' at 'runtime' failed to satisfy constraint: Member must satisfy enum value "
                 "set: [" + names + "]");
}

Status ValidateHandler(const std::string& runtime, const std::string& handler) {
  auto info = dispatch::LookupRuntime(runtime);
  if (handler.size() > 128) {
    return Invalid("Value at 'handler' failed to satisfy constraint: Member must have length less "
                   "than or equal to 128");
  }
  if (!info || !info->needs_handler) return Ok();
  if (handler.empty()) {
    return Invalid("The runtime " + runtime + " requires a handler (such as app.handler)");
  }
  if (handler.find('.') == std::string::npos || handler.back() == '.' || handler.front() == '.') {
    return Invalid("Value '" + handler +
                   "' at 'handler' is not of the form module.function (such as app.handler)");
  }
  for (char c : handler) {
    if (static_cast<unsigned char>(c) < 0x20 || c == ' ') {
      return Invalid("Value at 'handler' contains a space or control character");
    }
  }
  return Ok();
}

Status ValidateMemory(int64_t memory_mb) {
  if (memory_mb < 128 || memory_mb > 10240) {
    return Invalid("Value '" + std::to_string(memory_mb) +
                   "' at 'memorySize' failed to satisfy constraint: Member must have value "
                   "between 128 and 10240");
  }
  return Ok();
}

Status ValidateTimeout(int64_t timeout_s) {
  if (timeout_s < 1 || timeout_s > 900) {
    return Invalid("Value '" + std::to_string(timeout_s) +
                   "' at 'timeout' failed to satisfy constraint: Member must have value between 1 "
                   "and 900");
  }
  return Ok();
}

Status ValidateEnvironment(const std::map<std::string, std::string>& variables) {
  size_t total = 0;
  for (const auto& [key, value] : variables) {
    bool key_ok = !key.empty() && !(key[0] >= '0' && key[0] <= '9');
    for (char c : key) key_ok = key_ok && (IsNameChar(c) && c != '-');
    if (!key_ok) {
      return Invalid("Environment variable name '" + key +
                     "' is invalid: use letters, digits and underscores, not starting with a digit");
    }
    if (ReservedVariables().count(key)) {
      return Invalid("Lambda was unable to configure your environment variables because the "
                     "environment variables you have provided contains reserved keys that are "
                     "currently not supported for modification. Reserved keys used in this "
                     "request: " + key);
    }
    if (value.find('\0') != std::string::npos) {
      return Invalid("Environment variable " + key + " contains a NUL character");
    }
    total += key.size() + value.size();
  }
  if (total > 4096) {
    return Invalid("Lambda was unable to configure your environment variables because the "
                   "environment variables you have provided exceeded the 4KB limit.");
  }
  return Ok();
}

Status ValidateDescription(const std::string& description) {
  if (description.size() > 256) {
    return Invalid("Value at 'description' failed to satisfy constraint: Member must have length "
                   "less than or equal to 256");
  }
  return Ok();
}

std::string NameFromPath(const std::string& text, std::string* qualifier) {
  std::string rest = text;
  size_t fn = rest.find("function:");
  if (rest.rfind("arn:", 0) == 0 || (fn != std::string::npos && fn > 0)) {
    if (fn == std::string::npos) return text;
    rest = rest.substr(fn + 9);
  }
  size_t colon = rest.find(':');
  if (colon != std::string::npos) {
    if (qualifier) *qualifier = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
  }
  return rest;
}

}  // namespace kumo::api
