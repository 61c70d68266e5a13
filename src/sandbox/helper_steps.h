#pragma once
// The steps of the kumo-sandbox helper (see helper_main.cc for their order). Each step returns
// an empty string on success, or "what failed: reason" for the launcher's error. The helper is
// single-threaded; these run in its main thread or in the forked instance process.

#include <cstdint>
#include <string>
#include <vector>

#include "sandbox/helper_config.h"

namespace kumo::sandbox::helper {

// "<what>: <strerror(errno)>".
std::string ErrnoText(const std::string& what);

// Network (helper_net.cc), in the helper's new network namespace.
std::string BringLoopbackUp();
// Listening TCP sockets on 127.0.0.1: on the given ports, or on ephemeral ones when `ephemeral`
// (host network, where the requested port may be taken). Sockets are CLOEXEC.
std::string CreateListeners(const std::vector<uint16_t>& ports, bool ephemeral,
                            std::vector<int>* fds, std::vector<uint16_t>* bound_ports);

// Filesystem (helper_mounts.cc): in a fresh mount namespace, builds the instance's root on a
// tmpfs and pivots into it.
std::string BuildRoot(const HelperConfig& config);

// Privileges (helper_security.cc).
std::string DropPrivileges();     // to 65534:65534, no groups, no capabilities of any kind
std::string LoadSeccompFilter();  // also sets no_new_privs

// The program (helper_exec.cc).
// argv with /var/task and /opt/kumo rewritten to the host folders, for runs without a mount
// namespace.
std::vector<std::string> RewriteHostPaths(const std::vector<std::string>& argv,
                                          const HelperConfig& config);
// Replaces "127.0.0.1:<requested port>" in env values by the port actually bound, for runs on the
// host network where the helper binds ephemeral ports (the program learns its Runtime API address
// from its environment, which is fixed before the ports are known).
std::vector<std::string> RewriteEnvPorts(const std::vector<std::string>& env,
                                         const std::vector<uint16_t>& requested,
                                         const std::vector<uint16_t>& bound);
// Finds argv[0] in the PATH of `env` when it has no slash (as execvp would, but with the
// instance's PATH rather than the helper's).
std::string ResolveProgram(const std::string& program, const std::vector<std::string>& env);

// The instance process: sets everything up and execs; on failure writes the reason to
// status_fd and exits 127.
// `bound_ports` are the ports of the listening sockets, in listen_ports order.
[[noreturn]] void RunInstance(const HelperConfig& config, const std::vector<uint16_t>& bound_ports,
                              int status_fd);

// The helper's own main line (helper_supervisor.cc). Returns only on setup failure (exit code);
// otherwise exits the way the instance did.
int Supervise(const HelperConfig& config);
int Probe();

}  // namespace kumo::sandbox::helper
