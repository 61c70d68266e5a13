#include "store/test_zip.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace kumo::store::testing {
namespace {

void Require(bool ok, archive* a, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "test zip: %s failed: %s\n", what,
                 a != nullptr && archive_error_string(a) ? archive_error_string(a) : "?");
    std::abort();
  }
}

la_ssize_t AppendToString(archive*, void* client, const void* data, size_t size) {
  static_cast<std::string*>(client)->append(static_cast<const char*>(data), size);
  return static_cast<la_ssize_t>(size);
}

void WriteEntry(archive* a, const TestEntry& spec) {
  std::unique_ptr<archive_entry, void (*)(archive_entry*)> entry(archive_entry_new(),
                                                                 archive_entry_free);
  archive_entry_set_pathname(entry.get(), spec.name.c_str());
  archive_entry_set_perm(entry.get(), spec.mode);
  archive_entry_set_mtime(entry.get(), 1700000000, 0);
  bool has_data = false;
  switch (spec.kind) {
    case TestEntry::Kind::kFile:
      archive_entry_set_filetype(entry.get(), AE_IFREG);
      archive_entry_set_size(entry.get(), static_cast<la_int64_t>(spec.data.size()));
      has_data = true;
      break;
    case TestEntry::Kind::kFolder:
      archive_entry_set_filetype(entry.get(), AE_IFDIR);
      break;
    case TestEntry::Kind::kSymlink:
      archive_entry_set_filetype(entry.get(), AE_IFLNK);
      archive_entry_set_symlink(entry.get(), spec.data.c_str());
      break;
  }
  Require(archive_write_header(a, entry.get()) == ARCHIVE_OK, a, "write header");
  if (has_data && !spec.data.empty()) {
    la_ssize_t n = archive_write_data(a, spec.data.data(), spec.data.size());
    Require(n == static_cast<la_ssize_t>(spec.data.size()), a, "write data");
  }
}

std::string Write(const std::vector<TestEntry>& entries, bool zip) {
  std::string out;
  archive* a = archive_write_new();
  Require(a != nullptr, a, "archive_write_new");
  if (zip) {
    Require(archive_write_set_format_zip(a) == ARCHIVE_OK, a, "set zip");
    Require(archive_write_set_options(a, "zip:compression=deflate") == ARCHIVE_OK, a, "deflate");
  } else {
    Require(archive_write_set_format_pax_restricted(a) == ARCHIVE_OK, a, "set tar");
    Require(archive_write_add_filter_gzip(a) == ARCHIVE_OK, a, "gzip");
  }
  Require(archive_write_set_bytes_in_last_block(a, 1) == ARCHIVE_OK, a, "last block");
  Require(archive_write_open(a, &out, nullptr, AppendToString, nullptr) == ARCHIVE_OK, a, "open");
  for (const TestEntry& entry : entries) WriteEntry(a, entry);
  Require(archive_write_close(a) == ARCHIVE_OK, a, "close");
  archive_write_free(a);
  return out;
}

}  // namespace

TestEntry File(std::string name, std::string data, unsigned mode) {
  return {TestEntry::Kind::kFile, std::move(name), std::move(data), mode};
}
TestEntry Folder(std::string name) { return {TestEntry::Kind::kFolder, std::move(name), "", 0755}; }
TestEntry Symlink(std::string name, std::string target) {
  return {TestEntry::Kind::kSymlink, std::move(name), std::move(target), 0777};
}

bool SetUnixMode(std::string& zip, const std::string& name, unsigned mode) {
  // Central directory records: signature PK\1\2, name length at +28, external attributes
  // (unix mode in the high 16 bits) at +38, name at +46.
  const std::string signature("PK\1\2", 4);
  for (size_t at = zip.find(signature); at != std::string::npos && at + 46 <= zip.size();
       at = zip.find(signature, at + 1)) {
    size_t name_size =
        static_cast<unsigned char>(zip[at + 28]) | static_cast<unsigned char>(zip[at + 29]) << 8;
    if (zip.compare(at + 46, name_size, name) != 0 || name_size != name.size()) continue;
    zip[at + 5] = 3;  // made by: unix, so readers trust the mode
    zip[at + 40] = static_cast<char>(mode & 0xff);
    zip[at + 41] = static_cast<char>((mode >> 8) & 0xff);
    return true;
  }
  return false;
}

int SetUtf8Flag(std::string& zip) {
  int changed = 0;
  // Local headers (PK\3\4) keep the flags at +6, central records (PK\1\2) at +8; bit 11 is
  // bit 3 of the flags' second byte.
  for (auto [signature, flags_at] :
       {std::pair{std::string("PK\3\4", 4), 6}, std::pair{std::string("PK\1\2", 4), 8}}) {
    for (size_t at = zip.find(signature); at != std::string::npos && at + 10 <= zip.size();
         at = zip.find(signature, at + 1)) {
      zip[at + flags_at + 1] = static_cast<char>(zip[at + flags_at + 1] | 0x08);
      ++changed;
    }
  }
  return changed;
}

std::string MakeZip(const std::vector<TestEntry>& entries) { return Write(entries, true); }
std::string MakeTarGz(const std::vector<TestEntry>& entries) { return Write(entries, false); }

}  // namespace kumo::store::testing
