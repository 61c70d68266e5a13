#include "store/bundle_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <random>
#include <sstream>

#include "common/encoding.h"
#include "store/bundle_test_util.h"
#include "store/test_zip.h"
#include "store/zip_extractor.h"

namespace kumo::store {
namespace {

namespace fs = std::filesystem;
using testing::File;
using testing::Folder;
using testing::MakeZip;
using testing::Names;
using testing::PermissionsOf;

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string RandomBytes(size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  std::string out(size, '\0');
  for (char& c : out) c = static_cast<char>(rng());
  return out;
}

class BundleStoreTest : public ::testing::Test {
 protected:
  fs::path root() const { return temp_.path() / "bundles"; }

  // Puts `zip`, expects kInvalidArgument whose message holds `expected`, and checks that nothing
  // was left in the root and nothing was written beside it.
  void ExpectRefused(const std::string& zip, const std::string& expected,
                     BundleLimits limits = {}) {
    BundleStore store(root().string(), limits);
    auto bundle = store.Put(zip);
    ASSERT_FALSE(bundle.ok()) << "accepted; expected refusal with: " << expected;
    EXPECT_EQ(bundle.error().code, ErrorCode::kInvalidArgument) << bundle.error().message;
    EXPECT_NE(bundle.error().message.find(expected), std::string::npos)
        << "message: " << bundle.error().message << "\nexpected to contain: " << expected;
    EXPECT_TRUE(Names(root()).empty()) << "left behind: " << *Names(root()).begin();
    // The root itself may not exist yet if the zip was refused before anything was written.
    std::set<std::string> beside = Names(temp_.path());
    beside.erase("bundles");
    EXPECT_TRUE(beside.empty()) << "written beside the root: " << *beside.begin();
  }

  testing::TempDir temp_;
};

TEST_F(BundleStoreTest, UnpacksFilesFoldersAndModes) {
  std::string zip = MakeZip({
      Folder("lib/"),
      File("lib/util.py", "def util(): pass\n"),
      File("app.py", "def handler(e, c): return 1\n"),
      File("bootstrap", "#!/bin/sh\necho hi\n", 0755),
      File("tool", "#!/bin/sh\n", 0700),
      File("secret.txt", "private", 0600),
      File("deep/a/b/c.txt", "implied folders"),
      File("empty.txt", ""),
  });
  BundleStore store(root().string());
  auto bundle = store.Put(zip);
  ASSERT_TRUE(bundle.ok()) << bundle.error().message;
  std::string digest = Sha256(zip);
  EXPECT_EQ(bundle->sha256_hex, HexEncode(digest));
  EXPECT_EQ(bundle->sha256_base64, Base64Encode(digest));
  EXPECT_EQ(bundle->size, static_cast<int64_t>(zip.size()));
  fs::path path = root() / bundle->sha256_hex;
  EXPECT_EQ(bundle->path, path.string());
  EXPECT_EQ(store.PathFor(bundle->sha256_hex), path.string());

  EXPECT_EQ(ReadAll(path / "lib/util.py"), "def util(): pass\n");
  EXPECT_EQ(ReadAll(path / "app.py"), "def handler(e, c): return 1\n");
  EXPECT_EQ(ReadAll(path / "deep/a/b/c.txt"), "implied folders");
  EXPECT_EQ(fs::file_size(path / "empty.txt"), 0u);
  EXPECT_EQ(PermissionsOf(path), 0755u);
  EXPECT_EQ(PermissionsOf(path / "lib"), 0755u);
  EXPECT_EQ(PermissionsOf(path / "deep/a/b"), 0755u);
  EXPECT_EQ(PermissionsOf(path / "app.py"), 0644u);
  EXPECT_EQ(PermissionsOf(path / "secret.txt"), 0644u);  // instances run as another uid
  EXPECT_EQ(PermissionsOf(path / "bootstrap"), 0755u);
  EXPECT_EQ(PermissionsOf(path / "tool"), 0755u);
  // The folder and the zip it came from, kept for downloads; nothing else.
  EXPECT_EQ(Names(root()), std::set<std::string>({bundle->sha256_hex, bundle->sha256_hex + ".zip"}));
  EXPECT_EQ(store.ArchivePath(bundle->sha256_hex), (root() / (bundle->sha256_hex + ".zip")).string());
  EXPECT_EQ(fs::file_size(store.ArchivePath(bundle->sha256_hex)), static_cast<uintmax_t>(bundle->size));
}

TEST_F(BundleStoreTest, RelativeRootIsReportedAbsolute) {
  fs::path saved = fs::current_path();
  fs::current_path(temp_.path());
  BundleStore store("bundles");
  auto bundle = store.Put(MakeZip({File("a", "b")}));
  fs::current_path(saved);
  ASSERT_TRUE(bundle.ok()) << bundle.error().message;
  EXPECT_TRUE(fs::path(bundle->path).is_absolute()) << bundle->path;
  EXPECT_TRUE(fs::is_regular_file(root() / bundle->sha256_hex / "a"));
}

TEST_F(BundleStoreTest, SameZipTwiceIsExtractedOnce) {
  std::string zip = MakeZip({File("index.js", "exports.handler = async () => 1;\n")});
  BundleStore store(root().string());
  auto first = store.Put(zip);
  ASSERT_TRUE(first.ok()) << first.error().message;
  // A file the second Put would wipe out if it unpacked again.
  std::ofstream(fs::path(first->path) / "marker") << "x";
  auto second = store.Put(zip);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->path, first->path);
  EXPECT_EQ(second->sha256_base64, first->sha256_base64);
  EXPECT_TRUE(fs::exists(fs::path(first->path) / "marker"));
  EXPECT_EQ(Names(root()).size(), 2u);  // the folder and its zip
}

TEST_F(BundleStoreTest, EmptyZipIsAnEmptyBundle) {
  std::string zip = MakeZip({});
  BundleStore store(root().string());
  auto bundle = store.Put(zip);
  ASSERT_TRUE(bundle.ok()) << bundle.error().message;
  EXPECT_TRUE(fs::is_directory(bundle->path));
  EXPECT_TRUE(Names(bundle->path).empty());
}

TEST_F(BundleStoreTest, UnicodeFileNamesSurvive) {
  BundleStore store(root().string());
  auto bundle = store.Put(MakeZip({File("données/日本語.txt", "ok")}));
  ASSERT_TRUE(bundle.ok()) << bundle.error().message;
  EXPECT_EQ(ReadAll(fs::path(bundle->path) / "données/日本語.txt"), "ok");
}

TEST_F(BundleStoreTest, UnicodeFileNamesFlaggedUtf8Survive) {
  // The test runs in the "C" locale, as the server does.
  std::string zip = MakeZip({File("données/日本語.txt", "ok"), File("plain.txt", "p")});
  ASSERT_EQ(testing::SetUtf8Flag(zip), 4);
  BundleStore store(root().string());
  auto bundle = store.Put(zip);
  ASSERT_TRUE(bundle.ok()) << bundle.error().message;
  EXPECT_EQ(ReadAll(fs::path(bundle->path) / "données/日本語.txt"), "ok");
  EXPECT_EQ(ReadAll(fs::path(bundle->path) / "plain.txt"), "p");
}

TEST_F(BundleStoreTest, RefusesParentEscapes) {
  ExpectRefused(MakeZip({File("good.txt", "fine"), File("../evil", "x")}), "../evil");
  ExpectRefused(MakeZip({File("good.txt", "fine"), File("a/../../x", "x")}), "a/../../x");
  ExpectRefused(MakeZip({Folder("../up/")}), "../up");
}

TEST_F(BundleStoreTest, RefusesAbsolutePaths) {
  ExpectRefused(MakeZip({File("good.txt", "fine"), File("/abs", "x")}), "/abs");
  EXPECT_FALSE(fs::exists("/abs"));
}

TEST_F(BundleStoreTest, RefusesLinksAndSpecialFiles) {
  ExpectRefused(MakeZip({File("good.txt", "fine"), testing::Symlink("link", "/etc/passwd")}),
                "\"link\" is a symbolic link");
  ExpectRefused(MakeZip({testing::Symlink("up", "..")}), "\"up\" is a symbolic link");
  // libarchive's zip writer refuses special files, so these are regular entries whose unix mode
  // in the central directory is then rewritten, as a hostile tool would write it.
  std::string tty = MakeZip({File("good.txt", "fine"), File("tty", "")});
  ASSERT_TRUE(testing::SetUnixMode(tty, "tty", S_IFCHR | 0644));
  ExpectRefused(tty, "\"tty\" is a device, fifo or socket");
  std::string device = MakeZip({File("sda", "")});
  ASSERT_TRUE(testing::SetUnixMode(device, "sda", S_IFBLK | 0600));
  ExpectRefused(device, "\"sda\" is a device, fifo or socket");
  std::string socket = MakeZip({File("sock", "")});
  ASSERT_TRUE(testing::SetUnixMode(socket, "sock", S_IFSOCK | 0644));
  ExpectRefused(socket, "\"sock\" is a device, fifo or socket");
  // The same patch to a symlink mode proves the patch is what libarchive reads.
  std::string link = MakeZip({File("ln", "/etc/shadow")});
  ASSERT_TRUE(testing::SetUnixMode(link, "ln", S_IFLNK | 0777));
  ExpectRefused(link, "\"ln\" is a symbolic link");
}

TEST_F(BundleStoreTest, FifoModeNeverBecomesAFifo) {
  // libarchive 3.6 reads a zip entry with a fifo mode as a regular file; whichever way a
  // version decides, no fifo may appear in a bundle.
  std::string fifo = MakeZip({File("pipe", "")});
  ASSERT_TRUE(testing::SetUnixMode(fifo, "pipe", S_IFIFO | 0644));
  BundleStore store(root().string());
  auto bundle = store.Put(fifo);
  if (bundle.ok()) {
    EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(fs::path(bundle->path) / "pipe")));
  } else {
    EXPECT_NE(bundle.error().message.find("fifo"), std::string::npos) << bundle.error().message;
  }
}

TEST_F(BundleStoreTest, RefusesNamesThatClash) {
  ExpectRefused(MakeZip({File("a", "1"), File("a", "2")}), "\"a\" appears twice");
  ExpectRefused(MakeZip({File("a", "1"), File("a/b", "2")}), "\"a/b\" is inside a file");
  ExpectRefused(MakeZip({Folder("d/"), File("d", "2")}), "\"d\" appears twice");
}

TEST_F(BundleStoreTest, RefusesNulInName) {
  std::string zip = MakeZip({File("nulXname.txt", "data")});
  size_t replaced = 0;
  for (size_t at = zip.find("nulXname"); at != std::string::npos; at = zip.find("nulXname", at)) {
    zip[at + 3] = '\0';
    ++replaced;
  }
  ASSERT_GE(replaced, 2u);  // local header and central directory
  ExpectRefused(zip, "has a NUL in its name");
}

TEST_F(BundleStoreTest, RefusesZipBombByRatio) {
  std::string zeros(50u << 20, '\0');
  std::string zip = MakeZip({File("good.txt", "fine"), File("bomb", zeros)});
  ASSERT_LT(zip.size(), 1u << 20);
  BundleLimits limits;
  limits.max_unpacked_bytes = 1ull << 30;  // only the ratio may stop it
  limits.max_ratio = 100;
  ExpectRefused(zip, "\"bomb\" unpacks to more than 100 times", limits);
}

TEST_F(BundleStoreTest, SmallOrIncompressibleEntriesPassTheRatioCheck) {
  BundleLimits limits;
  limits.max_ratio = 10;
  std::string zip = MakeZip({File("small-zeros", std::string(900u << 10, '\0')),
                             File("random", RandomBytes(3u << 20, 7))});
  BundleStore store(root().string(), limits);
  auto bundle = store.Put(zip);
  ASSERT_TRUE(bundle.ok()) << bundle.error().message;
  EXPECT_EQ(fs::file_size(fs::path(bundle->path) / "random"), 3u << 20);
}

TEST_F(BundleStoreTest, RefusesMoreBytesThanTheLimit) {
  BundleLimits limits;
  limits.max_unpacked_bytes = 100000;
  ExpectRefused(MakeZip({File("a", RandomBytes(60000, 1)), File("b", RandomBytes(60000, 2))}),
                "Unzipped size must be smaller than 100000 bytes", limits);
  BundleStore store(root().string(), limits);
  EXPECT_TRUE(store.Put(MakeZip({File("a", RandomBytes(100000, 3))})).ok());
}

TEST_F(BundleStoreTest, RefusesTooManyEntries) {
  BundleLimits limits;
  limits.max_entries = 5;
  std::vector<testing::TestEntry> entries;
  for (int i = 0; i < 6; ++i) entries.push_back(File(std::to_string(i) + ".txt", "x"));
  ExpectRefused(MakeZip(entries), "more than 5 entries", limits);
  entries.pop_back();
  BundleStore store(root().string(), limits);
  EXPECT_TRUE(store.Put(MakeZip(entries)).ok());
}

TEST_F(BundleStoreTest, RefusesWhatIsNotAZip) {
  ExpectRefused(RandomBytes(4096, 42), kNotAZipMessage);
  ExpectRefused("", kNotAZipMessage);
  ExpectRefused(testing::MakeTarGz({File("app.py", "print(1)")}), kNotAZipMessage);
  std::string zip = MakeZip({File("app.py", RandomBytes(5000, 9))});
  ExpectRefused(zip.substr(0, zip.size() / 2), "");  // truncated: refused, wording free
}

TEST_F(BundleStoreTest, PathForUnknownOrMalformedHexIsEmpty) {
  BundleStore store(root().string());
  EXPECT_EQ(store.PathFor(std::string(64, 'a')), "");
  EXPECT_EQ(store.PathFor("../../etc"), "");
  EXPECT_EQ(store.PathFor(""), "");
}

TEST_F(BundleStoreTest, RemoveUnreferencedKeepsOnlyWhatIsAsked) {
  BundleStore store(root().string());
  auto a = store.Put(MakeZip({File("a", "1")}));
  auto b = store.Put(MakeZip({File("b", "2")}));
  auto c = store.Put(MakeZip({File("c", "3")}));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  fs::create_directories(root() / ".tmp-stale/inner");
  std::ofstream(root() / ".tmp-stale/inner/f") << "x";
  std::ofstream(root() / "README") << "not a bundle";
  store.RemoveUnreferenced({a->sha256_hex, c->sha256_hex});
  EXPECT_EQ(Names(root()), std::set<std::string>({a->sha256_hex, a->sha256_hex + ".zip",
                                                  c->sha256_hex, c->sha256_hex + ".zip",
                                                  "README"}));
  EXPECT_EQ(store.ArchivePath(b->sha256_hex), "");
  EXPECT_EQ(store.PathFor(b->sha256_hex), "");
  EXPECT_EQ(ReadAll(fs::path(a->path) / "a"), "1");
  // A removed bundle can be stored again.
  auto again = store.Put(MakeZip({File("b", "2")}));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(ReadAll(fs::path(again->path) / "b"), "2");
}

}  // namespace
}  // namespace kumo::store
