// Provisioned concurrency settings in the SQLite store.
#include <gtest/gtest.h>

#include "store/store_test_util.h"

namespace kumo::store {
namespace {

class ProvisionedStoreTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ASSERT_TRUE(store_->Create(SampleFunction("f")).ok());
    ASSERT_EQ(Publish("f"), "1");
    ASSERT_TRUE(store_->CreateAlias(SampleAlias("f", "live", "1")).ok());
  }
  static ProvisionedConfig Config(const std::string& fn, const std::string& q, int n) {
    ProvisionedConfig config;
    config.function_name = fn;
    config.qualifier = q;
    config.requested = n;
    config.last_modified = "2024-01-01T00:00:00.000+0000";
    return config;
  }
  std::vector<std::string> Qualifiers(const std::vector<ProvisionedConfig>& list) {
    std::vector<std::string> out;
    for (const auto& p : list) out.push_back(p.function_name + ":" + p.qualifier);
    return out;
  }
};

TEST_F(ProvisionedStoreTest, PutGetReplaceDelete) {
  ASSERT_TRUE(store_->PutProvisioned(Config("f", "live", 3)).ok());
  auto got = store_->GetProvisioned("f", "live");
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->requested, 3);
  EXPECT_EQ(got->last_modified, "2024-01-01T00:00:00.000+0000");
  ProvisionedConfig replaced = Config("f", "live", 5);
  replaced.last_modified = "2025-01-01T00:00:00.000+0000";
  ASSERT_TRUE(store_->PutProvisioned(replaced).ok());
  Reopen();
  EXPECT_EQ(store_->GetProvisioned("f", "live")->requested, 5);
  EXPECT_EQ(store_->GetProvisioned("f", "live")->last_modified, replaced.last_modified);
  ASSERT_TRUE(store_->DeleteProvisioned("f", "live").ok());
  EXPECT_EQ(store_->GetProvisioned("f", "live").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->DeleteProvisioned("f", "live").error().code, ErrorCode::kNotFound);
}

TEST_F(ProvisionedStoreTest, RefusesLatestZeroAndMissingTargets) {
  EXPECT_EQ(store_->PutProvisioned(Config("f", "$LATEST", 1)).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->PutProvisioned(Config("f", "1", 0)).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->PutProvisioned(Config("f", "2", 1)).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->PutProvisioned(Config("f", "nope", 1)).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->PutProvisioned(Config("ghost", "1", 1)).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(store_->ListAllProvisioned()->empty());
}

TEST_F(ProvisionedStoreTest, ListsPerFunctionAndAll) {
  ASSERT_TRUE(store_->Create(SampleFunction("a")).ok());
  ASSERT_EQ(Publish("a"), "1");
  ASSERT_TRUE(store_->PutProvisioned(Config("f", "live", 2)).ok());
  ASSERT_TRUE(store_->PutProvisioned(Config("f", "1", 1)).ok());
  ASSERT_TRUE(store_->PutProvisioned(Config("a", "1", 4)).ok());
  EXPECT_EQ(Qualifiers(*store_->ListProvisioned("f")),
            (std::vector<std::string>{"f:1", "f:live"}));
  EXPECT_EQ(Qualifiers(*store_->ListAllProvisioned()),
            (std::vector<std::string>{"a:1", "f:1", "f:live"}));
  EXPECT_EQ(store_->ListProvisioned("ghost").error().code, ErrorCode::kNotFound);
}

TEST_F(ProvisionedStoreTest, GoesWithItsAliasOrVersion) {
  ASSERT_TRUE(store_->PutProvisioned(Config("f", "live", 2)).ok());
  ASSERT_TRUE(store_->DeleteAlias("f", "live").ok());
  EXPECT_EQ(store_->GetProvisioned("f", "live").error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(store_->PutProvisioned(Config("f", "1", 2)).ok());
  ASSERT_TRUE(store_->DeleteVersion("f", 1).ok());
  EXPECT_EQ(store_->GetProvisioned("f", "1").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace kumo::store
