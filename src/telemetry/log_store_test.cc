#include "telemetry/log_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "telemetry/log_files.h"

namespace kumo::telemetry {
namespace {

TEST(LogStoreTest, ReadsAfterSequenceWithLimit) {
  LogStore store;
  for (int i = 0; i < 5; ++i) store.Append("f", i, "r", "line" + std::to_string(i));
  store.Append("g", 0, "r", "other");
  auto events = store.Read("f", 2, 2);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].seq, 3u);
  EXPECT_EQ(events[0].message, "line2");
  EXPECT_EQ(events[1].seq, 4u);
  EXPECT_EQ(store.NextSeq("f"), 6u);
  EXPECT_EQ(store.Read("g", 0, 10).size(), 1u);
  EXPECT_TRUE(store.Read("nope", 0, 10).empty());
}

TEST(LogStoreTest, DropsOldestBeyondCapacityAndKeepsNumbering) {
  LogStore store;
  for (size_t i = 0; i < LogStore::kMaxEventsPerFunction + 3; ++i) store.Append("f", 0, "", "x");
  auto events = store.Read("f", 0, 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].seq, 4u);
  EXPECT_EQ(store.Read("f", LogStore::kMaxEventsPerFunction + 2, 10).size(), 1u);
}

TEST(LogStoreTest, WaitersFireOnceOnAppendAndCanBeCancelled) {
  LogStore store;
  int fired = 0, cancelled = 0;
  store.WaitForAppend("f", [&] { ++fired; });
  uint64_t id = store.WaitForAppend("f", [&] { ++cancelled; });
  store.CancelWait("f", id);
  store.Append("f", 0, "", "a");
  store.Append("f", 0, "", "b");
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(cancelled, 0);
}

}  // namespace
}  // namespace kumo::telemetry

namespace kumo::telemetry {
namespace {

class LogFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "kumo-logs-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::unique_ptr<LogStore> Open() {
    auto store = std::make_unique<LogStore>();
    auto files = LogFiles::Open(dir_.string());
    EXPECT_TRUE(files.ok());
    store->AttachFiles(std::move(files).value());
    return store;
  }
  std::filesystem::path dir_;
};

TEST_F(LogFilesTest, EventsSurviveAReopenAndNumberingContinues) {
  {
    auto store = Open();
    store->Append("f", 1000, "req-1", "START RequestId: req-1");
    store->Append("f", 1001, "", "a line with  spaces\tand a tab");
    store->Append("g", 1002, "req-2", "other function");
  }  // destroyed: flushed
  auto store = Open();
  std::vector<LogEvent> f = store->Read("f", 0, 10);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].seq, 1u);
  EXPECT_EQ(f[0].request_id, "req-1");
  EXPECT_EQ(f[1].request_id, "");
  EXPECT_EQ(f[1].message, "a line with  spaces\tand a tab");
  EXPECT_EQ(f[1].timestamp_ms, 1001);
  EXPECT_EQ(store->NextSeq("f"), 3u);
  EXPECT_EQ(store->Read("g", 0, 10).size(), 1u);
  store->Append("f", 2000, "req-3", "after the restart");
  EXPECT_EQ(store->Read("f", 2, 10).at(0).seq, 3u);
}

TEST_F(LogFilesTest, ATornLastLineIsIgnoredAndForgetRemovesTheFile) {
  {
    auto store = Open();
    store->Append("f", 1000, "r", "whole");
  }
  {
    std::ofstream torn(dir_ / "f.log", std::ios::app);
    torn << "2 10";  // a crash in the middle of a line
  }
  auto store = Open();
  ASSERT_EQ(store->Read("f", 0, 10).size(), 1u);
  store->Forget("f");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "f.log"));
  EXPECT_TRUE(Open()->Read("f", 0, 10).empty());
}

}  // namespace
}  // namespace kumo::telemetry
