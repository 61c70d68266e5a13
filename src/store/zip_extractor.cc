#include "store/zip_extractor.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <locale.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "common/sys_error.h"
#include "common/unique_fd.h"
#include "store/entry_path.h"

namespace kumo::store {
namespace {

constexpr uint64_t kRatioCheckFloor = 1ull << 20;  // smaller entries may compress any amount
constexpr size_t kChunk = 64 * 1024;

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveFree>;

// Makes this thread's character set UTF-8 while it lives. libarchive converts names flagged as
// UTF-8 in a zip to the thread's character set and gives up in the "C" locale a server runs in;
// with UTF-8 the names pass through as the bytes Linux file names are. uselocale is per thread,
// so other threads are not affected.
class ScopedUtf8Locale {
 public:
  ScopedUtf8Locale() : utf8_(::newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0))) {
    if (utf8_ != static_cast<locale_t>(0)) previous_ = ::uselocale(utf8_);
  }
  ~ScopedUtf8Locale() {
    if (utf8_ != static_cast<locale_t>(0)) {
      ::uselocale(previous_);
      ::freelocale(utf8_);
    }
  }
  ScopedUtf8Locale(const ScopedUtf8Locale&) = delete;
  ScopedUtf8Locale& operator=(const ScopedUtf8Locale&) = delete;

 private:
  locale_t utf8_;
  locale_t previous_ = static_cast<locale_t>(0);
};

Error Invalid(const std::string& message) {
  return MakeError(ErrorCode::kInvalidArgument, message);
}

Error EntryError(const std::string& name, const std::string& problem) {
  return Invalid("zip entry \"" + name + "\" " + problem);
}

std::string ArchiveMessage(archive* a) {
  const char* text = archive_error_string(a);
  return text != nullptr ? text : "unknown error";
}

// SplitEntryPath already guarantees this; checked again where names meet the file system, so a
// mistake there cannot turn into a write outside the bundle.
bool IsPlainComponent(const std::string& part) {
  return !part.empty() && part != "." && part != ".." && part.find('/') == std::string::npos;
}

// Opens (creating when missing) each folder of `parts` below `dir_fd`, never following links.
Result<UniqueFd> OpenFolders(int dir_fd, const std::string& name, const std::string* parts,
                             size_t count) {
  UniqueFd current(::dup(dir_fd));
  if (!current.valid()) return SysError("dup");
  for (size_t i = 0; i < count; ++i) {
    if (!IsPlainComponent(parts[i])) {
      return MakeError(ErrorCode::kInternal, "unsafe path component in zip entry " + name);
    }
    const char* part = parts[i].c_str();
    if (::mkdirat(current.get(), part, 0755) != 0 && errno != EEXIST) {
      return SysError("mkdir for zip entry " + name);
    }
    UniqueFd next(::openat(current.get(), part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!next.valid()) {
      if (errno == ENOTDIR || errno == ELOOP) return EntryError(name, "is inside a file");
      return SysError("open folder for zip entry " + name);
    }
    if (::fchmod(next.get(), 0755) != 0) return SysError("chmod for zip entry " + name);
    current = std::move(next);
  }
  return current;
}

Status WriteAll(int fd, const char* data, size_t size, const std::string& name) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return SysError("write zip entry " + name);
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return Ok();
}

// Streams one entry's data into `fd`, counting what is really written (headers may lie) against
// the total and the entry's compression ratio.
Status CopyData(archive* a, int fd, const std::string& name, const BundleLimits& limits,
                uint64_t& total_written) {
  std::vector<char> buffer(kChunk);
  const int64_t packed_start = archive_filter_bytes(a, -1);
  uint64_t written = 0;
  while (true) {
    la_ssize_t n = archive_read_data(a, buffer.data(), buffer.size());
    if (n == 0) return Ok();
    if (n < 0) return EntryError(name, "cannot be unpacked: " + ArchiveMessage(a));
    written += static_cast<uint64_t>(n);
    total_written += static_cast<uint64_t>(n);
    if (total_written > limits.max_unpacked_bytes) {
      return Invalid("Unzipped size must be smaller than " +
                     std::to_string(limits.max_unpacked_bytes) + " bytes");
    }
    int64_t packed = archive_filter_bytes(a, -1) - packed_start;
    uint64_t packed_bytes = packed > 0 ? static_cast<uint64_t>(packed) : 1;
    if (written > kRatioCheckFloor && written / packed_bytes > limits.max_ratio) {
      return EntryError(name, "unpacks to more than " + std::to_string(limits.max_ratio) +
                                  " times its compressed size (zip bomb)");
    }
    KUMO_RETURN_IF_ERROR(WriteAll(fd, buffer.data(), static_cast<size_t>(n), name));
  }
}

Status WriteFile(archive* a, archive_entry* entry, int dest_fd, const std::string& name,
                 const std::vector<std::string>& parts, const BundleLimits& limits,
                 uint64_t& total_written) {
  if (parts.empty()) return EntryError(name, "is a file without a name");
  if (!IsPlainComponent(parts.back())) {
    return MakeError(ErrorCode::kInternal, "unsafe path component in zip entry " + name);
  }
  KUMO_ASSIGN_OR_RETURN(UniqueFd folder,
                        OpenFolders(dest_fd, name, parts.data(), parts.size() - 1));
  mode_t mode = (archive_entry_perm(entry) & 0111) != 0 ? 0755 : 0644;
  UniqueFd file(::openat(folder.get(), parts.back().c_str(),
                         O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
  if (!file.valid()) {
    if (errno == EEXIST) return EntryError(name, "appears twice or clashes with a folder");
    return SysError("create zip entry " + name);
  }
  // The umask must not narrow what instances (another uid) may read or run.
  if (::fchmod(file.get(), mode) != 0) return SysError("chmod zip entry " + name);
  return CopyData(a, file.get(), name, limits, total_written);
}

Status ExtractEntry(archive* a, archive_entry* entry, int dest_fd, const BundleLimits& limits,
                    uint64_t& total_written) {
  const char* raw_name = archive_entry_pathname(entry);
  if (raw_name == nullptr) raw_name = archive_entry_pathname_utf8(entry);
  if (raw_name == nullptr) return Invalid("zip has an entry whose name cannot be read");
  std::string name = raw_name;
  KUMO_ASSIGN_OR_RETURN(std::vector<std::string> parts, SplitEntryPath(name));
  if (archive_entry_hardlink(entry) != nullptr) return EntryError(name, "is a hard link");
  switch (archive_entry_filetype(entry)) {
    case AE_IFREG:
      return WriteFile(a, entry, dest_fd, name, parts, limits, total_written);
    case AE_IFDIR: {
      Result<UniqueFd> folder = OpenFolders(dest_fd, name, parts.data(), parts.size());
      if (!folder.ok()) return folder.error();
      return Ok();
    }
    case AE_IFLNK:
      return EntryError(name, "is a symbolic link");
    default:
      return EntryError(name, "is a device, fifo or socket");
  }
}

}  // namespace

Status ExtractZip(std::string_view zip, int dest_fd, const BundleLimits& limits) {
  ScopedUtf8Locale utf8;  // before libarchive looks up the character set, which it caches
  ArchivePtr a(archive_read_new());
  if (!a) return MakeError(ErrorCode::kInternal, "archive_read_new failed");
  archive_read_support_format_zip(a.get());
  if (zip.empty() || archive_read_open_memory(a.get(), zip.data(), zip.size()) != ARCHIVE_OK) {
    return Invalid(kNotAZipMessage);
  }
  uint64_t entries = 0;
  uint64_t total_written = 0;
  while (true) {
    archive_entry* entry = nullptr;
    int rc = archive_read_next_header(a.get(), &entry);
    if (rc == ARCHIVE_EOF) return Ok();
    if (rc < ARCHIVE_WARN) {
      if (entries == 0) return Invalid(kNotAZipMessage);
      return Invalid("zip is corrupt after " + std::to_string(entries) +
                     " entries: " + ArchiveMessage(a.get()));
    }
    if (++entries > limits.max_entries) {
      return Invalid("zip has more than " + std::to_string(limits.max_entries) + " entries");
    }
    KUMO_RETURN_IF_ERROR(ExtractEntry(a.get(), entry, dest_fd, limits, total_written));
  }
}

}  // namespace kumo::store
