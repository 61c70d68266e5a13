// Random mutations of a valid zip must never crash the unpacker, never write outside the bundle
// root, and never leave anything but complete bundles behind.

#include <gtest/gtest.h>

#include <random>

#include "store/bundle_store.h"
#include "store/bundle_test_util.h"
#include "store/test_zip.h"

namespace kumo::store {
namespace {

namespace fs = std::filesystem;

std::string Mutate(std::string zip, std::mt19937& rng) {
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % (n == 0 ? 1 : n)); };
  int edits = 1 + static_cast<int>(rng() % 8);
  for (int i = 0; i < edits && !zip.empty(); ++i) {
    switch (rng() % 5) {
      case 0:  // flip one bit
        zip[pick(zip.size())] ^= static_cast<char>(1u << (rng() % 8));
        break;
      case 1:  // overwrite a byte with a value that matters to parsers
        zip[pick(zip.size())] = "\0\xff/.\x7f"[rng() % 5];
        break;
      case 2:  // truncate
        zip.resize(pick(zip.size()));
        break;
      case 3:  // insert junk
        zip.insert(pick(zip.size()), 1 + pick(16), static_cast<char>(rng()));
        break;
      case 4:  // overwrite a name byte: the names are near the end in the central directory
        zip[zip.size() - 1 - pick(std::min<size_t>(zip.size(), 200))] = "./\0"[rng() % 3];
        break;
    }
  }
  return zip;
}

// Every file in a stored bundle is a plain file or folder with the modes Put promises.
void ExpectOnlyPlainEntries(const fs::path& bundle) {
  for (const auto& entry : fs::recursive_directory_iterator(bundle)) {
    auto status = entry.symlink_status();
    ASSERT_TRUE(fs::is_regular_file(status) || fs::is_directory(status)) << entry.path();
    unsigned mode = testing::PermissionsOf(entry.path());
    if (fs::is_directory(status)) {
      EXPECT_EQ(mode, 0755u) << entry.path();
    } else {
      EXPECT_TRUE(mode == 0644u || mode == 0755u) << entry.path();
    }
  }
}

TEST(BundleFuzzTest, MutatedZipsNeverEscapeOrLeaveLitter) {
  std::string seed_zip = testing::MakeZip({
      testing::Folder("pkg/"),
      testing::File("pkg/mod.py", std::string(3000, 'm') + "tail"),
      testing::File("pkg/sub/data.bin", std::string(20000, '\0')),
      testing::File("run", "#!/bin/sh\nexit 0\n", 0755),
      testing::File("a/b/c.txt", "abc"),
  });
  BundleLimits limits;
  limits.max_unpacked_bytes = 1u << 20;
  limits.max_entries = 50;
  std::mt19937 rng(20240601);
  int accepted = 0;
  for (int round = 0; round < 400; ++round) {
    testing::TempDir temp;
    fs::path root = temp.path() / "root";
    BundleStore store(root.string(), limits);
    std::string zip = Mutate(seed_zip, rng);
    auto bundle = store.Put(zip);
    std::set<std::string> beside = testing::Names(temp.path());
    beside.erase("root");
    ASSERT_TRUE(beside.empty()) << "round " << round << " wrote " << *beside.begin();
    std::set<std::string> left = testing::Names(root);
    if (bundle.ok()) {
      ++accepted;
      ASSERT_EQ(left, std::set<std::string>({bundle->sha256_hex, bundle->sha256_hex + ".zip"}))
          << "round " << round;
      ExpectOnlyPlainEntries(bundle->path);
    } else {
      ASSERT_TRUE(left.empty()) << "round " << round << ": " << *left.begin();
      EXPECT_NE(bundle.error().code, ErrorCode::kInternal)
          << "round " << round << ": " << bundle.error().message;
    }
  }
  // Mutations that miss every checked byte still unpack; a fuzzer that only ever fails the
  // first check would test little.
  EXPECT_GT(accepted, 0);
  EXPECT_LT(accepted, 400);
}

}  // namespace
}  // namespace kumo::store
