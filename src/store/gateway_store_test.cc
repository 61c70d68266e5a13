#include "store/gateway_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/encoding.h"
#include "store/store_file_test_util.h"

namespace kumo::store {
namespace {

class GatewayStoreTest : public StoreFileTest<GatewayStore> {};

TEST_F(GatewayStoreTest, RoutesBelongToOneFunctionAndSurviveReopen) {
  RouteConfig get{"GET /items/{id}", "", "api_key", 10, 20};
  RouteConfig post{"POST /items", "", "none", 0, 0};
  uint64_t before = store_->generation();
  ASSERT_TRUE(store_->SetRoutes("items", {get, post}).ok());
  EXPECT_GT(store_->generation(), before);
  auto taken = store_->SetRoutes("other", {get});
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().code, ErrorCode::kConflict);
  auto dup = store_->SetRoutes("other", {post, post});
  ASSERT_FALSE(dup.ok());
  Reopen();
  auto routes = store_->Routes("items");
  ASSERT_TRUE(routes.ok());
  ASSERT_EQ(routes->size(), 2u);
  EXPECT_EQ((*routes)[0].route_key, "GET /items/{id}");
  EXPECT_EQ((*routes)[0].function_name, "items");
  EXPECT_EQ((*routes)[0].auth, "api_key");
  EXPECT_EQ((*routes)[0].rate_rps, 10);
  EXPECT_EQ((*routes)[0].rate_burst, 20);
  // Replacing keeps only the new set; deleting a function's routes frees the keys.
  ASSERT_TRUE(store_->SetRoutes("items", {post}).ok());
  EXPECT_EQ(store_->Routes("")->size(), 1u);
  ASSERT_TRUE(store_->DeleteRoutesOf("items").ok());
  EXPECT_TRUE(store_->SetRoutes("other", {post}).ok());
}

TEST_F(GatewayStoreTest, SettingsAndApiKeys) {
  ASSERT_TRUE(store_->PutSetting("cors", R"({"AllowOrigins":["*"]})").ok());
  ASSERT_TRUE(store_->PutSetting("authorizer:main", "{}").ok());
  ASSERT_TRUE(store_->PutSetting("authorizer:other", "{}").ok());
  EXPECT_EQ(*store_->GetSetting("cors").value(), R"({"AllowOrigins":["*"]})");
  EXPECT_FALSE(store_->GetSetting("nope")->has_value());
  EXPECT_EQ(store_->ListSettings("authorizer:")->size(), 2u);
  ASSERT_TRUE(store_->DeleteSetting("cors").ok());
  EXPECT_EQ(store_->DeleteSetting("cors").error().code, ErrorCode::kNotFound);

  ASSERT_TRUE(store_->AddApiKey({"k-1", "ci", "abc", "abcdef", "2026"}).ok());
  EXPECT_FALSE(store_->AddApiKey({"k-2", "dup", "abc", "abcdef", "2026"}).ok());
  Reopen();
  auto keys = store_->ListApiKeys();
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].hash_hex, "abc");
  ASSERT_TRUE(store_->DeleteApiKey("k-1").ok());
  EXPECT_EQ(store_->DeleteApiKey("k-1").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace kumo::store
