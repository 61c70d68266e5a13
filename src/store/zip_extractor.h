#pragma once
// Unpacks a zip held in memory into an empty folder, refusing hostile archives: names that
// leave the folder, links, special files, too many entries or bytes, and zip bombs. It writes
// only regular files and folders, created below `dest_fd` with openat and O_NOFOLLOW, so no name
// can reach outside. On failure the folder may hold partial output; the caller removes it.
// Any thread, one call at a time per destination.

#include <string_view>

#include "common/result.h"
#include "store/bundle_store.h"

namespace kumo::store {

// Lambda's wording for bytes that are not a readable zip.
inline constexpr const char* kNotAZipMessage =
    "Could not unzip uploaded file. Please check your file, then try to upload again.";

Status ExtractZip(std::string_view zip, int dest_fd, const BundleLimits& limits);

}  // namespace kumo::store
