#pragma once
// Schedule definitions (EventBridge Scheduler's schedules, group "default"): what fires, when,
// and what it sends. Durable in SQLite beside the function registry (its own connection to the
// same WAL database, its own table, created if missing); every write commits before it returns.
// When each schedule last fired is not kept here but in the queue store's cursors, committed
// together with the event (see events::Scheduler). Loop thread only.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"

namespace kumo::store {

class SqliteDb;

struct ScheduleDefinition {
  std::string name;         // 1-64 of [0-9a-zA-Z-_.]
  std::string expression;   // rate(...), cron(...) or at(...)
  std::string timezone;     // IANA name; "" means UTC
  std::string function_name;
  std::string qualifier;    // "" means $LATEST
  std::string role_arn;     // kept and returned; kumo does not assume roles
  std::string input;        // the payload as given; "" sends the Scheduled Event document
  std::string state = "ENABLED";  // ENABLED or DISABLED
  std::string description;
  int64_t start_ms = 0;     // 0: none (EventBridge's StartDate)
  int64_t end_ms = 0;       // 0: none (EndDate)
  std::string missed;       // "skip", "run-once" or "" (the server's default)
  std::string flexible_mode = "OFF";  // OFF or FLEXIBLE (kumo always fires on time)
  int flexible_window_minutes = 0;
  int64_t created_ms = 0;
  int64_t modified_ms = 0;
};

class ScheduleStore {
 public:
  static Result<std::unique_ptr<ScheduleStore>> Open(const std::string& path);
  ~ScheduleStore();

  // kConflict if a schedule of that name exists.
  Status Create(const ScheduleDefinition& schedule);
  // Replaces every field but name and created_ms. kNotFound if absent.
  Status Update(const ScheduleDefinition& schedule);
  // kNotFound if absent.
  Result<ScheduleDefinition> Get(const std::string& name);
  // kNotFound if absent.
  Status Delete(const std::string& name);
  // Schedules whose names start with `prefix`, ordered by name.
  Result<std::vector<ScheduleDefinition>> List(const std::string& prefix);

 private:
  explicit ScheduleStore(std::unique_ptr<SqliteDb> db);
  std::unique_ptr<SqliteDb> db_;
};

}  // namespace kumo::store
