#include "sandbox/launcher.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "common/sys_error.h"
#include "sandbox/cgroup_layout.h"
#include "sandbox/fs_util.h"
#include "sandbox/helper_config.h"
#include "sandbox/helper_protocol.h"
#include "sandbox/sandbox_instance.h"
#include "sandbox/scope_cleanup.h"

namespace kumo::sandbox {
namespace {

// Setting up a sandbox takes milliseconds; a helper silent for this long is stuck (for example
// on a hung mount) and is killed.
constexpr int kReplyTimeoutMs = 10000;

// A running helper process with the launcher's ends of its pipes.
struct SpawnedHelper {
  pid_t pid = 0;
  UniqueFd pidfd;
  UniqueFd reply;   // our end of the socketpair
  UniqueFd output;  // read end of the instance's stdout+stderr
};

int WaitFor(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

Result<SpawnedHelper> SpawnHelper(const std::string& helper_path, const HelperConfig& config) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
    return SysError("socketpair");
  }
  UniqueFd ours(sv[0]), theirs(sv[1]);
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return SysError("pipe");
  UniqueFd out_read(pipe_fds[0]), out_write(pipe_fds[1]);

  std::string config_text = EncodeArgs(ToHelperArgs(config));
  if (config_text.size() > kMaxConfigBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "instance configuration too large (" +
                                                      std::to_string(config_text.size()) +
                                                      " bytes, mostly environment)");
  }
  std::string arg0 = helper_path;
  char* c_args[] = {arg0.data(), nullptr};
  char* empty_env[] = {nullptr};

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), 2);
  posix_spawn_file_actions_adddup2(&actions, theirs.get(), kHelperReplyFd);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);  // no SIG_IGN of the server reaches the program
  posix_spawnattr_setpgroup(&attr, 0);         // the terminal's Ctrl-C is for kumo, not for it
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  SpawnedHelper h;
  int rc = ::posix_spawn(&h.pid, helper_path.c_str(), &actions, &attr, c_args, empty_env);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return SysError("spawn " + helper_path, rc);
  h.pidfd.Reset(static_cast<int>(::syscall(SYS_pidfd_open, h.pid, 0)));
  h.reply = std::move(ours);
  h.output = std::move(out_read);
  // The socket's buffer takes the whole message at once, so this does not wait for the helper.
  int err = SendWithFds(h.reply.get(), config_text, {});
  if (err != 0) {
    ::kill(h.pid, SIGKILL);
    WaitFor(h.pid);
    return SysError("send configuration to sandbox helper", err);
  }
  return h;
}

// Waits for the helper's reply. On any failure the helper is killed (if needed) and reaped.
Result<Received> AwaitReply(SpawnedHelper& h) {
  auto received = ReceiveWithFds(h.reply.get(), kReplyTimeoutMs);
  bool failed =
      !received.ok() || received->text.empty() || received->text.compare(0, 3, "OK ") != 0;
  if (failed) {
    if (!received.ok()) ::kill(h.pid, SIGKILL);
    int status = WaitFor(h.pid);
    if (received.ok() && received->text.empty()) {
      return MakeError(ErrorCode::kInternal, "sandbox helper exited without a reply (wait status " +
                                                 std::to_string(status) + ")");
    }
  }
  return received;
}

std::string OwnComm() {
  auto comm = ReadSmallFile("/proc/self/comm");
  std::string name = comm.ok() ? *comm : "";
  while (!name.empty() && name.back() == '\n') name.pop_back();
  return name;
}

class SandboxLauncher : public Launcher {
 public:
  explicit SandboxLauncher(LauncherOptions options) : options_(std::move(options)) {
    own_comm_ = OwnComm();
    DetectNamespaces();
    DetectCgroups();
  }
  ~SandboxLauncher() override {
    if (caps_.cgroups) (void)RemoveScope(layout_, options_.scope);
  }

  const Capabilities& capabilities() const override { return caps_; }
  Result<std::unique_ptr<Instance>> Launch(const InstanceSpec& spec) override;
  void CleanupStale() override {
    if (layout_.mode != CgroupMode::kNone) {
      CleanupStaleScopes(layout_, options_.scope, "/proc", own_comm_);
    }
  }

 private:
  void DetectNamespaces();
  void DetectCgroups();
  bool ScopeExists() const {
    for (const std::string& dir : layout_.Dirs(options_.scope)) {
      if (::access(dir.c_str(), F_OK) != 0) return false;
    }
    return true;
  }

  LauncherOptions options_;
  Capabilities caps_;
  CgroupLayout layout_;
  std::string own_comm_;
};

void SandboxLauncher::DetectNamespaces() {
  if (::access(options_.helper_path.c_str(), X_OK) != 0) {
    caps_.warnings.push_back("sandbox helper " + options_.helper_path +
                             " is not executable: instances cannot start");
    return;
  }
  if (options_.disable_namespaces) {
    caps_.warnings.push_back("namespaces disabled by configuration: instances run on the host");
    return;
  }
  if (::geteuid() != 0) {
    caps_.warnings.push_back(
        "not running as root: instances run without namespaces (they see the host's files, "
        "processes and network) and as kumo's own user");
    return;
  }
  HelperConfig probe;
  probe.probe = true;
  auto h = SpawnHelper(options_.helper_path, probe);
  Result<Received> reply = h.ok() ? AwaitReply(*h) : Result<Received>(h.error());
  if (reply.ok() && reply->text.compare(0, 3, "OK ") == 0) {
    WaitFor(h->pid);
    caps_.namespaces = true;
    return;
  }
  std::string why = !reply.ok() ? reply.error().message : reply->text.substr(4);
  caps_.warnings.push_back("namespaces unavailable (" + why +
                           "): instances run without isolation from the host");
}

void SandboxLauncher::DetectCgroups() {
  caps_.cgroup_mode = "none";
  if (options_.disable_cgroups) {
    caps_.warnings.push_back("cgroups disabled by configuration: no memory or process limits");
    return;
  }
  layout_ = DetectCgroupLayout();
  if (layout_.mode == CgroupMode::kNone) {
    caps_.warnings.push_back("no cgroup memory controller found: no memory or process limits");
    return;
  }
  Status s = PrepareScope(layout_, options_.scope);
  if (!s.ok()) {
    caps_.warnings.push_back("cgroups " + layout_.ModeName() + " unusable (" + s.error().message +
                             "): no memory or process limits");
    return;
  }
  if (layout_.mode == CgroupMode::kV1 && layout_.pids_root.empty()) {
    caps_.warnings.push_back("cgroup v1 pids controller missing: no process count limit");
  }
  caps_.cgroups = true;
  caps_.cgroup_mode = layout_.ModeName();
}

Result<std::unique_ptr<Instance>> SandboxLauncher::Launch(const InstanceSpec& spec) {
  if (spec.argv.empty()) return MakeError(ErrorCode::kInvalidArgument, "no program to run");
  if (spec.code_dir.empty()) return MakeError(ErrorCode::kInvalidArgument, "no code folder");
  InstanceParts parts;
  HelperConfig config;
  if (caps_.cgroups) {
    CgroupLimits limits{spec.memory_bytes, spec.max_pids};
    auto created = InstanceCgroup::Create(layout_, options_.scope, spec.id, limits);
    if (!created.ok() && !ScopeExists()) {
      // Someone removed our scope (an admin, or another server's cleanup that took us for
      // stale): make it again rather than fail every launch from now on.
      KUMO_RETURN_IF_ERROR(PrepareScope(layout_, options_.scope));
      created = InstanceCgroup::Create(layout_, options_.scope, spec.id, limits);
    }
    KUMO_ASSIGN_OR_RETURN(InstanceCgroup cg, std::move(created));
    config.cgroup_procs = cg.ProcsFiles();
    parts.cgroup = std::move(cg);
  }
  config.namespaces = caps_.namespaces;
  config.code_dir = spec.code_dir;
  config.runtime_dir = spec.runtime_dir;
  config.tmp_bytes = spec.tmp_bytes;
  config.listen_ports = spec.listen_ports;
  config.env = spec.env;
  config.argv = spec.argv;

  // From here on, a failure must not leave the cgroup behind.
  auto fail = [&parts](Error e) -> Error {
    if (parts.cgroup) (void)parts.cgroup->Remove();
    return e;
  };
  auto h = SpawnHelper(options_.helper_path, config);
  if (!h.ok()) return fail(h.error());
  auto received = AwaitReply(*h);
  if (!received.ok()) return fail(received.error());
  auto reply = ParseReply(received->text);
  if (!reply.ok()) return fail(reply.error());
  size_t want_fds = reply->ports.size() + (reply->has_pidfd ? 1 : 0);
  if (reply->ports.size() != spec.listen_ports.size() || received->fds.size() != want_fds) {
    ::kill(h->pid, SIGKILL);
    WaitFor(h->pid);
    return fail(MakeError(ErrorCode::kInternal, "sandbox helper handed back the wrong fds"));
  }
  parts.helper_pid = h->pid;
  parts.helper_pidfd = std::move(h->pidfd);
  parts.output = std::move(h->output);
  parts.main_pid = reply->main_pid;
  for (size_t i = 0; i < reply->ports.size(); ++i) {
    parts.listeners.push_back(std::move(received->fds[i]));
    parts.addresses.push_back("127.0.0.1:" + std::to_string(reply->ports[i]));
  }
  if (reply->has_pidfd) parts.main_pidfd = std::move(received->fds.back());
  return std::unique_ptr<Instance>(std::make_unique<SandboxInstance>(std::move(parts)));
}

}  // namespace

std::unique_ptr<Launcher> Launcher::Create(LauncherOptions options) {
  return std::make_unique<SandboxLauncher>(std::move(options));
}

}  // namespace kumo::sandbox
