#pragma once
// The function registry: durable in SQLite (WAL, synchronous=FULL) under the data directory.
// Each call commits before it returns. Not thread-safe: the server calls it from its one event
// loop thread.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/function_config.h"

namespace kumo::store {

class FunctionStore {
 public:
  // Opens (creating if needed) the database file at `path`.
  static Result<std::unique_ptr<FunctionStore>> Open(const std::string& path);
  virtual ~FunctionStore() = default;

  // kConflict if a function of that name exists.
  virtual Status Create(const FunctionConfig& config) = 0;
  // kNotFound if there is no such function.
  virtual Result<FunctionConfig> Get(const std::string& name) = 0;
  // Replaces the stored config of config.name; kNotFound if absent.
  virtual Status Update(const FunctionConfig& config) = 0;
  // kNotFound if absent.
  virtual Status Delete(const std::string& name) = 0;
  // Functions ordered by name, starting after `marker` (empty: from the start), at most
  // `max_items`. `next_marker` is set when more remain.
  struct Page {
    std::vector<FunctionConfig> functions;
    std::optional<std::string> next_marker;
  };
  virtual Result<Page> List(const std::string& marker, int max_items) = 0;
  // Every code_hex any function still refers to (for garbage-collecting bundles).
  virtual Result<std::vector<std::string>> ReferencedBundles() = 0;
};

}  // namespace kumo::store
