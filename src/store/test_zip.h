#pragma once
// Builds zip files in memory with libarchive's writer, for tests. Entries are written exactly as
// given (hostile names, links and modes included), since tests need archives a careful tool
// would never make. Test-only; one thread per builder.

#include <cstdint>
#include <string>
#include <vector>

namespace kumo::store::testing {

struct TestEntry {
  enum class Kind { kFile, kFolder, kSymlink };
  Kind kind = Kind::kFile;
  std::string name;
  std::string data;      // file content, or the target of a link
  unsigned mode = 0644;  // permission bits
};

TestEntry File(std::string name, std::string data, unsigned mode = 0644);
TestEntry Folder(std::string name);
TestEntry Symlink(std::string name, std::string target);

// The zip of `entries`, deflate-compressed. Aborts the test binary if libarchive refuses.
std::string MakeZip(const std::vector<TestEntry>& entries);
// Rewrites the unix mode (file type and permissions) that the central directory of `zip` records
// for the entry `name`. false if there is no such entry.
bool SetUnixMode(std::string& zip, const std::string& name, unsigned mode);
// Sets the "names are UTF-8" flag (general purpose bit 11) on every entry, as zip tools do for
// non-ASCII names. Returns how many headers were changed.
int SetUtf8Flag(std::string& zip);
// A gzip-compressed tar of `entries`: a real archive that is not a zip.
std::string MakeTarGz(const std::vector<TestEntry>& entries);

}  // namespace kumo::store::testing
