#include "sandbox/fs_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <sstream>

#include "common/sys_error.h"
#include "common/unique_fd.h"

namespace kumo::sandbox {

Result<std::string> ReadSmallFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return SysError("open " + path);
  std::string out;
  char buf[4096];
  while (true) {
    ssize_t n = ::read(fd.get(), buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return SysError("read " + path);
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

Status WriteSmallFile(const std::string& path, const std::string& value) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd.valid() && errno == ENOENT) {
    // cgroupfs files always exist; only a plain directory (a test's fake tree) gets here.
    fd.Reset(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  }
  if (!fd.valid()) return SysError("open " + path);
  ssize_t n = ::write(fd.get(), value.data(), value.size());
  if (n < 0) return SysError("write " + path);
  if (static_cast<size_t>(n) != value.size()) return SysError("short write " + path, EIO);
  return Ok();
}

Result<std::vector<std::string>> ListDir(const std::string& path) {
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return SysError("opendir " + path);
  std::vector<std::string> names;
  while (dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  ::closedir(dir);
  return names;
}

std::optional<uint64_t> ParseUint(const std::string& text) {
  if (text.empty() || text[0] < '0' || text[0] > '9') return std::nullopt;
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (errno != 0) return std::nullopt;
  for (; *end != '\0'; ++end) {
    if (*end != '\n' && *end != ' ' && *end != '\t') return std::nullopt;
  }
  return static_cast<uint64_t>(v);
}

std::optional<uint64_t> FindKeyedValue(const std::string& text, const std::string& key) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() > key.size() && line.compare(0, key.size(), key) == 0 &&
        line[key.size()] == ' ') {
      return ParseUint(line.substr(key.size() + 1));
    }
  }
  return std::nullopt;
}

}  // namespace kumo::sandbox
