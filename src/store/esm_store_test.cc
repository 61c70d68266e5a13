#include "store/esm_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/encoding.h"
#include "store/store_file_test_util.h"

namespace kumo::store {
namespace {

class EsmStoreTest : public StoreFileTest<EsmStore> {
 protected:
  static EventSourceMapping Mapping(const std::string& uuid, const std::string& queue,
                                    const std::string& function) {
    EventSourceMapping m;
    m.uuid = uuid;
    m.event_source_arn = "arn:aws:sqs:us-east-1:000000000000:" + queue;
    m.function_name = function;
    return m;
  }
};

TEST_F(EsmStoreTest, EveryFieldSurvivesReopen) {
  EventSourceMapping m = Mapping("u1", "orders", "worker");
  m.qualifier = "live";
  m.batch_size = 500;
  m.max_batching_window_s = 7;
  m.report_batch_item_failures = true;
  m.enabled = false;
  m.max_concurrency = 12;
  m.last_modified_ms = 1700000000123;
  ASSERT_TRUE(store_->Create(m).ok());
  Reopen();
  auto got = store_->Get("u1");
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->event_source_arn, m.event_source_arn);
  EXPECT_EQ(got->function_name, "worker");
  EXPECT_EQ(got->qualifier, "live");
  EXPECT_EQ(got->batch_size, 500);
  EXPECT_EQ(got->max_batching_window_s, 7);
  EXPECT_TRUE(got->report_batch_item_failures);
  EXPECT_FALSE(got->enabled);
  EXPECT_EQ(got->max_concurrency, 12);
  EXPECT_EQ(got->last_modified_ms, 1700000000123);
}

TEST_F(EsmStoreTest, DuplicateSourceAndFunctionIsAConflictNamingTheOther) {
  ASSERT_TRUE(store_->Create(Mapping("u1", "q", "f")).ok());
  auto dup = store_->Create(Mapping("u2", "q", "f"));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  EXPECT_NE(dup.error().message.find("u1"), std::string::npos) << dup.error().message;
  // Another qualifier, function or queue is a different mapping.
  EventSourceMapping aliased = Mapping("u3", "q", "f");
  aliased.qualifier = "live";
  EXPECT_TRUE(store_->Create(aliased).ok());
  EXPECT_TRUE(store_->Create(Mapping("u4", "q", "g")).ok());
  EXPECT_TRUE(store_->Create(Mapping("u5", "q2", "f")).ok());
  // Updating u4 onto u1's pair conflicts too; updating u1 in place does not.
  auto moved = store_->Update(Mapping("u4", "q", "f"));
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.error().code, ErrorCode::kConflict);
  EventSourceMapping same = Mapping("u1", "q", "f");
  same.batch_size = 3;
  ASSERT_TRUE(store_->Update(same).ok());
  EXPECT_EQ(store_->Get("u1")->batch_size, 3);
}

TEST_F(EsmStoreTest, MissingMappingsAreNotFound) {
  EXPECT_EQ(store_->Get("nope").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->Update(Mapping("nope", "q", "f")).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->Delete("nope").error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(store_->Create(Mapping("u1", "q", "f")).ok());
  ASSERT_TRUE(store_->Delete("u1").ok());
  EXPECT_EQ(store_->Get("u1").error().code, ErrorCode::kNotFound);
  // The pair is free again.
  EXPECT_TRUE(store_->Create(Mapping("u2", "q", "f")).ok());
}

TEST_F(EsmStoreTest, ListFiltersAndPages) {
  ASSERT_TRUE(store_->Create(Mapping("c", "q1", "f")).ok());
  ASSERT_TRUE(store_->Create(Mapping("a", "q2", "f")).ok());
  ASSERT_TRUE(store_->Create(Mapping("b", "q1", "g")).ok());
  EventSourceMapping aliased = Mapping("d", "q1", "f");
  aliased.qualifier = "live";
  ASSERT_TRUE(store_->Create(aliased).ok());

  auto uuids = [](const Result<std::vector<EventSourceMapping>>& r) {
    std::string out;
    for (const auto& m : *r) out += m.uuid;
    return out;
  };
  EXPECT_EQ(uuids(store_->List("", "", std::nullopt, "", 100)), "abcd");
  EXPECT_EQ(uuids(store_->List("arn:aws:sqs:us-east-1:000000000000:q1", "", std::nullopt, "", 100)),
            "bcd");
  EXPECT_EQ(uuids(store_->List("", "f", std::nullopt, "", 100)), "acd");
  EXPECT_EQ(uuids(store_->List("", "f", std::string(""), "", 100)), "ac");
  EXPECT_EQ(uuids(store_->List("", "f", std::string("live"), "", 100)), "d");
  EXPECT_EQ(uuids(store_->List("", "", std::nullopt, "", 2)), "ab");
  EXPECT_EQ(uuids(store_->List("", "", std::nullopt, "b", 2)), "cd");
  EXPECT_EQ(uuids(store_->List("", "", std::nullopt, "d", 2)), "");
}

}  // namespace
}  // namespace kumo::store
