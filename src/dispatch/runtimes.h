#pragma once
// The runtimes kumo knows: which Lambda runtime names it accepts and how an instance of each is
// started inside the sandbox. One table, used by the API to validate and by pools to launch.

#include <optional>
#include <string>
#include <vector>

namespace kumo::dispatch {

// kHttp: any program that serves HTTP on $PORT (the Knative / OpenFaaS contract); kumo proxies
// requests to it instead of speaking the Runtime API.
enum class RuntimeFamily { kPython, kNode, kProvided, kHttp };

struct RuntimeInfo {
  RuntimeFamily family;
  bool needs_handler;  // Python and Node.js need "module.function"; provided and http do not
  std::vector<std::string> argv;  // paths as seen inside the sandbox
};

// The port an http-runtime instance listens on inside its own network namespace ($PORT).
inline constexpr int kHttpFunctionPort = 8080;

// How an instance of `runtime` is started: the runtime's argv, except that an http function with
// a Handler runs it as a shell command line (in /var/task).
std::vector<std::string> InstanceArgv(const RuntimeInfo& runtime, const std::string& handler);

// nullopt for a runtime name kumo does not support.
std::optional<RuntimeInfo> LookupRuntime(const std::string& name);
// The names accepted, for error messages.
const std::vector<std::string>& SupportedRuntimes();

}  // namespace kumo::dispatch
