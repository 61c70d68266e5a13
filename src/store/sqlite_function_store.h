#pragma once
// FunctionStore on one SQLite file. Every method runs one autocommitted statement (WAL,
// synchronous=FULL), so a write is durable when it returns. Not thread-safe: one thread owns it.

#include <memory>
#include <string>

#include "store/function_store.h"
#include "store/sqlite_db.h"

namespace kumo::store {

class SqliteFunctionStore : public FunctionStore {
 public:
  // The schema version this code writes; Open migrates older files up to it and refuses newer.
  static constexpr int kSchemaVersion = 1;

  static Result<std::unique_ptr<SqliteFunctionStore>> Open(const std::string& path);

  Status Create(const FunctionConfig& config) override;
  Result<FunctionConfig> Get(const std::string& name) override;
  Status Update(const FunctionConfig& config) override;
  Status Delete(const std::string& name) override;
  Result<Page> List(const std::string& marker, int max_items) override;
  Result<std::vector<std::string>> ReferencedBundles() override;

 private:
  struct Statements {
    SqliteStatement insert;
    SqliteStatement select;
    SqliteStatement update;
    SqliteStatement remove;
    SqliteStatement list;
    SqliteStatement bundles;
  };
  SqliteFunctionStore(std::unique_ptr<SqliteDb> db, Statements statements)
      : db_(std::move(db)), statements_(std::move(statements)) {}

  static Result<Statements> PrepareAll(SqliteDb& db);
  Result<FunctionConfig> ReadRow(const SqliteStatement& row) const;

  // Declared before statements_ so the statements are finalized before the connection closes.
  std::unique_ptr<SqliteDb> db_;
  Statements statements_;
};

}  // namespace kumo::store
