#include "common/time_format.h"

#include <time.h>

#include <cstdio>

namespace kumo {
namespace {

std::string Format(std::chrono::system_clock::time_point t, const char* suffix) {
  int64_t ms = EpochMillis(t);
  time_t secs = static_cast<time_t>(ms / 1000);
  tm parts{};
  gmtime_r(&secs, &parts);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03d%s", parts.tm_year + 1900,
                parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec,
                static_cast<int>(ms % 1000), suffix);
  return buf;
}

}  // namespace

int64_t EpochMillis(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::string Iso8601Millis(std::chrono::system_clock::time_point t) { return Format(t, "+0000"); }
std::string Iso8601MillisZ(std::chrono::system_clock::time_point t) { return Format(t, "Z"); }

std::string DatePath(std::chrono::system_clock::time_point t) {
  time_t secs = std::chrono::system_clock::to_time_t(t);
  tm parts{};
  gmtime_r(&secs, &parts);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d/%02d/%02d", parts.tm_year + 1900, parts.tm_mon + 1,
                parts.tm_mday);
  return buf;
}

}  // namespace kumo
