#pragma once
// Starts function instances in sandboxes. An instance is a process tree in its own PID, mount,
// IPC, UTS and network namespaces, in its own cgroup (memory and pid limits), running as an
// unprivileged user without capabilities, under a seccomp filter, with the code read-only at
// /var/task, kumo's runtime shims read-only at /opt/kumo and a private size-limited /tmp.
//
// The sandbox is set up by the small `kumo-sandbox` helper binary (src/sandbox/helper_main.cc),
// which the launcher starts with posix_spawn so the big server is never fork()ed. The helper
// hands back, over a unix socket, the listening sockets it created inside the instance's network
// namespace: only that instance can connect to them, which makes each instance's Runtime API
// channel private.
//
// Hosts that lack a part still run instances, without that part (see Capabilities). Without
// namespaces the program runs on the host's filesystem and network, in code_dir, as uid 65534
// if kumo is root, with "/var/task" and "/opt/kumo" in its argv rewritten to the host folders;
// its listening sockets are on ephemeral host ports (see listen_addresses).
//
// Not thread-safe: the server's event loop thread calls it.

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/unique_fd.h"

namespace kumo::sandbox {

struct InstanceSpec {
  std::string id;                 // unique per instance; names its cgroup
  std::string code_dir;           // host folder bind-mounted read-only at /var/task
  std::string runtime_dir;        // host folder bind-mounted read-only at /opt/kumo
  std::vector<std::string> argv;  // argv[0] is the program, resolved inside the sandbox
  std::vector<std::string> env;   // "K=V", the whole environment of the program
  uint64_t memory_bytes = 128ull << 20;
  uint64_t tmp_bytes = 512ull << 20;  // size of the private /tmp
  int max_pids = 1024;
  // Ports inside the instance's network namespace on 127.0.0.1 for which the helper creates a
  // listening socket and hands it back (the Runtime API, kumo's API for the function's SDK).
  std::vector<uint16_t> listen_ports;
};

// What this host lets kumo enforce. Missing parts are logged at start; tests that need them skip.
struct Capabilities {
  bool namespaces = false;            // pid, mount, ipc, uts, net namespaces (needs root)
  bool cgroups = false;               // memory and pids limits
  std::string cgroup_mode;            // "v1", "v2" or "none"
  std::vector<std::string> warnings;  // one line each, for the start-up log
};

class Instance {
 public:
  virtual ~Instance() = default;
  // Host pid of the helper process that supervises the instance. It exits when the instance's
  // main process exits, with the same status: the same exit code, or death by the same signal
  // (the helper re-raises it, so waitpid sees WIFSIGNALED; SIGKILL stays SIGKILL). Setup
  // failures never reach here: Launch reports them.
  virtual pid_t pid() const = 0;
  // A pidfd for pid() (readable when it exits), for the event loop to watch.
  virtual int pidfd() const = 0;
  // Read end of the pipe that receives the instance's stdout and stderr.
  virtual int output_fd() const = 0;
  // Listening sockets, in the order of InstanceSpec::listen_ports. The Instance owns them.
  virtual std::vector<int> listen_fds() const = 0;
  // Hands the listening sockets over, in the same order; the Instance keeps none afterwards
  // (listen_fds() is then empty). Whoever serves them owns them, so closing one really closes
  // it (a duplicate left open here would keep its epoll registration alive).
  virtual std::vector<UniqueFd> TakeListenFds() = 0;
  // The host:port the instance's program reaches each listening socket at, in the same order.
  // With a network namespace that is 127.0.0.1 and the requested port; without one (not root)
  // the helper binds ephemeral host ports instead and the channel is not private; it then also
  // rewrites "127.0.0.1:<requested port>" in InstanceSpec::env values to the bound port.
  virtual std::vector<std::string> listen_addresses() const = 0;
  // Peak memory use of the instance's cgroup in bytes (0 if unknown). Like OomKilled, still
  // valid after Reap (read just before the cgroup is removed).
  virtual uint64_t MaxMemoryUsedBytes() const = 0;
  // True if the kernel killed a process of this instance for exceeding its memory limit.
  virtual bool OomKilled() const = 0;
  // Asks the instance's main process to stop (SIGTERM); Kill() follows if it does not.
  virtual void Terminate() = 0;
  // Kills every process of the instance with SIGKILL. Safe to call more than once.
  virtual void Kill() = 0;
  // After the helper has exited: reaps it and returns its wait status (as waitpid gives it).
  // Also kills leftovers and removes the cgroup. Call once, when pidfd() becomes readable (it
  // blocks until the helper exits); later calls return the same status. Destroying an Instance
  // that was not reaped kills and reaps it.
  virtual int Reap() = 0;
  // Whether the helper has exited (and Reap would not block), without reaping it. The loop
  // checks before reaping: a readiness report of the pidfd can be spurious (epoll keeps
  // reporting a socket whose duplicate was closed, to whatever watch reuses its slot), and a
  // blocking wait on the loop thread would freeze the server.
  virtual bool HasExited() = 0;
};

struct LauncherOptions {
  std::string helper_path;  // the kumo-sandbox binary
  // Names this server's cgroups: <controller>/kumo/<scope>/<instance id>. The scope holds the
  // server's pid so that a later start can find and remove what a crashed run left behind.
  std::string scope;
  // Force the fallbacks even where the host offers more (tests of the fallbacks, debugging):
  // no namespaces means the program runs on the host's filesystem and network; no cgroups means
  // no memory or process limits.
  bool disable_namespaces = false;
  bool disable_cgroups = false;
};

// Owns the scope's cgroups: destroying it kills every instance still running and removes them,
// so it must outlive its Instances.
class Launcher {
 public:
  // Never fails: what the host cannot do is listed in capabilities(), and Launch does without.
  static std::unique_ptr<Launcher> Create(LauncherOptions options);
  virtual ~Launcher() = default;
  virtual const Capabilities& capabilities() const = 0;
  // Starts an instance; returns once the helper has set up the sandbox and handed back the
  // listening sockets (or reported why it could not).
  // Blocks for the setup (a few ms; cgroup v1 attach has longer tails). The error text says what
  // failed, e.g. "exec /var/task/bootstrap: No such file or directory" or "mount /var/task: ...".
  // code_dir and runtime_dir must be readable by uid 65534 (the instance's user).
  virtual Result<std::unique_ptr<Instance>> Launch(const InstanceSpec& spec) = 0;
  // Kills processes and removes cgroups left by kumo servers that are no longer running.
  virtual void CleanupStale() = 0;
};

}  // namespace kumo::sandbox
