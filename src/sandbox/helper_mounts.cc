// Builds the instance's filesystem: a small read-only tmpfs root holding read-only binds of the
// system folders, the code and the runtime shims, a minimal /dev, a fresh /proc and a private
// /tmp. Runs in the instance process (pid 1 of its pid namespace) after unshare(CLONE_NEWNS).

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "sandbox/helper_steps.h"

namespace kumo::sandbox::helper {
namespace {

// An empty folder on the host used only as a mount point; every instance mounts its own tmpfs
// there inside its own mount namespace, so they never see each other's.
constexpr char kNewRoot[] = "/run/kumo-sandbox";

std::string Mount(const std::string& source, const std::string& inside, const char* type,
                  unsigned long flags, const std::string& data) {
  std::string target = std::string(kNewRoot) + inside;
  if (::mount(source.c_str(), target.c_str(), type, flags, data.empty() ? nullptr : data.c_str()) !=
      0) {
    return ErrnoText("mount " + inside);
  }
  return "";
}

// A bind mount is made read-only by a second, remounting call.
std::string BindReadOnly(const std::string& source, const std::string& inside,
                         unsigned long extra) {
  std::string err = Mount(source, inside, nullptr, MS_BIND | MS_REC, "");
  if (!err.empty()) return err;
  return Mount("", inside, nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | extra, "");
}

std::string MakeDir(const std::string& inside, mode_t mode) {
  std::string path = std::string(kNewRoot) + inside;
  if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST) return ErrnoText("mkdir " + inside);
  return "";
}

// /usr, /lib, ... : a symlink on merged-/usr systems (recreated as the same symlink), a folder
// otherwise (bound read-only), or absent (skipped).
std::string AddSystemFolder(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return "";
  if (S_ISLNK(st.st_mode)) {
    char target[PATH_MAX];
    ssize_t n = ::readlink(path.c_str(), target, sizeof(target) - 1);
    if (n < 0) return ErrnoText("readlink " + path);
    target[n] = '\0';
    if (::symlink(target, (kNewRoot + path).c_str()) != 0) return ErrnoText("symlink " + path);
    return "";
  }
  if (!S_ISDIR(st.st_mode)) return "";
  std::string err = MakeDir(path, 0755);
  if (!err.empty()) return err;
  return BindReadOnly(path, path, MS_NODEV);
}

std::string BuildDev(uint64_t shm_bytes) {
  std::string err = MakeDir("/dev", 0755);
  if (err.empty())
    err = Mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "size=64k,mode=755");
  if (!err.empty()) return err;
  for (const char* name : {"null", "zero", "full", "random", "urandom"}) {
    std::string dev = std::string("/dev/") + name;
    int fd = ::open((kNewRoot + dev).c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
    if (fd < 0) return ErrnoText("create " + dev);
    ::close(fd);
    // Device nodes need a bind without MS_NODEV; the host's devtmpfs has it off.
    err = Mount(dev, dev, nullptr, MS_BIND, "");
    if (!err.empty()) return err;
  }
  const char* links[][2] = {{"/proc/self/fd", "/dev/fd"},
                            {"/proc/self/fd/0", "/dev/stdin"},
                            {"/proc/self/fd/1", "/dev/stdout"},
                            {"/proc/self/fd/2", "/dev/stderr"}};
  for (auto& link : links) {
    if (::symlink(link[0], (std::string(kNewRoot) + link[1]).c_str()) != 0) {
      return ErrnoText(std::string("symlink ") + link[1]);
    }
  }
  err = MakeDir("/dev/shm", 01777);
  if (err.empty()) {
    err = Mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                "size=" + std::to_string(shm_bytes) + ",mode=1777");
  }
  if (err.empty())
    err = Mount("", "/dev", nullptr, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NOEXEC,
                "size=64k,mode=755");
  return err;
}

std::string PivotInto() {
  // The old root is stacked under the new one by pivot_root(".", ".") and then detached, which
  // needs no folder for it inside the new root.
  if (::chdir(kNewRoot) != 0) return ErrnoText("chdir new root");
  if (::syscall(SYS_pivot_root, ".", ".") != 0) return ErrnoText("pivot_root");
  if (::umount2(".", MNT_DETACH) != 0) return ErrnoText("detach old root");
  if (::chdir("/") != 0) return ErrnoText("chdir /");
  if (::mount(nullptr, "/", nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV,
              nullptr) != 0) {
    return ErrnoText("remount / read-only");
  }
  return "";
}

}  // namespace

std::string BuildRoot(const HelperConfig& config) {
  // Nothing mounted here may propagate back to the host.
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return ErrnoText("make mounts private");
  }
  if (::mkdir(kNewRoot, 0755) != 0 && errno != EEXIST) {
    return ErrnoText(std::string("mkdir ") + kNewRoot);
  }
  std::string err = Mount("tmpfs", "", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=755");
  for (const char* path :
       {"/usr", "/lib", "/lib64", "/lib32", "/libx32", "/bin", "/sbin", "/etc"}) {
    if (err.empty()) err = AddSystemFolder(path);
  }
  if (err.empty()) err = BuildDev(config.tmp_bytes);
  if (err.empty()) err = MakeDir("/proc", 0555);
  if (err.empty()) err = Mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "");
  if (err.empty()) err = MakeDir("/tmp", 01777);
  if (err.empty()) {
    err = Mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV,
                "size=" + std::to_string(config.tmp_bytes) + ",mode=1777");
  }
  if (err.empty()) err = MakeDir("/var", 0755);
  if (err.empty()) err = MakeDir("/var/task", 0755);
  if (err.empty()) err = BindReadOnly(config.code_dir, "/var/task", MS_NODEV);
  if (err.empty() && !config.runtime_dir.empty()) {
    err = MakeDir("/opt", 0755);
    if (err.empty()) err = MakeDir("/opt/kumo", 0755);
    if (err.empty()) err = BindReadOnly(config.runtime_dir, "/opt/kumo", MS_NODEV);
  }
  if (err.empty()) err = PivotInto();
  return err;
}

}  // namespace kumo::sandbox::helper
