#include "store/schedule_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/encoding.h"
#include "store/store_file_test_util.h"

namespace kumo::store {
namespace {

class ScheduleStoreTest : public StoreFileTest<ScheduleStore> {};

ScheduleDefinition Sample(const std::string& name) {
  ScheduleDefinition s;
  s.name = name;
  s.expression = "cron(0 10 * * ? *)";
  s.timezone = "Asia/Kolkata";
  s.function_name = "fn";
  s.qualifier = "live";
  s.role_arn = "arn:aws:iam::123456789012:role/r";
  s.input = "{\"a\":1}";
  s.state = "ENABLED";
  s.description = "daily";
  s.start_ms = 1000;
  s.end_ms = 2000;
  s.missed = "run-once";
  s.flexible_mode = "FLEXIBLE";
  s.flexible_window_minutes = 15;
  s.created_ms = 10;
  s.modified_ms = 11;
  return s;
}

TEST_F(ScheduleStoreTest, CreateGetSurvivesReopen) {
  ASSERT_TRUE(store_->Create(Sample("daily")).ok());
  Reopen();
  auto got = store_->Get("daily");
  ASSERT_TRUE(got.ok()) << got.error().message;
  ScheduleDefinition want = Sample("daily");
  EXPECT_EQ(got->expression, want.expression);
  EXPECT_EQ(got->timezone, want.timezone);
  EXPECT_EQ(got->function_name, want.function_name);
  EXPECT_EQ(got->qualifier, want.qualifier);
  EXPECT_EQ(got->role_arn, want.role_arn);
  EXPECT_EQ(got->input, want.input);
  EXPECT_EQ(got->state, want.state);
  EXPECT_EQ(got->description, want.description);
  EXPECT_EQ(got->start_ms, 1000);
  EXPECT_EQ(got->end_ms, 2000);
  EXPECT_EQ(got->missed, "run-once");
  EXPECT_EQ(got->flexible_mode, "FLEXIBLE");
  EXPECT_EQ(got->flexible_window_minutes, 15);
  EXPECT_EQ(got->created_ms, 10);
  EXPECT_EQ(got->modified_ms, 11);
}

TEST_F(ScheduleStoreTest, CreateTwiceConflictsAndKeepsTheFirst) {
  ASSERT_TRUE(store_->Create(Sample("a")).ok());
  ScheduleDefinition other = Sample("a");
  other.expression = "rate(5 minutes)";
  auto again = store_->Create(other);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->Get("a")->expression, "cron(0 10 * * ? *)");
}

TEST_F(ScheduleStoreTest, UpdateKeepsCreationTime) {
  ASSERT_TRUE(store_->Create(Sample("a")).ok());
  ScheduleDefinition changed = Sample("a");
  changed.expression = "rate(1 hour)";
  changed.state = "DISABLED";
  changed.input = "";
  changed.created_ms = 999;
  changed.modified_ms = 50;
  ASSERT_TRUE(store_->Update(changed).ok());
  auto got = store_->Get("a");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->expression, "rate(1 hour)");
  EXPECT_EQ(got->state, "DISABLED");
  EXPECT_EQ(got->input, "");
  EXPECT_EQ(got->created_ms, 10);
  EXPECT_EQ(got->modified_ms, 50);

  auto missing = store_->Update(Sample("nope"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_F(ScheduleStoreTest, DeleteAndListByPrefix) {
  for (const char* n : {"nightly-b", "hourly", "nightly-a"}) {
    ASSERT_TRUE(store_->Create(Sample(n)).ok());
  }
  auto nightly = store_->List("nightly-");
  ASSERT_TRUE(nightly.ok());
  ASSERT_EQ(nightly->size(), 2u);
  EXPECT_EQ((*nightly)[0].name, "nightly-a");
  EXPECT_EQ((*nightly)[1].name, "nightly-b");
  EXPECT_EQ(store_->List("")->size(), 3u);

  ASSERT_TRUE(store_->Delete("nightly-a").ok());
  auto gone = store_->Get("nightly-a");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
  auto twice = store_->Delete("nightly-a");
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->List("")->size(), 2u);
}

}  // namespace
}  // namespace kumo::store
