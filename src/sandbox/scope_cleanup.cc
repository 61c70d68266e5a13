#include "sandbox/scope_cleanup.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <set>
#include <sstream>

#include "common/sys_error.h"
#include "sandbox/fs_util.h"
#include "sandbox/instance_cgroup.h"

namespace kumo::sandbox {
namespace {

bool IsDir(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

Status RemoveScope(const CgroupLayout& layout, const std::string& scope) {
  Status first = Ok();
  std::vector<std::string> scope_dirs = layout.Dirs(scope);
  // Instance ids below the scope, in any hierarchy (a crash may leave them uneven).
  std::set<std::string> ids;
  for (const std::string& dir : scope_dirs) {
    auto names = ListDir(dir);
    if (!names.ok()) continue;
    for (const std::string& name : *names) {
      if (IsDir(dir + "/" + name)) ids.insert(name);
    }
  }
  for (const std::string& id : ids) {
    InstanceCgroup cg(layout.mode, layout.Dirs(scope + "/" + id));
    cg.KillAll();
    Status s = cg.Remove();
    if (!s.ok() && first.ok()) first = s;
  }
  InstanceCgroup scope_cg(layout.mode, scope_dirs);
  Status s = scope_cg.Remove();
  if (!s.ok() && first.ok()) first = s;
  return first;
}

std::optional<double> ProcessStartTime(const std::string& proc_root, long pid) {
  auto system = ReadSmallFile(proc_root + "/stat");
  auto stat = ReadSmallFile(proc_root + "/" + std::to_string(pid) + "/stat");
  if (!system.ok() || !stat.ok()) return std::nullopt;
  auto btime = FindKeyedValue(*system, "btime");
  size_t paren = stat->rfind(')');  // the command name may hold spaces and parentheses
  if (!btime.has_value() || paren == std::string::npos) return std::nullopt;
  std::istringstream fields(stat->substr(paren + 1));
  std::string field;
  // Field 22 of the whole line is starttime; after the name, fields count from 3.
  for (int i = 3; i <= 22; ++i) {
    if (!(fields >> field)) return std::nullopt;
  }
  auto ticks = ParseUint(field);
  if (!ticks.has_value()) return std::nullopt;
  return static_cast<double>(*btime) +
         static_cast<double>(*ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

bool ScopeIsStale(const std::string& scope, const std::string& proc_root,
                  const std::string& own_comm, double scope_created) {
  if (scope.size() < 2 || scope.size() > 11 || scope[0] != 's') return false;
  auto pid = ParseUint(scope.substr(1));
  if (!pid.has_value() || *pid == 0) return false;
  auto comm = ReadSmallFile(proc_root + "/" + std::to_string(*pid) + "/comm");
  if (!comm.ok()) return true;  // no such process: its server is gone
  std::string name = Trim(*comm);
  if (name == "kumo" || name == own_comm) return false;
  auto started = ProcessStartTime(proc_root, static_cast<long>(*pid));
  constexpr double kSlackSeconds = 2.0;
  return started.has_value() && *started > scope_created + kSlackSeconds;
}

int CleanupStaleScopes(const CgroupLayout& layout, const std::string& own_scope,
                       const std::string& proc_root, const std::string& own_comm) {
  std::set<std::string> scopes;
  for (const std::string& kumo_dir : layout.Dirs("")) {
    auto names = ListDir(kumo_dir);
    if (!names.ok()) continue;
    for (const std::string& name : *names) {
      if (IsDir(kumo_dir + "/" + name)) scopes.insert(name);
    }
  }
  int removed = 0;
  for (const std::string& scope : scopes) {
    if (scope == own_scope) continue;
    double created = 0;
    for (const std::string& dir : layout.Dirs(scope)) {
      struct stat st;
      if (::stat(dir.c_str(), &st) == 0) {
        created = static_cast<double>(st.st_ctim.tv_sec);
        break;
      }
    }
    if (!ScopeIsStale(scope, proc_root, own_comm, created)) continue;
    if (RemoveScope(layout, scope).ok()) ++removed;
  }
  return removed;
}

}  // namespace kumo::sandbox
