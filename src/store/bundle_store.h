#pragma once
// Content-addressed code bundles: a zip is unpacked once into <root>/<sha256-hex>/ and never
// changed after. Unpacking refuses hostile archives (see Put). Not thread-safe.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace kumo::store {

struct BundleLimits {
  uint64_t max_unpacked_bytes = 250ull << 20;  // Lambda's unzipped limit
  uint64_t max_entries = 20000;
  uint64_t max_ratio = 200;  // unpacked/packed bytes of one entry above this is a zip bomb
};

struct Bundle {
  std::string sha256_base64;  // CodeSha256 as Lambda reports it
  std::string sha256_hex;     // key and folder name
  int64_t size = 0;           // bytes of the zip
  std::string path;           // absolute folder holding the unpacked files
};

class BundleStore {
 public:
  BundleStore(std::string root, BundleLimits limits = {});

  // Unpacks `zip` (the raw bytes) unless that bundle exists already. kInvalidArgument, with a
  // message naming the problem, for: not a zip, an entry with an absolute path or one that
  // escapes the root (".."), a symlink, device or fifo entry, more entries or bytes than the
  // limits, an entry whose ratio says zip bomb. Nothing is left on disk on failure. Unpacked
  // files are readable by everyone (0644, executables 0755, folders 0755) because instances run
  // as an unprivileged user; their owner is root, so an instance cannot change them.
  Result<Bundle> Put(std::string_view zip);
  // The zip a bundle was unpacked from, kept as uploaded; empty if it does not exist.
  std::string ArchivePath(const std::string& sha256_hex) const;
  // The folder of a stored bundle; empty if it does not exist.
  std::string PathFor(const std::string& sha256_hex) const;
  // Removes bundles not in `keep`, and temporary folders a crashed Put left behind. Only
  // folders named like a bundle (64 hex digits) or ".tmp-*" are touched; other files in the
  // root stay. Best effort: a folder that cannot be removed is left for the next call.
  void RemoveUnreferenced(const std::vector<std::string>& keep);

 private:
  std::string root_;
  BundleLimits limits_;
};

}  // namespace kumo::store
