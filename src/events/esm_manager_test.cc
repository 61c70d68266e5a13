#include "events/esm_manager.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/encoding.h"
#include "events/esm_test_fakes.h"

namespace kumo::events {
namespace {
using testing::FakeInvoker;
using testing::FakeQueueStore;
using testing::ManualClock;

store::EventSourceMapping Mapping(const std::string& uuid, const std::string& queue) {
  store::EventSourceMapping m;
  m.uuid = uuid;
  m.event_source_arn = "arn:aws:sqs:us-east-1:000000000000:" + queue;
  m.function_name = "fn";
  m.batch_size = 10;
  return m;
}

class EsmManagerTest : public ::testing::Test {
 protected:
  FakeQueueStore queues_;
  FakeInvoker invoker_;
  ManualClock clock_;
  EsmManager manager_{queues_, invoker_, clock_.Clock(), "us-east-1", "000000000000"};
};

TEST_F(EsmManagerTest, QueueNoticesWakeOnlyThatQueuesPollers) {
  queues_.Create("a");
  queues_.Create("b");
  manager_.Apply(Mapping("m1", "a"));
  manager_.Apply(Mapping("m2", "b"));
  queues_.Put("a", "for-a", clock_.now());
  queues_.Notify("a");
  ASSERT_EQ(invoker_.calls.size(), 1u);
  EXPECT_NE(invoker_.calls[0].request.payload.find("for-a"), std::string::npos);
  EXPECT_NE(invoker_.calls[0].request.payload.find(":a\""), std::string::npos);
}

TEST_F(EsmManagerTest, DisablingOrRemovingStopsAndSettingsRestart) {
  queues_.Create("a");
  store::EventSourceMapping m = Mapping("m1", "a");
  manager_.Apply(m);
  EXPECT_TRUE(manager_.IsRunning("m1"));
  m.enabled = false;
  manager_.Apply(m);
  EXPECT_FALSE(manager_.IsRunning("m1"));
  queues_.Put("a", "x", clock_.now());
  queues_.Notify("a");
  EXPECT_TRUE(invoker_.calls.empty());
  // Enabling again picks up what waited.
  m.enabled = true;
  manager_.Apply(m);
  ASSERT_EQ(invoker_.calls.size(), 1u);
  invoker_.Answer(FakeInvoker::Success());
  // New settings take effect for the next batch.
  m.function_name = "other";
  manager_.Apply(m);
  queues_.Put("a", "y", clock_.now());
  queues_.Notify("a");
  ASSERT_EQ(invoker_.calls.size(), 1u);
  EXPECT_EQ(invoker_.calls[0].function, "other");
  manager_.Remove("m1");
  EXPECT_FALSE(manager_.IsRunning("m1"));
  invoker_.Answer(FakeInvoker::Success());
  EXPECT_TRUE(queues_.Live("a").empty());
}

TEST_F(EsmManagerTest, DefaultsAndScalingConfigBecomeThePollersSettings) {
  store::EventSourceMapping m = Mapping("m1", "orders");
  m.max_batching_window_s = 3;
  m.report_batch_item_failures = true;
  auto config = manager_.PollerConfig(m);
  ASSERT_TRUE(config);
  EXPECT_EQ(config->queue, "orders");
  EXPECT_EQ(config->max_concurrency, EsmManager::kDefaultMaxConcurrency);
  EXPECT_EQ(config->batching_window_ms, 3000);
  EXPECT_TRUE(config->report_batch_item_failures);
  EXPECT_EQ(config->source.queue_arn, m.event_source_arn);
  m.max_concurrency = 40;
  EXPECT_EQ(manager_.PollerConfig(m)->max_concurrency, 40);
  m.event_source_arn = "arn:aws:kinesis:us-east-1:000000000000:stream/s";
  EXPECT_FALSE(manager_.PollerConfig(m));
}

TEST_F(EsmManagerTest, ProblemOfAMissingQueue) {
  manager_.Apply(Mapping("m1", "ghost"));
  EXPECT_NE(manager_.Problem("m1").find("ghost does not exist"), std::string::npos);
  EXPECT_EQ(manager_.Problem("unknown"), "");
}

TEST_F(EsmManagerTest, RestoresEveryEnabledMappingOfTheStore) {
  auto dir = std::filesystem::temp_directory_path() / ("esm-mgr-" + NewUuid());
  std::filesystem::create_directories(dir);
  {
    auto store = store::EsmStore::Open((dir / "kumo.db").string());
    ASSERT_TRUE(store.ok()) << store.error().message;
    store::EventSourceMapping off = Mapping("m2", "b");
    off.enabled = false;
    ASSERT_TRUE((*store)->Create(Mapping("m1", "a")).ok());
    ASSERT_TRUE((*store)->Create(off).ok());
    ASSERT_TRUE((*store)->Create(Mapping("m3", "c")).ok());
    ASSERT_TRUE(manager_.RestoreAll(**store).ok());
  }
  std::filesystem::remove_all(dir);
  EXPECT_TRUE(manager_.IsRunning("m1"));
  EXPECT_FALSE(manager_.IsRunning("m2"));
  EXPECT_TRUE(manager_.IsRunning("m3"));
}

TEST(EsmManagerLifetimeTest, RemovesItsListener) {
  FakeQueueStore queues;
  FakeInvoker invoker;
  ManualClock clock;
  {
    EsmManager manager(queues, invoker, clock.Clock(), "us-east-1", "000000000000");
    EXPECT_EQ(queues.listeners(), 1);
  }
  EXPECT_EQ(queues.listeners(), 0);
}

}  // namespace
}  // namespace kumo::events
