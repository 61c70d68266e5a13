#pragma once
// What happens to a function's asynchronous invocations (Lambda's EventInvokeConfig): how often
// a failed event is retried, how old it may get, and where records of successes and failures
// go. One per function and qualifier, durable in SQLite beside the function registry; every
// write commits before it returns. Loop thread only.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace kumo::store {

class SqliteDb;

struct EventInvokeConfig {
  std::string function_name;
  std::string qualifier = "$LATEST";
  int maximum_retry_attempts = 2;            // 0..2
  int maximum_event_age_s = 21600;           // 60..21600
  std::string on_success;                    // destination ARN, "" for none
  std::string on_failure;                    // destination ARN, "" for none
  int64_t last_modified_ms = 0;
};

class EventInvokeConfigStore {
 public:
  static Result<std::unique_ptr<EventInvokeConfigStore>> Open(const std::string& path);
  ~EventInvokeConfigStore();

  Status Put(const EventInvokeConfig& config);
  // nullopt when the function and qualifier have none.
  Result<std::optional<EventInvokeConfig>> Get(const std::string& function_name,
                                               const std::string& qualifier);
  // Ordered by qualifier.
  Result<std::vector<EventInvokeConfig>> List(const std::string& function_name);
  // kNotFound if absent.
  Status Delete(const std::string& function_name, const std::string& qualifier);
  // Every qualifier's; nothing to delete is fine.
  Status DeleteAllOf(const std::string& function_name);

 private:
  explicit EventInvokeConfigStore(std::unique_ptr<SqliteDb> db);
  std::unique_ptr<SqliteDb> db_;
};

}  // namespace kumo::store
