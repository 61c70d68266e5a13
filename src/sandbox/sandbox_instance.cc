#include "sandbox/sandbox_instance.h"

#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace kumo::sandbox {

SandboxInstance::~SandboxInstance() {
  if (!reaped_) {
    Kill();
    Reap();
  }
}

std::vector<int> SandboxInstance::listen_fds() const {
  std::vector<int> fds;
  for (const UniqueFd& fd : p_.listeners) fds.push_back(fd.get());
  return fds;
}

uint64_t SandboxInstance::MaxMemoryUsedBytes() const {
  if (reaped_ || !p_.cgroup) return max_memory_;
  return p_.cgroup->MaxMemoryUsedBytes();
}

bool SandboxInstance::OomKilled() const {
  if (reaped_ || !p_.cgroup) return oom_killed_;
  return p_.cgroup->OomKilled();
}

void SandboxInstance::Terminate() {
  if (reaped_) return;
  // Only the instance's main process is asked; as pid 1 of its namespace it gets the signal
  // only if it handles SIGTERM, which is what a graceful shutdown needs.
  if (p_.main_pidfd.valid()) {
    ::syscall(SYS_pidfd_send_signal, p_.main_pidfd.get(), SIGTERM, nullptr, 0);
  } else if (p_.main_pid > 0) {
    ::kill(p_.main_pid, SIGTERM);
  }
}

void SandboxInstance::Kill() {
  if (reaped_) return;
  // Killing pid 1 of the namespace takes the whole namespace down; the pidfd makes sure it is
  // still our process even if it has already exited and been reaped by the helper.
  if (p_.main_pidfd.valid()) {
    ::syscall(SYS_pidfd_send_signal, p_.main_pidfd.get(), SIGKILL, nullptr, 0);
  } else {
    ::kill(p_.main_pid, SIGKILL);
  }
  if (p_.cgroup) p_.cgroup->KillAll();
}

bool SandboxInstance::HasExited() {
  if (reaped_) return true;
  siginfo_t info{};
  int r;
  do {
    r = ::waitid(P_PID, static_cast<id_t>(p_.helper_pid), &info, WEXITED | WNOHANG | WNOWAIT);
  } while (r < 0 && errno == EINTR);
  // ECHILD: not our child any more (already reaped elsewhere): nothing to wait for.
  return r < 0 ? errno == ECHILD : info.si_pid != 0;
}

int SandboxInstance::Reap() {
  if (reaped_) return status_;
  pid_t r;
  do {
    r = ::waitpid(p_.helper_pid, &status_, 0);
  } while (r < 0 && errno == EINTR);
  reaped_ = true;
  if (p_.cgroup) {
    max_memory_ = p_.cgroup->MaxMemoryUsedBytes();
    oom_killed_ = p_.cgroup->OomKilled();
    // Without a pid namespace, children of the program may outlive it; the cgroup catches them.
    p_.cgroup->KillAll();
    (void)p_.cgroup->Remove();
    p_.cgroup.reset();
  }
  p_.main_pidfd.Reset();
  return status_;
}

}  // namespace kumo::sandbox
