#pragma once
// A test fixture for one store kind that lives in a SQLite file: a fresh folder per test,
// removed afterwards, and Reopen() to check what survives closing the store. For the store's
// unit tests only.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "common/encoding.h"

namespace kumo::store {

template <typename Store>
class StoreFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("kumo-store-" + NewUuid());
    std::filesystem::create_directories(dir_);
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    store_.reset();
    auto opened = Store::Open((dir_ / "kumo.db").string());
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(opened.value());
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

}  // namespace kumo::store
