// Measures Launch-to-exec time (Launch returns once the program has exec'd) for a few programs
// and prints a table. A developer tool, not a test: `sandbox_launch_timing [runs]`.

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "sandbox/launcher.h"

using kumo::sandbox::InstanceSpec;
using kumo::sandbox::Launcher;

namespace {

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(p * static_cast<double>(v.size() - 1))];
}

void Measure(Launcher& launcher, const char* name, std::vector<std::string> argv, int runs,
             const std::string& code_dir, bool with_port) {
  std::vector<double> launch_ms, total_ms;
  for (int i = 0; i < runs; ++i) {
    InstanceSpec spec;
    spec.id = "timing-" + std::to_string(i);
    spec.code_dir = code_dir;
    spec.argv = argv;
    spec.env = {"PATH=/usr/bin:/bin"};
    if (with_port) spec.listen_ports = {9001};
    auto t0 = std::chrono::steady_clock::now();
    auto instance = launcher.Launch(spec);
    auto t1 = std::chrono::steady_clock::now();
    if (!instance.ok()) {  // e.g. another server's cleanup removed our cgroups meanwhile
      std::fprintf(stderr, "launch failed, run skipped: %s\n", instance.error().message.c_str());
      continue;
    }
    (*instance)->Reap();
    auto t2 = std::chrono::steady_clock::now();
    launch_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    total_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t0).count());
  }
  if (launch_ms.empty()) return;
  std::printf("%-40s launch->exec p50 %6.2f ms p90 %6.2f ms | to exit+reap p50 %6.2f ms\n", name,
              Percentile(launch_ms, 0.5), Percentile(launch_ms, 0.9), Percentile(total_ms, 0.5));
}

}  // namespace

int main(int argc, char** argv) {
  int runs = argc > 1 ? std::atoi(argv[1]) : 50;
  char dir[] = "/tmp/kumo-timing-XXXXXX";
  if (::mkdtemp(dir) == nullptr) return 1;
  ::chmod(dir, 0755);
  auto launcher =
      Launcher::Create({KUMO_SANDBOX_HELPER, std::string("s").append(std::to_string(::getpid()))});
  for (const auto& w : launcher->capabilities().warnings) std::printf("warning: %s\n", w.c_str());
  Measure(*launcher, "/bin/true", {"/bin/true"}, runs, dir, false);
  Measure(*launcher, "/bin/true, one listen port", {"/bin/true"}, runs, dir, true);
  Measure(*launcher, "/usr/bin/python3 -I -c pass", {"/usr/bin/python3", "-I", "-c", "pass"}, runs,
          dir, false);
  // The same without cgroups shows what joining them costs (v1 attach has millisecond tails).
  kumo::sandbox::LauncherOptions no_cgroups{KUMO_SANDBOX_HELPER,
                                            std::string("s").append(std::to_string(::getpid()))};
  no_cgroups.disable_cgroups = true;
  launcher = Launcher::Create(no_cgroups);
  Measure(*launcher, "/bin/true, no cgroups", {"/bin/true"}, runs, dir, false);
  no_cgroups.disable_namespaces = true;
  launcher = Launcher::Create(no_cgroups);
  Measure(*launcher, "/bin/true, no cgroups, no namespaces", {"/bin/true"}, runs, dir, false);
  ::rmdir(dir);
  return 0;
}
