// CleanupStale against the real cgroup v1 tree: a scope of a dead server is emptied and removed,
// a scope of a live one is left alone. Needs root and v1 cgroups; skips elsewhere.

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"
#include "sandbox/launcher.h"

namespace kumo::sandbox {
namespace {

namespace fs = std::filesystem;

constexpr char kMemory[] = "/sys/fs/cgroup/memory/kumo/";
constexpr char kPids[] = "/sys/fs/cgroup/pids/kumo/";

std::string Scope(pid_t pid) { return std::string("s").append(std::to_string(pid)); }

// A child that waits to be killed; fork keeps our comm, so it looks like a live server of ours.
pid_t StartIdleChild() {
  pid_t pid = ::fork();
  if (pid == 0) {
    while (true) ::pause();
  }
  return pid;
}

class StaleCleanupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0 || !fs::exists("/sys/fs/cgroup/memory")) {
      GTEST_SKIP() << "needs root and cgroup v1 memory at /sys/fs/cgroup/memory";
    }
    launcher_ = Launcher::Create({KUMO_SANDBOX_HELPER, Scope(::getpid())});
    if (launcher_->capabilities().cgroup_mode != "v1") GTEST_SKIP() << "needs cgroup v1";
  }
  void TearDown() override {
    for (pid_t pid : children_) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
    // Deepest first; rmdir on cgroupfs ignores the interface files.
    for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) ::rmdir(it->c_str());
    launcher_.reset();
  }
  void MakeScope(const std::string& scope) {
    for (const char* root : {kMemory, kPids}) {
      for (const std::string& rel : {scope, scope + "/inst"}) {
        std::string dir = root + rel;
        ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0) << dir << ": " << std::strerror(errno);
        dirs_.push_back(dir);
      }
    }
  }

  std::unique_ptr<Launcher> launcher_;
  std::vector<pid_t> children_;
  std::vector<std::string> dirs_;
};

TEST_F(StaleCleanupTest, RemovesDeadScopeAndKillsItsProcesses) {
  pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  ASSERT_EQ(::waitpid(dead, nullptr, 0), dead);
  std::string stale = Scope(dead);
  MakeScope(stale);

  // A leftover instance process in the stale scope.
  pid_t leftover;
  char sleep_arg0[] = "sleep", sleep_arg1[] = "100";
  char* args[] = {sleep_arg0, sleep_arg1, nullptr};
  ASSERT_EQ(::posix_spawn(&leftover, "/bin/sleep", nullptr, nullptr, args, environ), 0);
  children_.push_back(leftover);
  std::ofstream(std::string(kMemory) + stale + "/inst/cgroup.procs") << leftover;

  pid_t live = StartIdleChild();
  ASSERT_GT(live, 0);
  children_.push_back(live);
  std::string live_scope = Scope(live);
  MakeScope(live_scope);

  int leftover_pidfd = static_cast<int>(::syscall(SYS_pidfd_open, leftover, 0));
  ASSERT_GE(leftover_pidfd, 0);
  launcher_->CleanupStale();

  pollfd pfd{leftover_pidfd, POLLIN, 0};
  int ready = ::poll(&pfd, 1, 10000);
  ::close(leftover_pidfd);
  ASSERT_EQ(ready, 1) << "the leftover process was not killed";
  int status = 0;
  ASSERT_EQ(::waitpid(leftover, &status, 0), leftover);
  children_.erase(children_.begin());
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  for (const char* root : {kMemory, kPids}) {
    EXPECT_FALSE(fs::exists(root + stale)) << root << stale;
    EXPECT_TRUE(fs::exists(root + live_scope + "/inst")) << root << live_scope;
  }
}

}  // namespace
}  // namespace kumo::sandbox
