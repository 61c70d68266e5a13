#include "cli/zip_dir.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <map>

#include "cli/test_temp_dir.h"

namespace kumo::cli {
namespace {

namespace fs = std::filesystem;

struct ReadEntry {
  mode_t mode = 0;
  std::string data;
  std::string symlink;
};

// Reads a zip back with libarchive, independently of how it was written.
std::map<std::string, ReadEntry> ReadZip(const std::string& zip) {
  std::map<std::string, ReadEntry> entries;
  archive* reader = archive_read_new();
  archive_read_support_format_zip(reader);
  EXPECT_EQ(archive_read_open_memory(reader, zip.data(), zip.size()), ARCHIVE_OK);
  archive_entry* entry;
  while (archive_read_next_header(reader, &entry) == ARCHIVE_OK) {
    ReadEntry& read = entries[archive_entry_pathname(entry)];
    read.mode = archive_entry_mode(entry);
    if (const char* target = archive_entry_symlink(entry)) read.symlink = target;
    char buffer[4096];
    la_ssize_t n;
    while ((n = archive_read_data(reader, buffer, sizeof(buffer))) > 0) read.data.append(buffer, n);
  }
  archive_read_free(reader);
  return entries;
}

TEST(ZipDirectoryTest, KeepsTreeContentModesAndLinks) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  dir.Write("app.py", "def handler(event, context):\n    return event\n");
  fs::path bootstrap = dir.Write("bootstrap", "#!/bin/sh\necho hi\n");
  ::chmod(bootstrap.c_str(), 0755);
  dir.Write(".hidden", "secret");
  dir.Write("lib/deep/data.bin", std::string("\0\1\2\3", 4) + std::string(100000, 'z'));
  fs::create_directory(dir.path() / "empty");
  fs::create_symlink("lib/deep/data.bin", dir.path() / "link");

  Result<std::string> zip = ZipDirectory(dir.path());
  ASSERT_TRUE(zip.ok()) << zip.error().message;
  EXPECT_LT(zip->size(), 100000u) << "expected deflate compression";
  std::map<std::string, ReadEntry> entries = ReadZip(*zip);

  std::vector<std::string> names;
  for (const auto& [name, entry] : entries) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{".hidden", "app.py", "bootstrap", "empty/", "lib/",
                                             "lib/deep/", "lib/deep/data.bin", "link"}));
  EXPECT_EQ(entries["app.py"].data, "def handler(event, context):\n    return event\n");
  EXPECT_EQ(entries[".hidden"].data, "secret");
  EXPECT_EQ(entries["lib/deep/data.bin"].data.size(), 100004u);
  EXPECT_EQ(entries["lib/deep/data.bin"].data.substr(0, 4), std::string("\0\1\2\3", 4));
  EXPECT_EQ(entries["bootstrap"].mode & 0777, 0755u);
  EXPECT_TRUE(S_ISREG(entries["bootstrap"].mode));
  EXPECT_EQ(entries["app.py"].mode & 0111, 0u);
  EXPECT_TRUE(S_ISDIR(entries["empty/"].mode));
  EXPECT_TRUE(S_ISLNK(entries["link"].mode));
  EXPECT_EQ(entries["link"].symlink, "lib/deep/data.bin");
}

TEST(ZipDirectoryTest, SameTreeGivesSameBytes) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  dir.Write("b.txt", "b");
  dir.Write("a/c.txt", "c");
  Result<std::string> first = ZipDirectory(dir.path());
  Result<std::string> second = ZipDirectory(dir.path());
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(*first, *second);
}

TEST(ZipDirectoryTest, EmptyFolderGivesValidEmptyZip) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  Result<std::string> zip = ZipDirectory(dir.path());
  ASSERT_TRUE(zip.ok()) << zip.error().message;
  EXPECT_TRUE(ReadZip(*zip).empty());
}

TEST(ZipDirectoryTest, MissingOrFileFails) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  Result<std::string> missing = ZipDirectory(dir.path() / "nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("does not exist"), std::string::npos);
  Result<std::string> file = ZipDirectory(dir.Write("f", "x"));
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.error().message.find("is not a folder"), std::string::npos);
}

}  // namespace
}  // namespace kumo::cli
