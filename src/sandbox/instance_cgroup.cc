#include "sandbox/instance_cgroup.h"

#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>

#include "common/sys_error.h"
#include "sandbox/fs_util.h"

namespace kumo::sandbox {
namespace {

bool Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

// Writes the limits of one freshly created directory. `parent` tells which optional files the
// kernel offers (swap accounting may be compiled out or disabled).
Status WriteLimits(CgroupMode mode, const std::string& dir, const std::string& parent,
                   bool is_memory_dir, const CgroupLimits& limits) {
  std::string mem = std::to_string(limits.memory_bytes);
  std::string pids = limits.max_pids > 0 ? std::to_string(limits.max_pids) : "max";
  if (mode == CgroupMode::kV2) {
    KUMO_RETURN_IF_ERROR(WriteSmallFile(dir + "/memory.max", mem));
    if (Exists(parent + "/memory.swap.max")) {
      KUMO_RETURN_IF_ERROR(WriteSmallFile(dir + "/memory.swap.max", "0"));
    }
    return WriteSmallFile(dir + "/pids.max", pids);
  }
  if (!is_memory_dir) return WriteSmallFile(dir + "/pids.max", pids);
  KUMO_RETURN_IF_ERROR(WriteSmallFile(dir + "/memory.limit_in_bytes", mem));
  // memsw counts memory plus swap and may not be below the memory limit, hence second.
  if (Exists(parent + "/memory.memsw.limit_in_bytes")) {
    KUMO_RETURN_IF_ERROR(WriteSmallFile(dir + "/memory.memsw.limit_in_bytes", mem));
  }
  return Ok();
}

std::vector<pid_t> ReadPids(const std::string& procs_file) {
  std::vector<pid_t> pids;
  auto text = ReadSmallFile(procs_file);
  if (!text.ok()) return pids;
  std::istringstream in(*text);
  long pid;
  while (in >> pid) {
    if (pid > 0) pids.push_back(static_cast<pid_t>(pid));
  }
  return pids;
}

void SleepMillis(int ms) {
  timespec ts{0, ms * 1000000L};
  ::nanosleep(&ts, nullptr);
}

}  // namespace

Result<InstanceCgroup> InstanceCgroup::Create(const CgroupLayout& layout, const std::string& scope,
                                              const std::string& id, const CgroupLimits& limits) {
  if (id.empty() || id.find('/') != std::string::npos || id[0] == '.') {
    return MakeError(ErrorCode::kInvalidArgument, "bad instance id for a cgroup: '" + id + "'");
  }
  std::vector<std::string> parents = layout.Dirs(scope);
  InstanceCgroup cg(layout.mode, layout.Dirs(scope + "/" + id));
  std::vector<std::string> made;
  Status status = Ok();
  for (size_t i = 0; i < cg.dirs_.size() && status.ok(); ++i) {
    if (::mkdir(cg.dirs_[i].c_str(), 0755) != 0) {
      status = SysError("mkdir " + cg.dirs_[i]);
      break;
    }
    made.push_back(cg.dirs_[i]);
    status = WriteLimits(layout.mode, cg.dirs_[i], parents[i], i == 0, limits);
  }
  if (!status.ok()) {
    InstanceCgroup partial(layout.mode, made);
    (void)partial.Remove();
    return status.error();
  }
  return cg;
}

std::vector<std::string> InstanceCgroup::ProcsFiles() const {
  std::vector<std::string> files;
  for (const std::string& dir : dirs_) files.push_back(dir + "/cgroup.procs");
  return files;
}

uint64_t InstanceCgroup::MaxMemoryUsedBytes() const {
  if (dirs_.empty()) return 0;
  std::vector<std::string> names;
  if (mode_ == CgroupMode::kV1) {
    names = {"memory.max_usage_in_bytes"};
  } else {
    names = {"memory.peak", "memory.current"};
  }
  for (const std::string& name : names) {
    auto text = ReadSmallFile(dirs_[0] + "/" + name);
    if (!text.ok()) continue;
    if (auto v = ParseUint(*text)) return *v;
  }
  return 0;
}

bool InstanceCgroup::OomKilled() const {
  if (dirs_.empty()) return false;
  std::string file = mode_ == CgroupMode::kV1 ? "memory.oom_control" : "memory.events";
  auto text = ReadSmallFile(dirs_[0] + "/" + file);
  if (!text.ok()) return false;
  auto kills = FindKeyedValue(*text, "oom_kill");
  return kills.has_value() && *kills > 0;
}

void InstanceCgroup::KillAll() const {
  for (const std::string& dir : dirs_) {
    if (mode_ == CgroupMode::kV2 && Exists(dir + "/cgroup.kill") &&
        WriteSmallFile(dir + "/cgroup.kill", "1").ok()) {
      continue;
    }
    for (pid_t pid : ReadPids(dir + "/cgroup.procs")) ::kill(pid, SIGKILL);
  }
}

Status InstanceCgroup::Remove() const {
  Status first = Ok();
  // Children before parents is not an issue here: every dir is a leaf in its own hierarchy.
  for (const std::string& dir : dirs_) {
    int err = 0;
    for (int attempt = 0; attempt < 200; ++attempt) {
      if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) {
        err = 0;
        break;
      }
      err = errno;
      if (err != EBUSY) break;
      // Busy means processes are still in it or still dying; the kernel offers no event for
      // "empty" in v1, so kill again and retry shortly.
      KillAll();
      SleepMillis(attempt < 20 ? 1 : 5);
    }
    if (err != 0 && first.ok()) first = SysError("rmdir " + dir, err);
  }
  return first;
}

}  // namespace kumo::sandbox
