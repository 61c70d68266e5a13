// The helper's main line: join the cgroups, enter new namespaces, create the listening sockets,
// fork the instance, report to the launcher, then wait and exit the way the instance did.

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sandbox/helper_protocol.h"
#include "sandbox/helper_steps.h"

namespace kumo::sandbox::helper {
namespace {

constexpr int kSetupFailed = 125;

int ReplyError(const std::string& message) {
  SendWithFds(kHelperReplyFd, FormatErrorReply(message), {});
  return kSetupFailed;
}

std::string JoinCgroups(const std::vector<std::string>& procs_files) {
  std::string pid = std::to_string(::getpid());
  for (const std::string& file : procs_files) {
    int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoText("join cgroup " + file);
    bool ok = ::write(fd, pid.data(), pid.size()) == static_cast<ssize_t>(pid.size());
    int err = errno;
    ::close(fd);
    if (!ok) {
      errno = err;
      return ErrnoText("join cgroup " + file);
    }
  }
  return "";
}

// Reads what the instance process reported before exec; empty once exec closed the pipe.
std::string ReadStatus(int fd) {
  std::string text;
  char buf[512];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  return text;
}

pid_t WaitFor(pid_t pid, int* status) {
  pid_t r;
  do {
    r = ::waitpid(pid, status, 0);
  } while (r < 0 && errno == EINTR);
  return r;
}

// Exit code for exits; for deaths by signal, the same signal, so that the launcher's waitpid
// sees WIFSIGNALED with it. 128+signal only if the signal somehow does not kill us.
[[noreturn]] void ExitLike(int status) {
  if (WIFEXITED(status)) ::_exit(WEXITSTATUS(status));
  int sig = WTERMSIG(status);
  rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);  // the instance's crash already happened; no second core
  ::signal(sig, SIG_DFL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  ::sigprocmask(SIG_UNBLOCK, &set, nullptr);
  ::kill(::getpid(), sig);
  ::_exit(128 + sig);
}

void CloseAll(const std::vector<int>& fds) {
  for (int fd : fds) ::close(fd);
}

}  // namespace

int Supervise(const HelperConfig& config) {
  std::string err = JoinCgroups(config.cgroup_procs);
  if (!err.empty()) return ReplyError(err);
  if (config.namespaces) {
    // The mount namespace is made by the instance process itself, so that this helper keeps the
    // host's filesystem view and the new /proc belongs to the new pid namespace.
    if (::unshare(CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET) != 0) {
      return ReplyError(ErrnoText("unshare"));
    }
    err = BringLoopbackUp();
    if (!err.empty()) return ReplyError(err);
  }
  std::vector<int> listeners;
  std::vector<uint16_t> ports;
  err = CreateListeners(config.listen_ports, !config.namespaces, &listeners, &ports);
  if (!err.empty()) {
    CloseAll(listeners);
    return ReplyError(err);
  }
  int status_pipe[2];
  if (::pipe2(status_pipe, O_CLOEXEC) != 0) return ReplyError(ErrnoText("pipe"));
  pid_t child = ::fork();
  if (child < 0) return ReplyError(ErrnoText("fork"));
  if (child == 0) {
    ::close(status_pipe[0]);
    RunInstance(config, ports, status_pipe[1]);
  }
  ::close(status_pipe[1]);
  std::string failure = ReadStatus(status_pipe[0]);
  ::close(status_pipe[0]);
  int status = 0;
  if (!failure.empty()) {
    CloseAll(listeners);
    WaitFor(child, &status);
    return ReplyError(failure);
  }
  // A pidfd pins the instance process for the launcher even after we reap it, so its Kill can
  // never hit a reused pid.
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, child, 0));
  HelperReply reply{child, pidfd >= 0, ports};
  std::vector<int> fds = listeners;
  if (pidfd >= 0) fds.push_back(pidfd);
  SendWithFds(kHelperReplyFd, FormatOkReply(reply), fds);
  CloseAll(fds);
  ::close(kHelperReplyFd);
  if (WaitFor(child, &status) < 0) return kSetupFailed;
  ExitLike(status);
}

int Probe() {
  if (::unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET) != 0) {
    return ReplyError(ErrnoText("unshare"));
  }
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return ReplyError(ErrnoText("make mounts private"));
  }
  if (::mount("tmpfs", "/tmp", "tmpfs", 0, "size=4k") != 0) {
    return ReplyError(ErrnoText("mount tmpfs"));
  }
  SendWithFds(kHelperReplyFd, "OK 1 0", {});
  return 0;
}

}  // namespace kumo::sandbox::helper
