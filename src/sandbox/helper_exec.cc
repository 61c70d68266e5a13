// The instance process: pid 1 of the new pid namespace (or a plain child on hosts without
// namespaces). Everything here happens between fork() and execve() of a single-threaded helper.

#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sandbox/helper_steps.h"

namespace kumo::sandbox::helper {
namespace {

constexpr char kDefaultPath[] = "/usr/local/bin:/usr/bin:/bin";

[[noreturn]] void Fail(int status_fd, const std::string& message) {
  // The helper relays this line as Launch's error; a short write just loses the tail.
  ssize_t unused = ::write(status_fd, message.data(), message.size());
  (void)unused;
  ::_exit(127);
}

bool HasPrefixFolder(const std::string& s, const std::string& folder) {
  return s.compare(0, folder.size(), folder) == 0 &&
         (s.size() == folder.size() || s[folder.size()] == '/');
}

}  // namespace

std::vector<std::string> RewriteHostPaths(const std::vector<std::string>& argv,
                                          const HelperConfig& config) {
  std::vector<std::string> out;
  for (const std::string& arg : argv) {
    if (HasPrefixFolder(arg, "/var/task")) {
      out.push_back(config.code_dir + arg.substr(9));
    } else if (!config.runtime_dir.empty() && HasPrefixFolder(arg, "/opt/kumo")) {
      out.push_back(config.runtime_dir + arg.substr(9));
    } else {
      out.push_back(arg);
    }
  }
  return out;
}

std::vector<std::string> RewriteEnvPorts(const std::vector<std::string>& env,
                                         const std::vector<uint16_t>& requested,
                                         const std::vector<uint16_t>& bound) {
  std::vector<std::string> out = env;
  for (std::string& e : out) {
    size_t eq = e.find('=');
    if (eq == std::string::npos) continue;
    for (size_t i = 0; i < requested.size() && i < bound.size(); ++i) {
      std::string from = "127.0.0.1:" + std::to_string(requested[i]);
      std::string to = "127.0.0.1:" + std::to_string(bound[i]);
      for (size_t pos = e.find(from, eq); pos != std::string::npos; pos = e.find(from, pos)) {
        size_t end = pos + from.size();
        if (end < e.size() && e[end] >= '0' && e[end] <= '9') {  // 127.0.0.1:90010 is another port
          pos = end;
          continue;
        }
        e.replace(pos, from.size(), to);
        pos += to.size();
      }
    }
  }
  return out;
}

std::string ResolveProgram(const std::string& program, const std::vector<std::string>& env) {
  if (program.empty() || program.find('/') != std::string::npos) return program;
  std::string path = kDefaultPath;
  for (const std::string& e : env) {
    if (e.compare(0, 5, "PATH=") == 0) path = e.substr(5);
  }
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string dir = path.substr(start, end - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return program;
}

void RunInstance(const HelperConfig& config, const std::vector<uint16_t>& bound_ports,
                 int status_fd) {
  std::vector<std::string> argv = config.argv;
  std::vector<std::string> env = config.env;
  if (config.namespaces) {
    if (::unshare(CLONE_NEWNS) != 0) Fail(status_fd, ErrnoText("unshare mount namespace"));
    std::string err = BuildRoot(config);
    if (!err.empty()) Fail(status_fd, err);
    if (::sethostname(config.hostname.data(), config.hostname.size()) != 0) {
      Fail(status_fd, ErrnoText("sethostname"));
    }
    if (::chdir("/var/task") != 0) Fail(status_fd, ErrnoText("chdir /var/task"));
  } else {
    // Best effort on hosts without namespaces: the program sees the host's filesystem, so the
    // sandbox paths in its arguments are pointed at the host folders.
    argv = RewriteHostPaths(argv, config);
    env = RewriteEnvPorts(env, config.listen_ports, bound_ports);
    // Values such as LAMBDA_TASK_ROOT=/var/task must name the host folders too.
    for (std::string& e : env) {
      size_t eq = e.find('=');
      if (eq == std::string::npos) continue;
      e = e.substr(0, eq + 1) + RewriteHostPaths({e.substr(eq + 1)}, config)[0];
    }
    if (::chdir(config.code_dir.c_str()) != 0)
      Fail(status_fd, ErrnoText("chdir " + config.code_dir));
  }
  std::string err = DropPrivileges();
  if (!err.empty()) Fail(status_fd, err);
  // Set after the uid change, which clears it: the instance must not outlive its helper.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  err = LoadSeccompFilter();
  if (!err.empty()) Fail(status_fd, err);

  std::string program = ResolveProgram(argv[0], env);
  std::vector<char*> c_argv;
  for (const std::string& a : argv) c_argv.push_back(const_cast<char*>(a.c_str()));
  c_argv.push_back(nullptr);
  std::vector<char*> c_env;
  for (const std::string& e : env) c_env.push_back(const_cast<char*>(e.c_str()));
  c_env.push_back(nullptr);
  ::execve(program.c_str(), c_argv.data(), c_env.data());
  Fail(status_fd, ErrnoText("exec " + config.argv[0]));  // the name the user gave
}

}  // namespace kumo::sandbox::helper
