// The launcher-helper contract: argv flags, the reply line, fd passing, and the helper's pure
// path logic.

#include "sandbox/helper_config.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"
#include "sandbox/helper_protocol.h"
#include "sandbox/helper_steps.h"

namespace kumo::sandbox {
namespace {

namespace fs = std::filesystem;

TEST(HelperConfigTest, RoundTripsThroughArgs) {
  HelperConfig c;
  c.namespaces = false;
  c.code_dir = "/data/code/abc";
  c.runtime_dir = "/opt/x";
  c.tmp_bytes = 12345;
  c.hostname = "h";
  c.cgroup_procs = {"/a/cgroup.procs", "/b/cgroup.procs"};
  c.listen_ports = {9001, 65535};
  c.env = {"A=1", "B=--=x", "EMPTY="};
  c.argv = {"/bin/sh", "-c", "--env=not-a-flag", "--"};
  auto parsed = ParseHelperArgs(ToHelperArgs(c));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_FALSE(parsed->probe);
  EXPECT_FALSE(parsed->namespaces);
  EXPECT_EQ(parsed->code_dir, c.code_dir);
  EXPECT_EQ(parsed->runtime_dir, c.runtime_dir);
  EXPECT_EQ(parsed->tmp_bytes, c.tmp_bytes);
  EXPECT_EQ(parsed->hostname, "h");
  EXPECT_EQ(parsed->cgroup_procs, c.cgroup_procs);
  EXPECT_EQ(parsed->listen_ports, c.listen_ports);
  EXPECT_EQ(parsed->env, c.env);
  EXPECT_EQ(parsed->argv, c.argv);
}

TEST(HelperProtocolTest, EncodesArgsWithNuls) {
  std::vector<std::string> args = {"--env=A=1", "", "x y", "--"};
  auto decoded = DecodeArgs(EncodeArgs(args));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, args);
  EXPECT_EQ(DecodeArgs(""), std::vector<std::string>{});
  EXPECT_EQ(DecodeArgs(std::string("a\0b", 3)), std::nullopt);  // cut short
}

TEST(HelperConfigTest, RejectsBadArgs) {
  EXPECT_FALSE(ParseHelperArgs({"--code-dir=/x"}).ok());        // no --
  EXPECT_FALSE(ParseHelperArgs({"--code-dir=/x", "--"}).ok());  // no program
  EXPECT_FALSE(ParseHelperArgs({"--listen=70000", "--", "x"}).ok());
  EXPECT_FALSE(ParseHelperArgs({"--listen=-1", "--", "x"}).ok());
  EXPECT_FALSE(ParseHelperArgs({"--tmp-bytes=1k", "--", "x"}).ok());
  EXPECT_FALSE(ParseHelperArgs({"--bogus", "--", "x"}).ok());
  EXPECT_TRUE(ParseHelperArgs({"--probe", "--"}).ok());
}

TEST(HelperProtocolTest, ParsesReplies) {
  auto ok = ParseReply(FormatOkReply({1234, true, {9001, 40000}}));
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->main_pid, 1234);
  EXPECT_TRUE(ok->has_pidfd);
  EXPECT_EQ(ok->ports, (std::vector<uint16_t>{9001, 40000}));

  auto err = ParseReply(FormatErrorReply("mount /var/task: Permission denied"));
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(err.error().message, "mount /var/task: Permission denied");

  for (const char* bad :
       {"", "OK", "OK x 1", "OK 0 1", "OK 5 2", "OK 5 1 0", "OK 5 1 99999", "HELLO 1 1"}) {
    EXPECT_FALSE(ParseReply(bad).ok()) << bad;
  }
}

TEST(HelperProtocolTest, PassesFdsWithTheMessage) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
  UniqueFd a(sv[0]), b(sv[1]);
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  UniqueFd r(p[0]), w(p[1]);
  ASSERT_EQ(SendWithFds(a.get(), "OK 1 0 5", {w.get()}), 0);
  w.Reset();
  auto got = ReceiveWithFds(b.get(), 1000);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->text, "OK 1 0 5");
  ASSERT_EQ(got->fds.size(), 1u);
  EXPECT_EQ(::fcntl(got->fds[0].get(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  ASSERT_EQ(::write(got->fds[0].get(), "z", 1), 1);  // the passed fd is the pipe's write end
  char c = 0;
  ASSERT_EQ(::read(r.get(), &c, 1), 1);
  EXPECT_EQ(c, 'z');

  a.Reset();  // peer closes without a reply
  auto eof = ReceiveWithFds(b.get(), 1000);
  ASSERT_TRUE(eof.ok());
  EXPECT_EQ(eof->text, "");
}

TEST(HelperProtocolTest, ReceiveTimesOut) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
  UniqueFd a(sv[0]), b(sv[1]);
  EXPECT_FALSE(ReceiveWithFds(b.get(), 0).ok());
}

TEST(HelperPathsTest, RewritesSandboxPathsForHostRuns) {
  HelperConfig c;
  c.code_dir = "/data/code";
  c.runtime_dir = "/srv/rt";
  EXPECT_EQ(helper::RewriteHostPaths({"/var/task/bootstrap", "/opt/kumo/py/boot.py", "/var/taskx",
                                      "/var/task", "x/var/task/y"},
                                     c),
            (std::vector<std::string>{"/data/code/bootstrap", "/srv/rt/py/boot.py", "/var/taskx",
                                      "/data/code", "x/var/task/y"}));
  c.runtime_dir.clear();
  EXPECT_EQ(helper::RewriteHostPaths({"/opt/kumo/a"}, c), std::vector<std::string>{"/opt/kumo/a"});
}

TEST(HelperPathsTest, RewritesRequestedPortsInEnvValues) {
  EXPECT_EQ(helper::RewriteEnvPorts({"API=127.0.0.1:9001", "B=127.0.0.1:9001/x,127.0.0.1:9002",
                                     "C=127.0.0.1:90010", "127.0.0.1:9001=key", "D=9001"},
                                    {9001, 9002}, {40000, 40001}),
            (std::vector<std::string>{"API=127.0.0.1:40000", "B=127.0.0.1:40000/x,127.0.0.1:40001",
                                      "C=127.0.0.1:90010", "127.0.0.1:9001=key", "D=9001"}));
}

TEST(HelperPathsTest, ResolvesProgramInInstancePath) {
  std::string tmpl = (fs::temp_directory_path() / "kumo-path-XXXXXX").string();
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  std::string dir = tmpl;
  std::ofstream(dir + "/tool") << "#!/bin/sh\n";
  ::chmod((dir + "/tool").c_str(), 0755);
  std::ofstream(dir + "/data") << "x";
  EXPECT_EQ(helper::ResolveProgram("tool", {"PATH=/nonexistent:" + dir}), dir + "/tool");
  EXPECT_EQ(helper::ResolveProgram("data", {"PATH=" + dir}), "data");  // not executable
  EXPECT_EQ(helper::ResolveProgram("sh", {}), "/usr/bin/sh");          // default PATH
  EXPECT_EQ(helper::ResolveProgram("./tool", {"PATH=" + dir}), "./tool");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace kumo::sandbox
