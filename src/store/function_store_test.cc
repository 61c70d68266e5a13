#include "store/function_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>

#include "store/sqlite_function_store.h"
#include "store/store_test_util.h"

namespace kumo::store {
namespace {


// The shared fixture (store_test_util.h): a fresh database file per test, reopened on demand.
using FunctionStoreTest = StoreTest;

FunctionConfig Sample(const std::string& name) {
  FunctionConfig config;
  config.name = name;
  config.runtime = "python3.12";
  config.handler = "app.handler";
  config.description = "desc of " + name;
  config.memory_mb = 256;
  config.timeout_s = 30;
  config.environment = {{"A", "1"}, {"B", name}};
  config.code_sha256 = "base64-" + name;
  config.code_hex = "hex-" + name;
  config.code_size = 1234;
  config.last_modified = "2024-01-02T03:04:05.678+0000";
  config.revision_id = "rev-" + name;
  config.reserved_concurrency = 10;
  config.keep_alive_s = 120;
  return config;
}

void ExpectSame(const FunctionConfig& a, const FunctionConfig& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.runtime, b.runtime);
  EXPECT_EQ(a.handler, b.handler);
  EXPECT_EQ(a.description, b.description);
  EXPECT_EQ(a.memory_mb, b.memory_mb);
  EXPECT_EQ(a.timeout_s, b.timeout_s);
  EXPECT_EQ(a.environment, b.environment);
  EXPECT_EQ(a.code_sha256, b.code_sha256);
  EXPECT_EQ(a.code_hex, b.code_hex);
  EXPECT_EQ(a.code_size, b.code_size);
  EXPECT_EQ(a.last_modified, b.last_modified);
  EXPECT_EQ(a.revision_id, b.revision_id);
  EXPECT_EQ(a.reserved_concurrency, b.reserved_concurrency);
  EXPECT_EQ(a.keep_alive_s, b.keep_alive_s);
  EXPECT_EQ(a.version, "$LATEST");
}

TEST_F(FunctionStoreTest, CreateThenGetReturnsEveryField) {
  FunctionConfig config = Sample("hello");
  ASSERT_TRUE(store_->Create(config).ok());
  auto got = store_->Get("hello");
  ASSERT_TRUE(got.ok()) << got.error().message;
  ExpectSame(*got, config);
}

TEST_F(FunctionStoreTest, DuplicateCreateIsConflictAndKeepsTheFirst) {
  ASSERT_TRUE(store_->Create(Sample("dup")).ok());
  FunctionConfig second = Sample("dup");
  second.memory_mb = 1024;
  Status status = store_->Create(second);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kConflict);
  EXPECT_EQ(status.error().message, "Function already exist: dup");
  EXPECT_EQ(store_->Get("dup")->memory_mb, 256);
}

TEST_F(FunctionStoreTest, MissingFunctionIsNotFoundEverywhere) {
  auto got = store_->Get("ghost");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(got.error().message, "function ghost not found");
  Status update = store_->Update(Sample("ghost"));
  ASSERT_FALSE(update.ok());
  EXPECT_EQ(update.error().code, ErrorCode::kNotFound);
  Status removed = store_->Delete("ghost");
  ASSERT_FALSE(removed.ok());
  EXPECT_EQ(removed.error().code, ErrorCode::kNotFound);
}

TEST_F(FunctionStoreTest, UpdateReplacesEveryField) {
  ASSERT_TRUE(store_->Create(Sample("f")).ok());
  FunctionConfig changed = Sample("f");
  changed.runtime = "nodejs20.x";
  changed.handler = "index.handler";
  changed.description = "";
  changed.memory_mb = 512;
  changed.timeout_s = 900;
  changed.environment = {{"ONLY", "this"}};
  changed.code_sha256 = "other";
  changed.code_hex = "otherhex";
  changed.code_size = 99;
  changed.last_modified = "2025-05-05T05:05:05.005+0000";
  changed.revision_id = "rev-2";
  changed.reserved_concurrency.reset();
  changed.keep_alive_s = 0;
  ASSERT_TRUE(store_->Update(changed).ok());
  ExpectSame(*store_->Get("f"), changed);
}

TEST_F(FunctionStoreTest, DeleteRemovesOnlyThatFunction) {
  ASSERT_TRUE(store_->Create(Sample("a")).ok());
  ASSERT_TRUE(store_->Create(Sample("b")).ok());
  ASSERT_TRUE(store_->Delete("a").ok());
  EXPECT_EQ(store_->Get("a").error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(store_->Get("b").ok());
  // The name is free again.
  EXPECT_TRUE(store_->Create(Sample("a")).ok());
}

TEST_F(FunctionStoreTest, ListPagesInNameOrderWithMarkers) {
  for (const char* name : {"f5", "f2", "f6", "f1", "f4", "f3"}) {
    ASSERT_TRUE(store_->Create(Sample(name)).ok());
  }
  std::vector<std::string> seen;
  std::vector<std::optional<std::string>> markers;
  std::string marker;
  for (int page_no = 0; page_no < 3; ++page_no) {
    auto page = store_->List(marker, 2);
    ASSERT_TRUE(page.ok()) << page.error().message;
    ASSERT_EQ(page->functions.size(), 2u);
    for (const auto& f : page->functions) seen.push_back(f.name);
    markers.push_back(page->next_marker);
    if (page->next_marker) marker = *page->next_marker;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"f1", "f2", "f3", "f4", "f5", "f6"}));
  EXPECT_EQ(markers[0], std::optional<std::string>("f2"));
  EXPECT_EQ(markers[1], std::optional<std::string>("f4"));
  EXPECT_EQ(markers[2], std::nullopt);
  ExpectSame(store_->List("", 1)->functions.at(0), Sample("f1"));
}

TEST_F(FunctionStoreTest, ListEdges) {
  auto empty = store_->List("", 10);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->functions.empty());
  EXPECT_FALSE(empty->next_marker);
  ASSERT_TRUE(store_->Create(Sample("b")).ok());
  ASSERT_TRUE(store_->Create(Sample("d")).ok());
  // A marker need not name an existing function; listing starts strictly after it.
  auto after_c = store_->List("c", 10);
  ASSERT_EQ(after_c->functions.size(), 1u);
  EXPECT_EQ(after_c->functions[0].name, "d");
  EXPECT_FALSE(after_c->next_marker);
  auto exact = store_->List("", 2);
  EXPECT_EQ(exact->functions.size(), 2u);
  EXPECT_FALSE(exact->next_marker);
  EXPECT_EQ(store_->List("", 0).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(FunctionStoreTest, DataSurvivesReopen) {
  FunctionConfig config = Sample("durable");
  ASSERT_TRUE(store_->Create(config).ok());
  ASSERT_TRUE(store_->Create(Sample("gone")).ok());
  ASSERT_TRUE(store_->Delete("gone").ok());
  Reopen();
  ExpectSame(*store_->Get("durable"), config);
  EXPECT_EQ(store_->Get("gone").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->List("", 10)->functions.size(), 1u);
}

TEST_F(FunctionStoreTest, EnvironmentWithUnicodeAndSpecialCharactersRoundTrips) {
  FunctionConfig config = Sample("env");
  config.environment = {
      {"GREETING", "こんにちは 世界 🌏"},
      {"QUOTES", "say \"hi\" and 'bye'"},
      {"SLASHES", "C:\\path\\to\\thing / and \\u0041 literally"},
      {"CONTROL", std::string("tab\tnewline\ncr\rnul") + '\0' + "after"},
      {"JSONISH", "{\"k\": [1, 2, {\"x\": null}]}"},
      {"EMPTY", ""},
      {"ÜNÏCODE_KEY", "ünïcode"},
      {"SQL", "'); DROP TABLE functions; --"},
  };
  ASSERT_TRUE(store_->Create(config).ok());
  Reopen();
  auto got = store_->Get("env");
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->environment, config.environment);
  EXPECT_EQ(got->environment.at("CONTROL").size(), config.environment.at("CONTROL").size());
}

TEST_F(FunctionStoreTest, ReferencedBundlesListsEachHexOnce) {
  FunctionConfig a = Sample("a");
  FunctionConfig b = Sample("b");
  FunctionConfig c = Sample("c");
  a.code_hex = "aaaa";
  b.code_hex = "aaaa";
  c.code_hex = "cccc";
  for (const auto& f : {a, b, c}) ASSERT_TRUE(store_->Create(f).ok());
  EXPECT_EQ(*store_->ReferencedBundles(), (std::vector<std::string>{"aaaa", "cccc"}));
  ASSERT_TRUE(store_->Delete("c").ok());
  EXPECT_EQ(*store_->ReferencedBundles(), (std::vector<std::string>{"aaaa"}));
}

TEST_F(FunctionStoreTest, DatabaseIsWalWithSchemaVersion) {
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path_.c_str(), &db), SQLITE_OK);
  auto query = [&](const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr), SQLITE_OK);
    std::string out;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    return out;
  };
  EXPECT_EQ(query("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(query("SELECT value FROM meta WHERE key='schema_version'"),
            std::to_string(SqliteFunctionStore::kSchemaVersion));
  // A file from a newer kumo is refused rather than misread.
  char* err = nullptr;
  ASSERT_EQ(sqlite3_exec(db, "UPDATE meta SET value='99' WHERE key='schema_version'", nullptr,
                         nullptr, &err),
            SQLITE_OK);
  sqlite3_close(db);
  auto opened = FunctionStore::Open(db_path_);
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find("newer"), std::string::npos) << opened.error().message;
}

TEST_F(FunctionStoreTest, OpenFailsClearlyForAnUnusablePath) {
  auto opened = FunctionStore::Open((dir_ / "no-such-dir" / "x.db").string());
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find("no-such-dir"), std::string::npos);
  std::string junk_path = (dir_ / "junk.db").string();
  FILE* f = fopen(junk_path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  fputs("this is not a database file, not at all, just some text long enough", f);
  fclose(f);
  EXPECT_FALSE(FunctionStore::Open(junk_path).ok());
}

}  // namespace
}  // namespace kumo::store
