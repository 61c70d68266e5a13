#pragma once
// The cgroup(s) of one instance: creation with limits, the files the helper joins, usage figures,
// killing and removal. Not thread-safe; the launcher's thread owns it.

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "sandbox/cgroup_layout.h"

namespace kumo::sandbox {

struct CgroupLimits {
  uint64_t memory_bytes = 0;
  int max_pids = 0;
};

class InstanceCgroup {
 public:
  // Creates kumo/<scope>/<id> in each hierarchy and writes the limits. On failure nothing is left
  // behind. The scope must have been prepared with PrepareScope.
  static Result<InstanceCgroup> Create(const CgroupLayout& layout, const std::string& scope,
                                       const std::string& id, const CgroupLimits& limits);
  // Wraps existing cgroup directories (used by stale cleanup).
  InstanceCgroup(CgroupMode mode, std::vector<std::string> dirs)
      : mode_(mode), dirs_(std::move(dirs)) {}

  const std::vector<std::string>& dirs() const { return dirs_; }
  // The cgroup.procs files a process writes its pid to in order to join.
  std::vector<std::string> ProcsFiles() const;
  // Peak memory use in bytes (0 if unknown).
  uint64_t MaxMemoryUsedBytes() const;
  // True if the kernel's OOM killer killed a process of this cgroup.
  bool OomKilled() const;
  // Sends SIGKILL to every process in the cgroup (v2: through cgroup.kill when present).
  void KillAll() const;
  // Kills what is left and removes the directories, retrying for up to about a second while the
  // kernel still reports them busy (dying processes, v1's asynchronous cleanup).
  Status Remove() const;

 private:
  CgroupMode mode_;
  std::vector<std::string> dirs_;  // v1: memory first, then pids
};

}  // namespace kumo::sandbox
