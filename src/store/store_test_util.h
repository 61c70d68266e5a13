#pragma once
// A FunctionStore on a fresh SQLite file in a temporary folder, removed after each test, and a
// sample configuration. For the store's unit tests only.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "store/function_store.h"

namespace kumo::store {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "kumo-store-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    db_path_ = (dir_ / "functions.db").string();
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    store_.reset();
    auto opened = FunctionStore::Open(db_path_);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(opened).value();
  }
  // Sets $LATEST's code to `code` (as both digests) and saves it.
  void SetCode(const std::string& name, const std::string& code) {
    auto config = store_->Get(name);
    ASSERT_TRUE(config.ok()) << config.error().message;
    config->code_sha256 = "sha-" + code;
    config->code_hex = "hex-" + code;
    ASSERT_TRUE(store_->Update(*config).ok());
  }
  // Publishes and returns the version number, failing the test on error.
  std::string Publish(const std::string& name) {
    auto published = store_->PublishVersion(name, std::nullopt);
    EXPECT_TRUE(published.ok()) << published.error().message;
    return published.ok() ? published->config.version : "";
  }

  std::filesystem::path dir_;
  std::string db_path_;
  std::unique_ptr<FunctionStore> store_;
};

inline FunctionConfig SampleFunction(const std::string& name) {
  FunctionConfig config;
  config.name = name;
  config.runtime = "python3.12";
  config.handler = "app.handler";
  config.description = "desc of " + name;
  config.memory_mb = 256;
  config.timeout_s = 30;
  config.environment = {{"A", "1"}};
  config.code_sha256 = "sha-A";
  config.code_hex = "hex-A";
  config.code_size = 100;
  config.last_modified = "2024-01-02T03:04:05.678+0000";
  config.revision_id = "rev-" + name;
  return config;
}

inline AliasConfig SampleAlias(const std::string& function, const std::string& name,
                               const std::string& version) {
  AliasConfig alias;
  alias.function_name = function;
  alias.name = name;
  alias.function_version = version;
  alias.description = "alias " + name;
  return alias;
}

}  // namespace kumo::store
