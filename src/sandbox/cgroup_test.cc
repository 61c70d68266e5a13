// The cgroup path, limit and figure logic over fake trees in a temp folder, for both v1 and v2
// (this host only has v1), plus the stale-scope decision over a fake /proc.

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "gtest/gtest.h"
#include "sandbox/cgroup_layout.h"
#include "sandbox/fs_util.h"
#include "sandbox/instance_cgroup.h"
#include "sandbox/scope_cleanup.h"

namespace kumo::sandbox {
namespace {

namespace fs = std::filesystem;

class FakeTreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "kumo-cgtest-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
  }
  void TearDown() override {
    if (!root_.empty()) fs::remove_all(root_);
  }
  void Write(const std::string& rel, const std::string& text) {
    fs::create_directories(fs::path(root_ + "/" + rel).parent_path());
    std::ofstream(root_ + "/" + rel) << text;
  }
  std::string Read(const std::string& rel) {
    std::ifstream in(root_ + "/" + rel);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  bool Exists(const std::string& rel) { return fs::exists(root_ + "/" + rel); }

  std::string root_;
};

TEST_F(FakeTreeTest, DetectsV2WhenMemoryControllerIsListed) {
  Write("cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n");
  CgroupLayout layout = DetectCgroupLayout(root_);
  EXPECT_EQ(layout.mode, CgroupMode::kV2);
  EXPECT_EQ(layout.ModeName(), "v2");
  EXPECT_EQ(layout.Dirs("s1/i"), std::vector<std::string>{root_ + "/kumo/s1/i"});
}

TEST_F(FakeTreeTest, DetectsV1AndIgnoresEmptyUnifiedTree) {
  fs::create_directories(root_ + "/memory");
  fs::create_directories(root_ + "/pids");
  Write("unified/cgroup.controllers", "");
  Write("cgroup.controllers", "cpu io\n");  // a v2 root without memory is not usable as v2
  CgroupLayout layout = DetectCgroupLayout(root_);
  EXPECT_EQ(layout.mode, CgroupMode::kV1);
  EXPECT_EQ(layout.Dirs("s1/i"),
            (std::vector<std::string>{root_ + "/memory/kumo/s1/i", root_ + "/pids/kumo/s1/i"}));
}

TEST_F(FakeTreeTest, DetectsNone) {
  CgroupLayout layout = DetectCgroupLayout(root_);
  EXPECT_EQ(layout.mode, CgroupMode::kNone);
  EXPECT_EQ(layout.ModeName(), "none");
  EXPECT_TRUE(layout.Dirs("x").empty());
  EXPECT_FALSE(PrepareScope(layout, "s1").ok());
}

TEST_F(FakeTreeTest, V2ScopeDelegatesControllersAndInstanceGetsLimits) {
  Write("cgroup.controllers", "memory pids\n");
  CgroupLayout layout = DetectCgroupLayout(root_);
  ASSERT_TRUE(PrepareScope(layout, "s42").ok());
  EXPECT_EQ(Read("kumo/cgroup.subtree_control"), "+memory +pids");
  EXPECT_EQ(Read("kumo/s42/cgroup.subtree_control"), "+memory +pids");
  Write("kumo/s42/memory.swap.max", "max\n");  // the kernel offers swap accounting

  auto cg = InstanceCgroup::Create(layout, "s42", "inst-1", {64ull << 20, 100});
  ASSERT_TRUE(cg.ok()) << cg.error().message;
  EXPECT_EQ(Read("kumo/s42/inst-1/memory.max"), "67108864");
  EXPECT_EQ(Read("kumo/s42/inst-1/memory.swap.max"), "0");
  EXPECT_EQ(Read("kumo/s42/inst-1/pids.max"), "100");
  EXPECT_EQ(cg->ProcsFiles(), std::vector<std::string>{root_ + "/kumo/s42/inst-1/cgroup.procs"});

  EXPECT_EQ(cg->MaxMemoryUsedBytes(), 0u);
  Write("kumo/s42/inst-1/memory.current", "1234\n");
  EXPECT_EQ(cg->MaxMemoryUsedBytes(), 1234u);  // fallback before 5.19 kernels' memory.peak
  Write("kumo/s42/inst-1/memory.peak", "5678\n");
  EXPECT_EQ(cg->MaxMemoryUsedBytes(), 5678u);

  EXPECT_FALSE(cg->OomKilled());
  Write("kumo/s42/inst-1/memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 0\n");
  EXPECT_FALSE(cg->OomKilled());
  Write("kumo/s42/inst-1/memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 2\n");
  EXPECT_TRUE(cg->OomKilled());
}

TEST_F(FakeTreeTest, V2WithoutSwapAccountingSkipsSwapMax) {
  Write("cgroup.controllers", "memory pids\n");
  CgroupLayout layout = DetectCgroupLayout(root_);
  ASSERT_TRUE(PrepareScope(layout, "s42").ok());
  auto cg = InstanceCgroup::Create(layout, "s42", "i", {1 << 20, 0});
  ASSERT_TRUE(cg.ok()) << cg.error().message;
  EXPECT_FALSE(Exists("kumo/s42/i/memory.swap.max"));
  EXPECT_EQ(Read("kumo/s42/i/pids.max"), "max");
}

TEST_F(FakeTreeTest, V1InstanceGetsLimitsInBothHierarchies) {
  fs::create_directories(root_ + "/memory");
  fs::create_directories(root_ + "/pids");
  CgroupLayout layout = DetectCgroupLayout(root_);
  ASSERT_TRUE(PrepareScope(layout, "s7").ok());
  EXPECT_TRUE(fs::is_directory(root_ + "/memory/kumo/s7"));
  EXPECT_TRUE(fs::is_directory(root_ + "/pids/kumo/s7"));
  EXPECT_FALSE(Exists("memory/kumo/cgroup.subtree_control"));
  Write("memory/kumo/s7/memory.memsw.limit_in_bytes", "9223372036854771712\n");

  auto cg = InstanceCgroup::Create(layout, "s7", "abc", {128ull << 20, 64});
  ASSERT_TRUE(cg.ok()) << cg.error().message;
  EXPECT_EQ(Read("memory/kumo/s7/abc/memory.limit_in_bytes"), "134217728");
  EXPECT_EQ(Read("memory/kumo/s7/abc/memory.memsw.limit_in_bytes"), "134217728");
  EXPECT_EQ(Read("pids/kumo/s7/abc/pids.max"), "64");
  EXPECT_FALSE(Exists("memory/kumo/s7/abc/pids.max"));
  EXPECT_FALSE(Exists("pids/kumo/s7/abc/memory.limit_in_bytes"));
  EXPECT_EQ(cg->ProcsFiles(), (std::vector<std::string>{root_ + "/memory/kumo/s7/abc/cgroup.procs",
                                                        root_ + "/pids/kumo/s7/abc/cgroup.procs"}));

  Write("memory/kumo/s7/abc/memory.max_usage_in_bytes", "99999\n");
  EXPECT_EQ(cg->MaxMemoryUsedBytes(), 99999u);
  Write("memory/kumo/s7/abc/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
  EXPECT_FALSE(cg->OomKilled());
  Write("memory/kumo/s7/abc/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
  EXPECT_TRUE(cg->OomKilled());
}

TEST_F(FakeTreeTest, V1WithoutSwapAccountingOrPidsController) {
  fs::create_directories(root_ + "/memory");
  CgroupLayout layout = DetectCgroupLayout(root_);
  EXPECT_TRUE(layout.pids_root.empty());
  ASSERT_TRUE(PrepareScope(layout, "s7").ok());
  auto cg = InstanceCgroup::Create(layout, "s7", "abc", {1 << 20, 64});
  ASSERT_TRUE(cg.ok()) << cg.error().message;
  EXPECT_EQ(cg->dirs(), std::vector<std::string>{root_ + "/memory/kumo/s7/abc"});
  EXPECT_FALSE(Exists("memory/kumo/s7/abc/memory.memsw.limit_in_bytes"));
}

TEST_F(FakeTreeTest, RejectsIdsThatEscapeTheScope) {
  Write("cgroup.controllers", "memory pids\n");
  CgroupLayout layout = DetectCgroupLayout(root_);
  ASSERT_TRUE(PrepareScope(layout, "s1").ok());
  for (const char* id : {"", "..", "a/b", ".hidden"}) {
    EXPECT_FALSE(InstanceCgroup::Create(layout, "s1", id, {1 << 20, 1}).ok()) << id;
  }
  EXPECT_FALSE(Exists("kumo/a"));
}

TEST_F(FakeTreeTest, ExistingInstanceCgroupIsAnError) {
  Write("cgroup.controllers", "memory pids\n");
  CgroupLayout layout = DetectCgroupLayout(root_);
  ASSERT_TRUE(PrepareScope(layout, "s1").ok());
  ASSERT_TRUE(InstanceCgroup::Create(layout, "s1", "dup", {1 << 20, 1}).ok());
  auto again = InstanceCgroup::Create(layout, "s1", "dup", {1 << 20, 1});
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("File exists"), std::string::npos);
}

TEST_F(FakeTreeTest, ScopeIsStaleDecision) {
  // Boot at 1000 s; the scopes were made at 2000 s.
  long hz = ::sysconf(_SC_CLK_TCK);
  auto stat_line = [hz](const std::string& name, long start_seconds) {
    std::string line = "1 (" + name + ") S";
    for (int field = 4; field <= 21; ++field) line += " 0";
    return line + " " + std::to_string(start_seconds * hz) + " 0 0\n";
  };
  Write("proc/stat", "cpu 1 2 3\nbtime 1000\nprocesses 5\n");
  Write("proc/100/comm", "kumo\n");
  Write("proc/100/stat", stat_line("kumo", 5000));
  Write("proc/200/comm", "sandbox_test\n");
  Write("proc/200/stat", stat_line("sandbox_test", 5000));
  Write("proc/300/comm", "bash\n");
  Write("proc/300/stat", stat_line("bash (x) y", 1500));  // started 2500: after the scope
  Write("proc/500/comm", "dispatch_test\n");
  Write("proc/500/stat", stat_line("dispatch_test", 990));  // started 1990: made the scope
  std::string proc = root_ + "/proc";
  EXPECT_EQ(ProcessStartTime(proc, 300), 2500.0);
  EXPECT_EQ(ProcessStartTime(proc, 400), std::nullopt);
  EXPECT_FALSE(ScopeIsStale("s100", proc, "sandbox_test", 2000));  // a live kumo server
  EXPECT_FALSE(ScopeIsStale("s200", proc, "sandbox_test", 2000));  // a live process like us
  EXPECT_TRUE(ScopeIsStale("s300", proc, "sandbox_test", 2000));   // pid reused by something else
  EXPECT_TRUE(ScopeIsStale("s400", proc, "sandbox_test", 2000));   // gone
  EXPECT_FALSE(ScopeIsStale("s500", proc, "sandbox_test", 2000));  // another user of a Launcher
  for (const char* not_ours : {"s", "x400", "s4x", "s0", "400", "s-1", "s99999999999"}) {
    EXPECT_FALSE(ScopeIsStale(not_ours, proc, "sandbox_test", 2000)) << not_ours;
  }
}

TEST(FsUtilTest, ParsesNumbersAndKeyedValues) {
  EXPECT_EQ(ParseUint("42\n"), 42u);
  EXPECT_EQ(ParseUint("max\n"), std::nullopt);
  EXPECT_EQ(ParseUint(""), std::nullopt);
  EXPECT_EQ(ParseUint("12x"), std::nullopt);
  EXPECT_EQ(FindKeyedValue("oom 1\noom_kill 5\n", "oom_kill"), 5u);
  EXPECT_EQ(FindKeyedValue("oom 1\noom_kill 5\n", "oom"), 1u);
  EXPECT_EQ(FindKeyedValue("oom_kill_disable 0\n", "oom_kill"), std::nullopt);
}

}  // namespace
}  // namespace kumo::sandbox
