#include "store/bundle_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <set>
#include <system_error>

#include "common/encoding.h"
#include "common/sys_error.h"
#include "common/unique_fd.h"
#include "store/zip_directory_scan.h"
#include "store/zip_extractor.h"

namespace kumo::store {
namespace fs = std::filesystem;
namespace {

constexpr const char* kTempPrefix = ".tmp-";

bool IsBundleName(const std::string& name) {
  if (name.size() != 64) return false;
  for (char c : name) {
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    if (!hex) return false;
  }
  return true;
}

std::string AbsoluteRoot(const std::string& root) {
  std::error_code ec;
  fs::path absolute = fs::absolute(root, ec);
  return ec ? root : absolute.lexically_normal().string();
}

// Removes a folder tree without ever leaving a half-deleted folder under a bundle's name: it is
// first renamed to a temporary name, which RemoveUnreferenced clears if we crash midway.
void RemoveTree(const fs::path& root, const fs::path& folder) {
  std::error_code ec;
  fs::path doomed = root / (std::string(kTempPrefix) + NewUuid());
  fs::rename(folder, doomed, ec);
  fs::remove_all(ec ? folder : doomed, ec);
}

// Deletes the temporary extraction folder unless Put hands it over to its final name.
class TempFolder {
 public:
  explicit TempFolder(fs::path path) : path_(std::move(path)) {}
  ~TempFolder() {
    if (!path_.empty()) {
      std::error_code ec;
      fs::remove_all(path_, ec);
    }
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  void Release() { path_.clear(); }

 private:
  fs::path path_;
};

constexpr const char* kArchiveSuffix = ".zip";

Status WriteArchive(const std::string& root, const std::string& hex, std::string_view zip) {
  fs::path final_path = fs::path(root) / (hex + kArchiveSuffix);
  fs::path temp_path = fs::path(root) / (std::string(kTempPrefix) + NewUuid() + kArchiveSuffix);
  UniqueFd fd(::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd.valid()) return SysError("create " + temp_path.string());
  size_t done = 0;
  while (done < zip.size()) {
    ssize_t n = ::write(fd.get(), zip.data() + done, zip.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      Error e = SysError("write " + temp_path.string());
      ::unlink(temp_path.c_str());
      return e;
    }
    done += static_cast<size_t>(n);
  }
  if (::rename(temp_path.c_str(), final_path.c_str()) != 0) {
    Error e = SysError("rename to " + final_path.string());
    ::unlink(temp_path.c_str());
    return e;
  }
  return Ok();
}

}  // namespace

BundleStore::BundleStore(std::string root, BundleLimits limits)
    : root_(AbsoluteRoot(root)), limits_(limits) {}

std::string BundleStore::PathFor(const std::string& sha256_hex) const {
  if (!IsBundleName(sha256_hex)) return std::string();
  fs::path path = fs::path(root_) / sha256_hex;
  std::error_code ec;
  return fs::is_directory(path, ec) ? path.string() : std::string();
}

std::string BundleStore::ArchivePath(const std::string& sha256_hex) const {
  if (!IsBundleName(sha256_hex)) return std::string();
  fs::path path = fs::path(root_) / (sha256_hex + kArchiveSuffix);
  std::error_code ec;
  return fs::is_regular_file(path, ec) ? path.string() : std::string();
}

Result<Bundle> BundleStore::Put(std::string_view zip) {
  std::string digest = Sha256(zip);
  Bundle bundle{Base64Encode(digest), HexEncode(digest), static_cast<int64_t>(zip.size()), ""};
  fs::path final_path = fs::path(root_) / bundle.sha256_hex;
  bundle.path = final_path.string();
  std::error_code ec;
  if (fs::is_directory(final_path, ec)) return bundle;

  KUMO_RETURN_IF_ERROR(CheckCentralDirectoryNames(zip));
  fs::create_directories(root_, ec);
  if (ec) return MakeError(ErrorCode::kInternal, "create " + root_ + ": " + ec.message());
  fs::path temp_path = fs::path(root_) / (std::string(kTempPrefix) + NewUuid());
  if (::mkdir(temp_path.c_str(), 0755) != 0) return SysError("mkdir " + temp_path.string());
  TempFolder temp(temp_path);
  UniqueFd temp_fd(::open(temp_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!temp_fd.valid()) return SysError("open " + temp_path.string());
  if (::fchmod(temp_fd.get(), 0755) != 0) return SysError("chmod " + temp_path.string());

  KUMO_RETURN_IF_ERROR(ExtractZip(zip, temp_fd.get(), limits_));
  // The zip as uploaded is kept beside the folder, for GetFunction's Code.Location; it is
  // written first so that a bundle folder always has its archive.
  KUMO_RETURN_IF_ERROR(WriteArchive(root_, bundle.sha256_hex, zip));
  // The folder's name promises complete content, so its files reach the disk before it has it.
  if (::syncfs(temp_fd.get()) != 0) return SysError("syncfs " + temp_path.string());
  if (::rename(temp_path.c_str(), final_path.c_str()) != 0) {
    if (errno == EEXIST || errno == ENOTEMPTY) return bundle;  // someone else stored it first
    return SysError("rename to " + final_path.string());
  }
  temp.Release();
  UniqueFd root_fd(::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd.valid() || ::fsync(root_fd.get()) != 0) return SysError("fsync " + root_);
  return bundle;
}

void BundleStore::RemoveUnreferenced(const std::vector<std::string>& keep) {
  std::set<std::string> kept(keep.begin(), keep.end());
  std::error_code ec;
  std::vector<fs::path> doomed;
  for (const fs::directory_entry& entry : fs::directory_iterator(root_, ec)) {
    std::string name = entry.path().filename().string();
    bool stale_temp = name.rfind(kTempPrefix, 0) == 0;
    std::string archive_of =
        name.size() > 4 && name.ends_with(kArchiveSuffix) ? name.substr(0, name.size() - 4) : "";
    if (IsBundleName(archive_of) && kept.count(archive_of) == 0) {
      fs::remove(entry.path(), ec);
      continue;
    }
    if (stale_temp || (IsBundleName(name) && kept.count(name) == 0)) doomed.push_back(entry.path());
  }
  for (const fs::path& path : doomed) {
    if (path.filename().string().rfind(kTempPrefix, 0) == 0) {
      fs::remove_all(path, ec);
    } else {
      RemoveTree(root_, path);
    }
  }
}

}  // namespace kumo::store
