#pragma once
// Small file helpers for cgroupfs and procfs, where every value is a short text file. They keep
// errno in the returned Error so callers can tell "gone" (ENOENT) from "not allowed".
// Stateless; any thread may call them.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace kumo::sandbox {

Result<std::string> ReadSmallFile(const std::string& path);
// Writes the whole value in one write(2), as cgroupfs expects; no O_CREAT on purpose for cgroup
// files, but a regular directory (the fake trees of unit tests) gets the file created.
Status WriteSmallFile(const std::string& path, const std::string& value);
// Names of the entries of a directory (without "." and ".."), or an error.
Result<std::vector<std::string>> ListDir(const std::string& path);
// Parses "<key> <number>" lines (memory.events, memory.oom_control); nullopt if key is absent.
std::optional<uint64_t> FindKeyedValue(const std::string& text, const std::string& key);
// Parses a decimal number with optional trailing whitespace; nullopt for anything else.
std::optional<uint64_t> ParseUint(const std::string& text);

}  // namespace kumo::sandbox
