#pragma once
// What the launcher tells the kumo-sandbox helper, as a list of flags (sent over the socket, see
// helper_protocol.h), so the helper can start with an empty environment: nothing of the
// function's environment may act on the helper while it is still root. Used by both sides; the
// helper links it without Boost. Stateless; any thread.

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace kumo::sandbox {

struct HelperConfig {
  bool probe = false;       // only check that namespaces and mounts work, then exit
  bool namespaces = true;   // false: run on the host (not root, or namespaces unavailable)
  std::string code_dir;     // -> /var/task (read-only)
  std::string runtime_dir;  // -> /opt/kumo (read-only); empty: not mounted
  uint64_t tmp_bytes = 0;   // size of the private /tmp
  std::string hostname = "kumo";
  std::vector<std::string> cgroup_procs;  // cgroup.procs files to join before anything else
  std::vector<uint16_t> listen_ports;
  std::vector<std::string> env;   // the program's whole environment
  std::vector<std::string> argv;  // the program and its arguments
};

// Flags for the helper, without the helper's own argv[0].
std::vector<std::string> ToHelperArgs(const HelperConfig& config);
Result<HelperConfig> ParseHelperArgs(const std::vector<std::string>& args);

}  // namespace kumo::sandbox
