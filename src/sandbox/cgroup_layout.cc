#include "sandbox/cgroup_layout.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>

#include "common/sys_error.h"
#include "sandbox/fs_util.h"

namespace kumo::sandbox {
namespace {

bool IsDir(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool ListsWord(const std::string& text, const std::string& word) {
  std::istringstream in(text);
  std::string w;
  while (in >> w) {
    if (w == word) return true;
  }
  return false;
}

Status MakeDir(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) return SysError("mkdir " + path);
  return Ok();
}

}  // namespace

std::string CgroupLayout::ModeName() const {
  switch (mode) {
    case CgroupMode::kV1:
      return "v1";
    case CgroupMode::kV2:
      return "v2";
    case CgroupMode::kNone:
      break;
  }
  return "none";
}

std::vector<std::string> CgroupLayout::Dirs(const std::string& rel) const {
  std::string suffix = rel.empty() ? "/kumo" : "/kumo/" + rel;
  std::vector<std::string> dirs;
  if (mode == CgroupMode::kNone) return dirs;
  dirs.push_back(memory_root + suffix);
  if (mode == CgroupMode::kV1 && !pids_root.empty()) dirs.push_back(pids_root + suffix);
  return dirs;
}

CgroupLayout DetectCgroupLayout(const std::string& root) {
  CgroupLayout layout;
  auto controllers = ReadSmallFile(root + "/cgroup.controllers");
  if (controllers.ok() && ListsWord(*controllers, "memory")) {
    layout.mode = CgroupMode::kV2;
    layout.memory_root = root;
    layout.pids_root = root;
  } else if (IsDir(root + "/memory")) {
    layout.mode = CgroupMode::kV1;
    layout.memory_root = root + "/memory";
    if (IsDir(root + "/pids")) layout.pids_root = root + "/pids";
  }
  return layout;
}

Status PrepareScope(const CgroupLayout& layout, const std::string& scope) {
  if (layout.mode == CgroupMode::kNone) return MakeError(ErrorCode::kUnavailable, "no cgroups");
  for (const std::string& dir : layout.Dirs("")) KUMO_RETURN_IF_ERROR(MakeDir(dir));
  if (layout.mode == CgroupMode::kV2) {
    // Each level must delegate the controllers to the next one. The root usually does already;
    // writing it again is harmless, and a failure there shows up at the kumo/ level anyway.
    (void)WriteSmallFile(layout.memory_root + "/cgroup.subtree_control", "+memory +pids");
    KUMO_RETURN_IF_ERROR(
        WriteSmallFile(layout.memory_root + "/kumo/cgroup.subtree_control", "+memory +pids"));
  }
  for (const std::string& dir : layout.Dirs(scope)) KUMO_RETURN_IF_ERROR(MakeDir(dir));
  if (layout.mode == CgroupMode::kV2) {
    KUMO_RETURN_IF_ERROR(WriteSmallFile(
        layout.memory_root + "/kumo/" + scope + "/cgroup.subtree_control", "+memory +pids"));
  }
  return Ok();
}

}  // namespace kumo::sandbox
