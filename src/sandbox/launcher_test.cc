// Runs real sandboxes: needs root, namespaces and cgroups, and skips with a message elsewhere.

#include "sandbox/launcher.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kumo::sandbox {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr int kTimeoutMs = 30000;

// Reads until EOF, which comes when the instance and its helper have both exited.
std::string ReadAll(int fd) {
  std::string out;
  char buf[4096];
  while (true) {
    pollfd pfd{fd, POLLIN, 0};
    if (::poll(&pfd, 1, kTimeoutMs) <= 0) {
      ADD_FAILURE() << "no output or EOF within " << kTimeoutMs << " ms";
      return out;
    }
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

// Reads until `want` has appeared in the output (the instance's way of saying "I am ready").
std::string ReadUntil(int fd, const std::string& want) {
  std::string out;
  char buf[512];
  while (out.find(want) == std::string::npos) {
    pollfd pfd{fd, POLLIN, 0};
    if (::poll(&pfd, 1, kTimeoutMs) <= 0) break;
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

class LauncherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "sandbox tests need root (namespaces and cgroups)";
    scope_ = std::string("s").append(std::to_string(::getpid()));
    launcher_ = Launcher::Create({KUMO_SANDBOX_HELPER, scope_});
    const Capabilities& caps = launcher_->capabilities();
    if (!caps.namespaces || !caps.cgroups) {
      std::string why;
      for (const auto& w : caps.warnings) why += w + "; ";
      GTEST_SKIP() << "sandbox tests need namespaces and cgroups: " << why;
    }
    code_dir_ = MakeTempDir("kumo-code-");
    // World-writable so that only the read-only mount can stop a write from the instance.
    fs::permissions(code_dir_, fs::perms::all);
    std::ofstream(code_dir_ + "/handler.txt") << "hello from code\n";
  }

  void TearDown() override {
    launcher_.reset();  // removes the scope's cgroups
    for (const auto& dir : temp_dirs_) fs::remove_all(dir);
  }

  std::string MakeTempDir(const std::string& prefix) {
    std::string tmpl = (fs::temp_directory_path() / (prefix + "XXXXXX")).string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      ADD_FAILURE() << "mkdtemp: " << std::strerror(errno);
      return "/nonexistent";
    }
    temp_dirs_.push_back(tmpl);
    return tmpl;
  }

  InstanceSpec Spec(std::vector<std::string> argv) {
    InstanceSpec spec;
    spec.id = std::string("t").append(std::to_string(next_id_++));
    spec.code_dir = code_dir_;
    spec.argv = std::move(argv);
    spec.env = {"PATH=/usr/bin:/bin", "LANG=C"};
    return spec;
  }
  InstanceSpec Shell(const std::string& script) { return Spec({"/bin/sh", "-c", script}); }

  // The instance's cgroup folders in the v1 memory and pids hierarchies.
  std::vector<std::string> CgroupDirs(const std::string& id) {
    return {"/sys/fs/cgroup/memory/kumo/" + scope_ + "/" + id,
            "/sys/fs/cgroup/pids/kumo/" + scope_ + "/" + id};
  }

  struct Run {
    std::string output;
    int status = 0;
  };
  Run LaunchAndWait(const InstanceSpec& spec) {
    auto instance = launcher_->Launch(spec);
    if (!instance.ok()) {
      ADD_FAILURE() << "launch: " << instance.error().message;
      return {};
    }
    Run run;
    run.output = ReadAll((*instance)->output_fd());
    run.status = (*instance)->Reap();
    return run;
  }

  std::string scope_;
  std::unique_ptr<Launcher> launcher_;
  std::string code_dir_;
  std::vector<std::string> temp_dirs_;
  int next_id_ = 0;
};

TEST_F(LauncherTest, OutputArrivesAndExitCodePropagates) {
  Run run = LaunchAndWait(Shell("echo to-stdout; echo to-stderr >&2; exit 3"));
  EXPECT_THAT(run.output, HasSubstr("to-stdout\n"));
  EXPECT_THAT(run.output, HasSubstr("to-stderr\n"));
  ASSERT_TRUE(WIFEXITED(run.status)) << run.status;
  EXPECT_EQ(WEXITSTATUS(run.status), 3);
}

TEST_F(LauncherTest, EnvironmentIsExactlyTheSpec) {
  InstanceSpec spec = Spec({"/usr/bin/env"});
  spec.env = {"ONLY=this"};
  Run run = LaunchAndWait(spec);
  EXPECT_EQ(run.output, "ONLY=this\n");
}

TEST_F(LauncherTest, EnvironmentIsNotVisibleInHelperCommandLine) {
  InstanceSpec spec = Shell("echo ready; sleep 100");
  spec.env = {"SECRET=hunter2-value"};
  auto instance = launcher_->Launch(spec);
  ASSERT_TRUE(instance.ok()) << instance.error().message;
  ReadUntil((*instance)->output_fd(), "ready\n");
  std::ifstream in("/proc/" + std::to_string((*instance)->pid()) + "/cmdline");
  std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_THAT(cmdline, HasSubstr("kumo-sandbox"));
  EXPECT_THAT(cmdline, Not(HasSubstr("hunter2")));
  (*instance)->Kill();
  (*instance)->Reap();
}

TEST_F(LauncherTest, KillEndsInstanceWithSigkill) {
  InstanceSpec spec = Shell("echo ready; sleep 100; echo not-killed");
  auto instance = launcher_->Launch(spec);
  ASSERT_TRUE(instance.ok()) << instance.error().message;
  ASSERT_THAT(ReadUntil((*instance)->output_fd(), "ready\n"), HasSubstr("ready"));
  EXPECT_FALSE((*instance)->HasExited());
  (*instance)->Kill();
  (*instance)->Kill();  // twice is harmless
  pollfd pfd{(*instance)->pidfd(), POLLIN, 0};
  ASSERT_EQ(::poll(&pfd, 1, kTimeoutMs), 1) << "pidfd did not become readable";
  EXPECT_TRUE((*instance)->HasExited());
  EXPECT_TRUE((*instance)->HasExited()) << "asking does not reap";
  int status = (*instance)->Reap();
  ASSERT_TRUE(WIFSIGNALED(status)) << status;
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  EXPECT_THAT(ReadAll((*instance)->output_fd()), Not(HasSubstr("not-killed")));
  for (const auto& dir : CgroupDirs(spec.id)) EXPECT_FALSE(fs::exists(dir)) << dir;
}

TEST_F(LauncherTest, SignalDeathPropagates) {
  // A real fault: pid 1 of a namespace ignores signals from inside it, but not the kernel's.
  Run run =
      LaunchAndWait(Spec({"/usr/bin/python3", "-I", "-c", "import ctypes; ctypes.string_at(0)"}));
  ASSERT_TRUE(WIFSIGNALED(run.status)) << run.status;
  EXPECT_EQ(WTERMSIG(run.status), SIGSEGV);
}

TEST_F(LauncherTest, SeesOnlyItsOwnProcesses) {
  // The glob is expanded by pid 1 itself, before any child exists.
  Run run = LaunchAndWait(Shell("echo pid=$$; for p in /proc/[0-9]*; do echo proc=$p; done"));
  EXPECT_EQ(run.output, "pid=1\nproc=/proc/1\n");
}

TEST_F(LauncherTest, FilesystemIsConfined) {
  std::string secret_dir = MakeTempDir("kumo-secret-");
  std::ofstream(secret_dir + "/secret") << "x";
  Run run = LaunchAndWait(Shell(
      "pwd; cat /var/task/handler.txt; touch /var/task/new; "
      "echo tmp-ok > /tmp/f && cat /tmp/f; "
      "test -e " +
      secret_dir +
      "/secret && echo secret-visible; "
      "test -e /work && echo work-visible; test -e /root && echo root-visible; "
      "echo uid=$(id -u) gid=$(id -g) groups=$(id -G); "
      "grep -E '^Cap(Eff|Prm|Inh|Bnd|Amb)' /proc/self/status; grep NoNewPrivs /proc/self/status; "
      "cat /proc/sys/kernel/hostname; touch /usr/x; echo hi > /dev/null && echo devnull-ok; "
      "echo fds: $(ls /proc/self/fd)"));
  EXPECT_THAT(run.output, HasSubstr("/var/task\nhello from code\n"));
  EXPECT_THAT(run.output, HasSubstr("/var/task/new': Read-only file system"));
  EXPECT_FALSE(fs::exists(code_dir_ + "/new"));
  EXPECT_THAT(run.output, HasSubstr("tmp-ok\n"));
  EXPECT_THAT(run.output, Not(HasSubstr("visible")));
  EXPECT_THAT(run.output, HasSubstr("uid=65534 gid=65534 groups=65534\n"));
  for (const char* set : {"CapEff", "CapPrm", "CapInh", "CapBnd", "CapAmb"}) {
    EXPECT_THAT(run.output, HasSubstr(std::string(set) + ":\t0000000000000000\n"));
  }
  EXPECT_THAT(run.output, HasSubstr("NoNewPrivs:\t1\n"));
  EXPECT_THAT(run.output, HasSubstr("kumo\n"));
  EXPECT_THAT(run.output, HasSubstr("/usr/x': Read-only file system"));
  EXPECT_THAT(run.output, HasSubstr("devnull-ok"));
  EXPECT_THAT(run.output, HasSubstr("fds: 0 1 2 3\n"));  // 3 is ls's own; nothing leaked
  EXPECT_TRUE(WIFEXITED(run.status) && WEXITSTATUS(run.status) == 0) << run.output;
}

TEST_F(LauncherTest, SeccompRefusesSandboxEscapes) {
  // unshare(CLONE_NEWUSER) is allowed to an unprivileged user by the kernel here, so EPERM can
  // only come from the filter; mount is checked too. fork must still work.
  Run run =
      LaunchAndWait(Spec({"/usr/bin/python3", "-I", "-c",
                          "import ctypes, os\n"
                          "libc = ctypes.CDLL(None, use_errno=True)\n"
                          "r = libc.unshare(0x10000000)\n"
                          "print('unshare', r, ctypes.get_errno())\n"
                          "r = libc.mount(b'none', b'/tmp', b'tmpfs', 0, None)\n"
                          "print('mount', r, ctypes.get_errno())\n"
                          "pid = os.fork()\n"
                          "if pid == 0: os._exit(7)\n"
                          "print('fork', os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))\n"}));
  EXPECT_THAT(run.output, HasSubstr("unshare -1 1\n"));
  EXPECT_THAT(run.output, HasSubstr("mount -1 1\n"));
  EXPECT_THAT(run.output, HasSubstr("fork 7\n"));
}

constexpr char kClient[] =
    "import socket, sys\n"
    "try:\n"
    "    s = socket.create_connection(('127.0.0.1', 9001), timeout=20)\n"
    "except OSError as e:\n"
    "    print('connect failed', e.errno); sys.exit(0)\n"
    "s.sendall(b'ping'); print('got', s.recv(4).decode())\n";

TEST_F(LauncherTest, ListeningSocketIsHandedBackAndPrivate) {
  InstanceSpec a_spec = Spec({"/usr/bin/python3", "-I", "-c", kClient});
  a_spec.listen_ports = {9001};
  auto a = launcher_->Launch(a_spec);
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_EQ((*a)->listen_fds().size(), 1u);
  EXPECT_EQ((*a)->listen_addresses(), std::vector<std::string>{"127.0.0.1:9001"});
  // Taken over, the socket is the caller's alone.
  std::vector<UniqueFd> taken = (*a)->TakeListenFds();
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_TRUE((*a)->listen_fds().empty());
  int listen_fd = taken[0].get();
  pollfd pfd{listen_fd, POLLIN, 0};
  ASSERT_EQ(::poll(&pfd, 1, kTimeoutMs), 1);
  int conn = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
  ASSERT_GE(conn, 0);
  char buf[4];
  ASSERT_EQ(::recv(conn, buf, 4, MSG_WAITALL), 4);
  EXPECT_EQ(std::string(buf, 4), "ping");
  ASSERT_EQ(::send(conn, "pong", 4, MSG_NOSIGNAL), 4);
  ::close(conn);
  EXPECT_THAT(ReadAll((*a)->output_fd()), HasSubstr("got pong\n"));
  (*a)->Reap();

  // A second instance, same port number in its own namespace, and one without a listener.
  InstanceSpec first_spec = Shell("echo up; sleep 100");
  first_spec.listen_ports = {9001};
  auto first = launcher_->Launch(first_spec);
  ASSERT_TRUE(first.ok()) << first.error().message;
  ReadUntil((*first)->output_fd(), "up\n");
  Run other = LaunchAndWait(Spec({"/usr/bin/python3", "-I", "-c", kClient}));
  EXPECT_THAT(other.output, HasSubstr("connect failed 111\n"));  // ECONNREFUSED
  pollfd first_pfd{(*first)->listen_fds()[0], POLLIN, 0};
  EXPECT_EQ(::poll(&first_pfd, 1, 0), 0) << "the other instance reached the first's socket";
  (*first)->Kill();
  (*first)->Reap();
}

TEST_F(LauncherTest, MemoryLimitKillsAndIsReported) {
  InstanceSpec spec =
      Spec({"/usr/bin/python3", "-I", "-c", "b = b'x' * (300 << 20)\nprint('allocated', len(b))"});
  spec.memory_bytes = 64ull << 20;
  auto instance = launcher_->Launch(spec);
  ASSERT_TRUE(instance.ok()) << instance.error().message;
  std::string output = ReadAll((*instance)->output_fd());
  int status = (*instance)->Reap();
  EXPECT_THAT(output, Not(HasSubstr("allocated")));
  ASSERT_TRUE(WIFSIGNALED(status)) << status << " " << output;
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  EXPECT_TRUE((*instance)->OomKilled());
  EXPECT_GT((*instance)->MaxMemoryUsedBytes(), 32ull << 20);
  EXPECT_LE((*instance)->MaxMemoryUsedBytes(), 64ull << 20);
}

TEST_F(LauncherTest, WithinMemoryLimitIsNotOomKilled) {
  InstanceSpec spec = Shell("head -c 8M /dev/zero | tail -c 1 | wc -c");
  spec.memory_bytes = 64ull << 20;
  auto instance = launcher_->Launch(spec);
  ASSERT_TRUE(instance.ok()) << instance.error().message;
  EXPECT_EQ(ReadAll((*instance)->output_fd()), "1\n");
  EXPECT_EQ((*instance)->Reap(), 0);
  EXPECT_FALSE((*instance)->OomKilled());
  EXPECT_GT((*instance)->MaxMemoryUsedBytes(), 0u);
}

TEST_F(LauncherTest, PidsLimitStopsForkBombs) {
  InstanceSpec spec = Shell("for i in 1 2 3 4 5 6 7 8 9 10; do sleep 100 & done 2>&1; echo done");
  spec.max_pids = 5;
  Run run = LaunchAndWait(spec);
  EXPECT_THAT(run.output, HasSubstr("fork"));  // "Cannot fork" / "can't fork" from the shell
}

TEST_F(LauncherTest, MissingProgramFailsClearlyAndLeavesNoCgroup) {
  InstanceSpec spec = Spec({"/var/task/bootstrap"});
  auto instance = launcher_->Launch(spec);
  ASSERT_FALSE(instance.ok());
  EXPECT_EQ(instance.error().message, "exec /var/task/bootstrap: No such file or directory");
  for (const auto& dir : CgroupDirs(spec.id)) EXPECT_FALSE(fs::exists(dir)) << dir;

  std::ofstream(code_dir_ + "/not-executable") << "#!/bin/sh\n";
  instance = launcher_->Launch(Spec({"/var/task/not-executable"}));
  ASSERT_FALSE(instance.ok());
  EXPECT_EQ(instance.error().message, "exec /var/task/not-executable: Permission denied");

  spec = Spec({"/bin/true"});
  spec.code_dir = code_dir_ + "/missing";
  instance = launcher_->Launch(spec);
  ASSERT_FALSE(instance.ok());
  EXPECT_EQ(instance.error().message, "mount /var/task: No such file or directory");
  for (const auto& dir : CgroupDirs(spec.id)) EXPECT_FALSE(fs::exists(dir)) << dir;
}

TEST_F(LauncherTest, RecreatesItsScopeIfRemovedBehindItsBack) {
  for (const auto& dir : CgroupDirs("x")) {
    ASSERT_EQ(::rmdir(fs::path(dir).parent_path().c_str()), 0) << dir;
  }
  Run run = LaunchAndWait(Shell("echo still-works"));
  EXPECT_EQ(run.output, "still-works\n");
}

TEST_F(LauncherTest, ReapRemovesCgroup) {
  InstanceSpec spec = Shell("exit 0");
  auto instance = launcher_->Launch(spec);
  ASSERT_TRUE(instance.ok()) << instance.error().message;
  for (const auto& dir : CgroupDirs(spec.id)) EXPECT_TRUE(fs::exists(dir)) << dir;
  EXPECT_EQ((*instance)->Reap(), 0);
  for (const auto& dir : CgroupDirs(spec.id)) EXPECT_FALSE(fs::exists(dir)) << dir;
}

TEST_F(LauncherTest, DroppedInstanceIsKilledAndCleanedUp) {
  InstanceSpec spec = Shell("echo ready; sleep 100");
  pid_t helper;
  {
    auto instance = launcher_->Launch(spec);
    ASSERT_TRUE(instance.ok()) << instance.error().message;
    ReadUntil((*instance)->output_fd(), "ready\n");
    helper = (*instance)->pid();
  }
  EXPECT_EQ(::kill(helper, 0), -1);
  for (const auto& dir : CgroupDirs(spec.id)) EXPECT_FALSE(fs::exists(dir)) << dir;
}

}  // namespace
}  // namespace kumo::sandbox
