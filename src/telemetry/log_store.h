#pragma once
// Recent log lines of every function (what instances printed plus the START/END/REPORT lines),
// numbered per function, with long-poll waiters for `kumo logs --follow`. Kept in memory, the
// newest kMaxEventsPerFunction per function, and on disk when files are attached (the server
// attaches <data>/logs, so logs survive restarts). Loop thread only.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kumo::telemetry {

class LogFiles;

struct LogEvent {
  uint64_t seq = 0;
  int64_t timestamp_ms = 0;
  std::string request_id;
  std::string message;
};

class LogStore {
 public:
  LogStore();
  ~LogStore();
  static constexpr size_t kMaxEventsPerFunction = 10000;
  using Waiter = std::function<void()>;

  void Append(const std::string& function, int64_t timestamp_ms, std::string request_id,
              std::string message);
  // Events with seq > after, at most `limit`.
  std::vector<LogEvent> Read(const std::string& function, uint64_t after, size_t limit) const;
  // The seq the next appended event of this function will get.
  uint64_t NextSeq(const std::string& function) const;
  // Calls `waiter` once, at the next Append to `function`. Returns an id for CancelWait.
  uint64_t WaitForAppend(const std::string& function, Waiter waiter);
  void CancelWait(const std::string& function, uint64_t id);
  void Forget(const std::string& function);
  // Loads what `files` hold and writes every later event there too.
  void AttachFiles(std::unique_ptr<LogFiles> files);
  // Writes buffered lines out (shutdown).
  void Flush();

 private:
  struct FunctionLog {
    std::deque<LogEvent> events;
    uint64_t next_seq = 1;
    std::map<uint64_t, Waiter> waiters;
  };
  std::map<std::string, FunctionLog> logs_;
  std::unique_ptr<LogFiles> files_;
  uint64_t next_waiter_id_ = 1;
};

}  // namespace kumo::telemetry
