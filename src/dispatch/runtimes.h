#pragma once
// The runtimes kumo knows: which Lambda runtime names it accepts and how an instance of each is
// started inside the sandbox. One table, used by the API to validate and by pools to launch.

#include <optional>
#include <string>
#include <vector>

namespace kumo::dispatch {

enum class RuntimeFamily { kPython, kNode, kProvided };

struct RuntimeInfo {
  RuntimeFamily family;
  bool needs_handler;  // Python and Node.js need "module.function"; provided does not
  std::vector<std::string> argv;  // paths as seen inside the sandbox
};

// nullopt for a runtime name kumo does not support.
std::optional<RuntimeInfo> LookupRuntime(const std::string& name);
// The names accepted, for error messages.
const std::vector<std::string>& SupportedRuntimes();

}  // namespace kumo::dispatch
