// The fallbacks for hosts without namespaces or cgroups, forced through LauncherOptions so they
// run here too: the program runs on the host in its code folder, reaches its listening socket at
// an ephemeral port that its environment is rewritten to, and still exits and is killed properly.

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
#include "sandbox/launcher.h"

namespace kumo::sandbox {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string ReadAll(int fd) {
  std::string out;
  char buf[4096];
  while (true) {
    pollfd pfd{fd, POLLIN, 0};
    if (::poll(&pfd, 1, 30000) <= 0) {
      ADD_FAILURE() << "no EOF on the output";
      return out;
    }
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

class FallbackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    LauncherOptions options;
    options.helper_path = KUMO_SANDBOX_HELPER;
    options.scope = std::string("s").append(std::to_string(::getpid()));
    options.disable_namespaces = true;
    options.disable_cgroups = true;
    launcher_ = Launcher::Create(options);
    std::string tmpl = (fs::temp_directory_path() / "kumo-fallback-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr) << std::strerror(errno);
    code_dir_ = tmpl;
    fs::permissions(code_dir_, fs::perms::owner_all | fs::perms::group_read |
                                   fs::perms::group_exec | fs::perms::others_read |
                                   fs::perms::others_exec);
  }
  void TearDown() override {
    launcher_.reset();
    if (!code_dir_.empty()) fs::remove_all(code_dir_);
  }

  std::unique_ptr<Launcher> launcher_;
  std::string code_dir_;
};

TEST_F(FallbackTest, CapabilitiesSayWhatIsMissing) {
  const Capabilities& caps = launcher_->capabilities();
  EXPECT_FALSE(caps.namespaces);
  EXPECT_FALSE(caps.cgroups);
  EXPECT_EQ(caps.cgroup_mode, "none");
  EXPECT_EQ(caps.warnings.size(), 2u);
}

TEST_F(FallbackTest, RunsOnHostWithEphemeralPortInItsEnvironment) {
  std::ofstream(code_dir_ + "/client.py")
      << "import os, socket\n"
         "print('cwd', os.getcwd())\n"
         "print('uid', os.getuid() if os.getuid() != 0 else 'root')\n"
         "host, port = os.environ['API'].split(':')\n"
         "s = socket.create_connection((host, int(port)), timeout=20)\n"
         "s.sendall(b'ping'); print('got', s.recv(4).decode())\n";
  InstanceSpec spec;
  spec.id = "fb1";
  spec.code_dir = code_dir_;
  spec.argv = {"/usr/bin/python3", "-I", "/var/task/client.py"};
  spec.env = {"API=127.0.0.1:9001"};
  spec.listen_ports = {9001};
  auto instance = launcher_->Launch(spec);
  ASSERT_TRUE(instance.ok()) << instance.error().message;
  ASSERT_EQ((*instance)->listen_fds().size(), 1u);
  std::string address = (*instance)->listen_addresses()[0];
  EXPECT_THAT(address, ::testing::StartsWith("127.0.0.1:"));
  EXPECT_NE(address, "127.0.0.1:0");

  int conn = ::accept4((*instance)->listen_fds()[0], nullptr, nullptr, SOCK_CLOEXEC);
  ASSERT_GE(conn, 0) << std::strerror(errno);
  char buf[4];
  ASSERT_EQ(::recv(conn, buf, 4, MSG_WAITALL), 4);
  ASSERT_EQ(::send(conn, "pong", 4, MSG_NOSIGNAL), 4);
  ::close(conn);
  std::string output = ReadAll((*instance)->output_fd());
  EXPECT_THAT(output, HasSubstr("cwd " + code_dir_ + "\n"));
  if (::geteuid() == 0) {
    EXPECT_THAT(output, HasSubstr("uid 65534\n"));
  }
  EXPECT_THAT(output, HasSubstr("got pong\n"));
  EXPECT_EQ((*instance)->Reap(), 0) << output;
  EXPECT_EQ((*instance)->MaxMemoryUsedBytes(), 0u);
  EXPECT_FALSE((*instance)->OomKilled());
}

TEST_F(FallbackTest, KillAndExecErrorsStillWork) {
  InstanceSpec spec;
  spec.id = "fb2";
  spec.code_dir = code_dir_;
  spec.argv = {"/bin/sleep", "100"};
  auto instance = launcher_->Launch(spec);
  ASSERT_TRUE(instance.ok()) << instance.error().message;
  (*instance)->Kill();
  int status = (*instance)->Reap();
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;

  spec.argv = {"/var/task/missing"};
  auto missing = launcher_->Launch(spec);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "exec /var/task/missing: No such file or directory");
}

}  // namespace
}  // namespace kumo::sandbox
