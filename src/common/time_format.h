#pragma once
// Time stamps as Lambda writes them.

#include <chrono>
#include <cstdint>
#include <string>

namespace kumo {

// "2026-11-26T01:02:03.456+0000" (LastModified's format).
std::string Iso8601Millis(std::chrono::system_clock::time_point t);
// "2026-11-26T01:02:03.456Z" (log lines).
std::string Iso8601MillisZ(std::chrono::system_clock::time_point t);
// "2026/11/26" (log stream names).
std::string DatePath(std::chrono::system_clock::time_point t);
int64_t EpochMillis(std::chrono::system_clock::time_point t);
inline int64_t NowEpochMillis() { return EpochMillis(std::chrono::system_clock::now()); }

}  // namespace kumo
