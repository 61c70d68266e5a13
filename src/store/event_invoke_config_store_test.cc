#include "store/event_invoke_config_store.h"

#include <gtest/gtest.h>

#include "store/store_test_util.h"

namespace kumo::store {
namespace {

class EventInvokeConfigStoreTest : public StoreTest {};

TEST_F(EventInvokeConfigStoreTest, PutGetListDeleteAndReopen) {
  auto store = EventInvokeConfigStore::Open(db_path_);
  ASSERT_TRUE(store.ok()) << store.error().message;
  EventInvokeConfig c;
  c.function_name = "f";
  c.maximum_retry_attempts = 0;
  c.maximum_event_age_s = 60;
  c.on_failure = "arn:aws:sqs:us-east-1:000000000000:dlq";
  c.last_modified_ms = 1234;
  ASSERT_TRUE((*store)->Put(c).ok());
  EventInvokeConfig alias = c;
  alias.qualifier = "live";
  alias.on_failure = "";
  ASSERT_TRUE((*store)->Put(alias).ok());
  auto other = (*store)->Get("g", "$LATEST");
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->has_value());
  store->reset();

  auto again = EventInvokeConfigStore::Open(db_path_);
  ASSERT_TRUE(again.ok());
  auto got = (*again)->Get("f", "$LATEST");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->maximum_retry_attempts, 0);
  EXPECT_EQ((*got)->maximum_event_age_s, 60);
  EXPECT_EQ((*got)->on_failure, c.on_failure);
  EXPECT_EQ((*got)->last_modified_ms, 1234);
  auto list = (*again)->List("f");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].qualifier, "$LATEST");
  EXPECT_EQ((*list)[1].qualifier, "live");
  EXPECT_TRUE((*again)->Delete("f", "live").ok());
  EXPECT_EQ((*again)->Delete("f", "live").error().code, ErrorCode::kNotFound);
  EXPECT_TRUE((*again)->DeleteAllOf("f").ok());
  EXPECT_TRUE((*again)->List("f")->empty());
}

}  // namespace
}  // namespace kumo::store
