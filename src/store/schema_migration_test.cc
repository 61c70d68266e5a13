// Opening a database written by the version 1 schema: the data stays and the new tables appear.
#include <gtest/gtest.h>

#include "store/function_schema.h"
#include "store/sqlite_db.h"
#include "store/sqlite_function_store.h"
#include "store/store_test_util.h"

namespace kumo::store {
namespace {

class SchemaMigrationTest : public StoreTest {
 protected:
  // Replaces the store's file with one made by the version 1 schema code, holding one function
  // inserted with version 1's columns only.
  void WriteVersionOneFile() {
    store_.reset();
    std::filesystem::remove(db_path_);
    auto db = SqliteDb::Open(db_path_);
    ASSERT_TRUE(db.ok()) << db.error().message;
    ASSERT_TRUE(PrepareFunctionSchema(**db, 1).ok());
    ASSERT_TRUE((*db)->Exec(
        "INSERT INTO functions(name, runtime, handler, description, memory_mb, timeout_s, "
        "environment, code_sha256, code_hex, code_size, last_modified, revision_id) VALUES("
        "'old', 'python3.12', 'app.handler', 'from v1', 512, 60, '{\"K\":\"V\"}', 'sha', "
        "'hex', 77, '2024-01-01T00:00:00.000+0000', 'rev-old')").ok());
    EXPECT_EQ(Columns(**db, "functions"), 12);
    EXPECT_EQ(Text(**db, "SELECT value FROM meta WHERE key='schema_version'"), "1");
  }
  static int Columns(SqliteDb& db, const std::string& table) {
    auto stmt = db.Prepare("SELECT count(*) FROM pragma_table_info('" + table + "')");
    EXPECT_TRUE(stmt.ok());
    EXPECT_TRUE(*stmt->Step());
    return static_cast<int>(stmt->ColumnInt(0));
  }
  static std::string Text(SqliteDb& db, const std::string& sql) {
    auto stmt = db.Prepare(sql);
    EXPECT_TRUE(stmt.ok());
    auto row = stmt->Step();
    return row.ok() && *row ? stmt->ColumnText(0) : "";
  }
};

TEST_F(SchemaMigrationTest, VersionOneFileIsMigratedKeepingItsData) {
  WriteVersionOneFile();
  Reopen();
  auto old = store_->Get("old");
  ASSERT_TRUE(old.ok()) << old.error().message;
  EXPECT_EQ(old->description, "from v1");
  EXPECT_EQ(old->memory_mb, 512);
  EXPECT_EQ(old->timeout_s, 60);
  EXPECT_EQ(old->environment, (std::map<std::string, std::string>{{"K", "V"}}));
  EXPECT_EQ(old->code_size, 77);
  EXPECT_EQ(old->revision_id, "rev-old");
  EXPECT_EQ(old->version, "$LATEST");
  EXPECT_EQ(old->reserved_concurrency, std::nullopt);
  EXPECT_EQ(old->keep_alive_s, 0);
  // The new parts work on the migrated function.
  EXPECT_EQ(Publish("old"), "1");
  ASSERT_TRUE(store_->CreateAlias(SampleAlias("old", "live", "1")).ok());
  old->reserved_concurrency = 4;
  old->keep_alive_s = 90;
  ASSERT_TRUE(store_->Update(*old).ok());
  store_.reset();
  auto db = SqliteDb::Open(db_path_);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(Text(**db, "SELECT value FROM meta WHERE key='schema_version'"),
            std::to_string(SqliteFunctionStore::kSchemaVersion));
  EXPECT_EQ(Text(**db, "SELECT reserved_concurrency FROM functions WHERE name='old'"), "4");
  db->reset();
  Reopen();
  EXPECT_EQ(store_->Get("old")->keep_alive_s, 90);
  EXPECT_EQ(store_->GetAlias("old", "live")->function_version, "1");
}

TEST_F(SchemaMigrationTest, FreshFileIsAtTheCurrentVersionAndReopensUnchanged) {
  FunctionConfig config = SampleFunction("f");
  config.reserved_concurrency = 0;  // 0 is a real setting (fully throttled), not "none"
  config.keep_alive_s = 30;
  ASSERT_TRUE(store_->Create(config).ok());
  Reopen();
  Reopen();
  auto got = store_->Get("f");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->reserved_concurrency, std::optional<int>(0));
  EXPECT_EQ(got->keep_alive_s, 30);
  got->reserved_concurrency.reset();
  ASSERT_TRUE(store_->Update(*got).ok());
  EXPECT_EQ(store_->Get("f")->reserved_concurrency, std::nullopt);
}

}  // namespace
}  // namespace kumo::store
