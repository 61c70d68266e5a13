#include "telemetry/log_store.h"

#include <gtest/gtest.h>

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
