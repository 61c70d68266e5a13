#include "cli/zip_dir.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <system_error>
#include <vector>

namespace kumo::cli {
namespace {

namespace fs = std::filesystem;

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

la_ssize_t AppendToString(archive*, void* client, const void* data, size_t size) {
  static_cast<std::string*>(client)->append(static_cast<const char*>(data), size);
  return static_cast<la_ssize_t>(size);
}

Error ArchiveError(archive* a, const std::string& what) {
  const char* text = archive_error_string(a);
  return MakeError(ErrorCode::kInternal, what + ": " + (text ? text : "unknown libarchive error"));
}

Result<std::string> ReadWholeFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kInvalidArgument, "cannot read " + path.string());
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return MakeError(ErrorCode::kInvalidArgument, "cannot read " + path.string());
  return data;
}

Result<std::vector<fs::path>> ListTree(const fs::path& dir) {
  std::error_code ec;
  std::vector<fs::path> paths;
  fs::recursive_directory_iterator it(dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) paths.push_back(it->path());
  if (ec) return MakeError(ErrorCode::kInvalidArgument, "cannot list " + dir.string() + ": " + ec.message());
  std::sort(paths.begin(), paths.end());
  return paths;
}

Status AddEntry(archive* zip, const fs::path& path, const fs::path& dir) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    return MakeError(ErrorCode::kInvalidArgument, "cannot stat " + path.string());
  }
  std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
  std::string name = path.lexically_relative(dir).generic_string();
  std::string data;
  if (S_ISDIR(st.st_mode)) {
    name += '/';
  } else if (S_ISLNK(st.st_mode)) {
    std::error_code ec;
    archive_entry_set_symlink(entry.get(), fs::read_symlink(path, ec).c_str());
    if (ec) return MakeError(ErrorCode::kInvalidArgument, "cannot read link " + path.string());
  } else if (S_ISREG(st.st_mode)) {
    KUMO_ASSIGN_OR_RETURN(data, ReadWholeFile(path));
  } else {
    return MakeError(ErrorCode::kInvalidArgument,
                     "cannot zip " + path.string() + ": not a file, folder or symlink");
  }
  archive_entry_set_pathname(entry.get(), name.c_str());
  archive_entry_set_mode(entry.get(), st.st_mode);
  archive_entry_set_mtime(entry.get(), st.st_mtime, 0);
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(data.size()));
  if (archive_write_header(zip, entry.get()) != ARCHIVE_OK) {
    return ArchiveError(zip, "cannot add " + name + " to the zip");
  }
  if (!data.empty() && archive_write_data(zip, data.data(), data.size()) < 0) {
    return ArchiveError(zip, "cannot add " + name + " to the zip");
  }
  return Ok();
}

}  // namespace

Result<std::string> ZipDirectory(const fs::path& dir) {
  std::error_code ec;
  std::string quoted = '"' + dir.string() + '"';
  if (!fs::exists(dir, ec)) {
    return MakeError(ErrorCode::kInvalidArgument, "folder " + quoted + " does not exist");
  }
  if (!fs::is_directory(dir, ec)) {
    return MakeError(ErrorCode::kInvalidArgument, quoted + " is not a folder");
  }
  KUMO_ASSIGN_OR_RETURN(std::vector<fs::path> paths, ListTree(dir));
  std::string out;
  std::unique_ptr<archive, ArchiveDeleter> zip(archive_write_new());
  if (archive_write_set_format_zip(zip.get()) != ARCHIVE_OK ||
      archive_write_set_options(zip.get(), "zip:compression=deflate") != ARCHIVE_OK ||
      // Without this the last block is padded with zeros up to 10 KB.
      archive_write_set_bytes_in_last_block(zip.get(), 1) != ARCHIVE_OK ||
      archive_write_open(zip.get(), &out, nullptr, AppendToString, nullptr) != ARCHIVE_OK) {
    return ArchiveError(zip.get(), "cannot start the zip");
  }
  for (const fs::path& path : paths) KUMO_RETURN_IF_ERROR(AddEntry(zip.get(), path, dir));
  if (archive_write_close(zip.get()) != ARCHIVE_OK) {
    return ArchiveError(zip.get(), "cannot finish the zip");
  }
  return out;
}

}  // namespace kumo::cli
