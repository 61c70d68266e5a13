#pragma once
// Removal of a server's whole cgroup scope (kumo/<scope>/), at shutdown and for scopes left behind
// by servers that crashed. Stateless functions; the launcher's thread calls them.

#include <optional>
#include <string>

#include "common/result.h"
#include "sandbox/cgroup_layout.h"

namespace kumo::sandbox {

// Kills every process below kumo/<scope>/ and removes its instance cgroups and itself. Best
// effort: keeps going after a failure and returns the first one.
Status RemoveScope(const CgroupLayout& layout, const std::string& scope);

// True if `scope` ("s<pid>") names a server that no longer runs: the pid is gone, or it was
// reused: it now belongs to a program that is neither "kumo" nor `own_comm` and that started after
// the scope was made (`scope_created`, unix seconds; the slack covers procfs' whole-second boot
// time). The start time spares live servers of other names, such as another test binary that
// uses a Launcher. Names that do not have the "s<pid>" form are never stale: kumo did not make
// them.
bool ScopeIsStale(const std::string& scope, const std::string& proc_root,
                  const std::string& own_comm, double scope_created);

// Start time of a process in unix seconds, from <proc_root>/stat's btime and the pid's stat.
std::optional<double> ProcessStartTime(const std::string& proc_root, long pid);

// Removes every stale scope except `own_scope`. Returns how many it removed.
int CleanupStaleScopes(const CgroupLayout& layout, const std::string& own_scope,
                       const std::string& proc_root, const std::string& own_comm);

}  // namespace kumo::sandbox
