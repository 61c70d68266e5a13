#pragma once
// Packs a function's folder into a zip in memory, as `kumo deploy` uploads it.

#include <filesystem>
#include <string>

#include "common/result.h"

namespace kumo::cli {

// Zips everything under `dir` (hidden files too) with paths relative to it, keeping permission
// bits (so executables stay executable), modification times and symlinks as symlinks. Entries are
// sorted by path so the same tree gives the same bytes. Fails if `dir` is not a readable folder.
Result<std::string> ZipDirectory(const std::filesystem::path& dir);

}  // namespace kumo::cli
