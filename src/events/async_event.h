#pragma once
// An asynchronous invocation as kept in a function's internal queue until it has run (or gone
// to its failure destination), and the door through which other event sources (schedules)
// enqueue one.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace kumo::events {

// The internal queue of a function's pending async invocations ('~': no client can name it).
std::string AsyncQueueName(const std::string& function_name);

struct AsyncEvent {
  std::string request_id;
  std::string function_name;
  std::string qualifier;  // "" means $LATEST
  std::string payload;    // the event document (JSON)
  int64_t enqueued_ms = 0;
  int attempts = 0;  // attempts that failed with a function error or timeout so far
  std::string source = "lambda";  // who enqueued it: "lambda" (Invoke), "scheduler", ...
  // The last failed attempt's error document and its kind, for the destination record.
  std::string last_error;
  std::string last_error_type;  // "Unhandled" (function error) or "" when none
};

std::string AsyncEventToJson(const AsyncEvent& event);
Result<AsyncEvent> AsyncEventFromJson(std::string_view json);

// Enqueues async invocations durably. `done` runs on the loop once the event is committed (or
// with the reason it was refused: unknown function, too large). With a cursor, the named cursor
// of the queue store is set in the same commit (a schedule's "fired up to" mark). Loop thread.
class AsyncSink {
 public:
  struct Cursor {
    std::string key;
    std::string value;
  };
  virtual ~AsyncSink() = default;
  virtual void Enqueue(AsyncEvent event, std::optional<Cursor> cursor,
                       std::function<void(Status)> done) = 0;
};

}  // namespace kumo::events
