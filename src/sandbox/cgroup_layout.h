#pragma once
// Which cgroup hierarchy this host offers and where kumo's cgroups live in it:
// <controller root>/kumo/<scope>/<instance id>, in the memory and pids controllers for v1, in the
// one unified tree for v2. Plain data, computed once; any thread may read it.

#include <string>
#include <vector>

#include "common/result.h"

namespace kumo::sandbox {

enum class CgroupMode { kNone, kV1, kV2 };

struct CgroupLayout {
  CgroupMode mode = CgroupMode::kNone;
  std::string memory_root;  // v1: <root>/memory; v2: <root>
  std::string pids_root;    // v1: <root>/pids, empty if that controller is missing; v2: <root>

  std::string ModeName() const;
  // The directory of kumo/<rel> in every hierarchy kumo uses (one for v2; memory then pids for
  // v1). Empty for kNone.
  std::vector<std::string> Dirs(const std::string& rel) const;
};

// v2 if <root>/cgroup.controllers lists memory; else v1 if <root>/memory exists; else none. The
// empty cgroup2 tree some v1 hosts mount at <root>/unified is ignored on purpose.
CgroupLayout DetectCgroupLayout(const std::string& root = "/sys/fs/cgroup");

// Creates kumo/ and kumo/<scope>/ (and, for v2, enables +memory +pids for their children).
// Idempotent.
Status PrepareScope(const CgroupLayout& layout, const std::string& scope);

}  // namespace kumo::sandbox
