#pragma once
// Parsing of sizes ("512M", "8G") and durations ("90s", "10m", "1h", "250ms") as the command
// line takes them.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace kumo {

// Bytes; a bare number is bytes, suffixes K, M, G, T (powers of 1024, optional "B"/"iB").
std::optional<uint64_t> ParseSize(const std::string& text);
// A bare number is seconds; suffixes ms, s, m, h.
std::optional<std::chrono::milliseconds> ParseDuration(const std::string& text);

}  // namespace kumo
