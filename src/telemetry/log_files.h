#pragma once
// The on-disk side of the log store: one append-only file of lines per function under a
// folder, so `kumo logs` still shows what ran before a restart (including async and queue work
// done just before a crash). Lines are "<seq> <epoch ms> <request id or -> <message>". Writes go
// through a buffer flushed at least every kFlushEveryMs of log time and at Flush(): logs are
// not acknowledged data, so a crash may lose the last moments of them, never anything else.
// A file that grows past kMaxFileBytes is rewritten with what the store keeps in memory.
// Loop thread only.

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"

namespace kumo::telemetry {

struct LogEvent;

class LogFiles {
 public:
  static constexpr int64_t kFlushEveryMs = 200;
  static constexpr uint64_t kMaxFileBytes = 16ull << 20;

  // Creates `dir` if missing.
  static Result<std::unique_ptr<LogFiles>> Open(const std::string& dir);
  ~LogFiles();

  // The newest `max_per_function` events of every function found on disk, oldest first.
  std::map<std::string, std::vector<LogEvent>> Load(size_t max_per_function) const;
  void Write(const std::string& function, const LogEvent& event);
  // Replaces the function's file with `events` (compaction).
  void Rewrite(const std::string& function, const std::vector<LogEvent>& events);
  bool NeedsRewrite(const std::string& function) const;
  void Remove(const std::string& function);
  void Flush();

 private:
  explicit LogFiles(std::string dir) : dir_(std::move(dir)) {}
  struct File {
    FILE* f = nullptr;
    uint64_t bytes = 0;
  };
  File& FileFor(const std::string& function);
  std::string PathFor(const std::string& function) const;

  std::string dir_;
  std::map<std::string, File> files_;
  int64_t last_flush_ms_ = 0;
};

}  // namespace kumo::telemetry
