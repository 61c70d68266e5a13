#pragma once
// Event source mappings: which queue drives which function, with the batching settings Lambda's
// CreateEventSourceMapping takes. Durable in SQLite beside the function registry (its own
// connection to the same WAL database, its own table); every write commits before it returns.
// The pollers that act on these definitions live in src/events/. Loop thread only.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace kumo::store {

class SqliteDb;

struct EventSourceMapping {
  std::string uuid;
  std::string event_source_arn;  // arn:aws:sqs:<region>:<account>:<queue>
  std::string function_name;     // a plain name
  std::string qualifier;         // "" (unqualified: $LATEST), a version or an alias
  int batch_size = 10;
  int max_batching_window_s = 0;
  bool report_batch_item_failures = false;  // FunctionResponseTypes ["ReportBatchItemFailures"]
  bool enabled = true;
  int max_concurrency = 0;  // ScalingConfig.MaximumConcurrency; 0: not set
  int64_t last_modified_ms = 0;
};

class EsmStore {
 public:
  static Result<std::unique_ptr<EsmStore>> Open(const std::string& path);
  ~EsmStore();

  // kConflict when a mapping of the same source to the same function and qualifier exists (the
  // message names its UUID).
  Status Create(const EventSourceMapping& mapping);
  // kNotFound if absent.
  Result<EventSourceMapping> Get(const std::string& uuid);
  // Replaces the stored mapping of `mapping.uuid`: kNotFound if absent, kConflict as Create when
  // the new source and function pair belongs to another mapping.
  Status Update(const EventSourceMapping& mapping);
  // kNotFound if absent.
  Status Delete(const std::string& uuid);
  // Mappings ordered by UUID, those after `after_uuid` (when not empty), filtered by source ARN
  // and function name when those are not empty (`qualifier` only counts with a function name),
  // at most `limit`.
  Result<std::vector<EventSourceMapping>> List(const std::string& event_source_arn,
                                               const std::string& function_name,
                                               const std::optional<std::string>& qualifier,
                                               const std::string& after_uuid, int limit);

 private:
  explicit EsmStore(std::unique_ptr<SqliteDb> db);
  // The UUID of another mapping with the same source, function and qualifier, if any.
  Result<std::optional<std::string>> FindDuplicate(const EventSourceMapping& mapping);

  std::unique_ptr<SqliteDb> db_;
};

}  // namespace kumo::store
