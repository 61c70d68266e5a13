#pragma once
// The Instance that Launcher::Launch returns: owns the helper's pid and pidfd, the output pipe,
// the listening sockets, a pidfd of the instance's main process and its cgroup. Not thread-safe:
// the launcher's (event loop) thread calls it.

#include <optional>
#include <utility>
#include <vector>

#include "sandbox/instance_cgroup.h"
#include "sandbox/launcher.h"

namespace kumo::sandbox {

struct InstanceParts {
  pid_t helper_pid = 0;
  UniqueFd helper_pidfd;
  UniqueFd output;
  std::vector<UniqueFd> listeners;
  std::vector<std::string> addresses;
  pid_t main_pid = 0;
  UniqueFd main_pidfd;  // invalid if the kernel has no pidfds
  std::optional<InstanceCgroup> cgroup;
};

class SandboxInstance : public Instance {
 public:
  explicit SandboxInstance(InstanceParts parts) : p_(std::move(parts)) {}
  // An instance dropped without Reap() is killed and reaped here, so nothing is left behind.
  ~SandboxInstance() override;

  pid_t pid() const override { return p_.helper_pid; }
  int pidfd() const override { return p_.helper_pidfd.get(); }
  int output_fd() const override { return p_.output.get(); }
  std::vector<int> listen_fds() const override;
  std::vector<std::string> listen_addresses() const override { return p_.addresses; }
  uint64_t MaxMemoryUsedBytes() const override;
  bool OomKilled() const override;
  void Terminate() override;
  void Kill() override;
  int Reap() override;
  std::vector<UniqueFd> TakeListenFds() override { return std::exchange(p_.listeners, {}); }
  bool HasExited() override;

 private:
  InstanceParts p_;
  bool reaped_ = false;
  int status_ = 0;
  // Figures read just before Reap removes the cgroup, so they stay available afterwards.
  uint64_t max_memory_ = 0;
  bool oom_killed_ = false;
};

}  // namespace kumo::sandbox
