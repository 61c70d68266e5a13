#include "dispatch/runtimes.h"

namespace kumo::dispatch {
namespace {

// Debian's python3 on purpose (not a python3 earlier on PATH): it starts about 4x faster and
// sees Debian's python3-* packages, boto3 among them, as Lambda's Python runtime does. -S skips
// site (7 ms here); the shim adds Debian's dist-packages itself.
const std::vector<std::string> kPythonArgv = {"/usr/bin/python3", "-I", "-S",
                                              "/opt/kumo/python/bootstrap.py"};
const std::vector<std::string> kNodeArgv = {"/usr/bin/node", "/opt/kumo/node/bootstrap.mjs"};
const std::vector<std::string> kProvidedArgv = {"/var/task/bootstrap"};

}  // namespace

const std::vector<std::string>& SupportedRuntimes() {
  static const std::vector<std::string> kNames = {
      "python3",    "python3.11", "python3.12", "nodejs18.x",     "nodejs20.x",
      "nodejs22.x", "provided",   "provided.al2", "provided.al2023", "http"};
  return kNames;
}

std::optional<RuntimeInfo> LookupRuntime(const std::string& name) {
  if (name == "python3" || name == "python3.11" || name == "python3.12") {
    return RuntimeInfo{RuntimeFamily::kPython, true, kPythonArgv};
  }
  if (name == "nodejs18.x" || name == "nodejs20.x" || name == "nodejs22.x") {
    return RuntimeInfo{RuntimeFamily::kNode, true, kNodeArgv};
  }
  if (name == "provided" || name == "provided.al2" || name == "provided.al2023") {
    return RuntimeInfo{RuntimeFamily::kProvided, false, kProvidedArgv};
  }
  if (name == "http") return RuntimeInfo{RuntimeFamily::kHttp, false, kProvidedArgv};
  return std::nullopt;
}

std::vector<std::string> InstanceArgv(const RuntimeInfo& runtime, const std::string& handler) {
  if (runtime.family == RuntimeFamily::kHttp && !handler.empty()) {
    return {"/bin/sh", "-c", handler};
  }
  return runtime.argv;
}

}  // namespace kumo::dispatch
