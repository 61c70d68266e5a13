#include "events/esm_poller.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "events/esm_test_fakes.h"

namespace kumo::events {
namespace {
namespace json = boost::json;
using testing::FakeInvoker;
using testing::FakeQueueStore;
using testing::ManualClock;

class EsmPollerTest : public ::testing::Test {
 protected:
  EsmPollerConfig Config(int batch_size, int max_concurrency = 5) {
    EsmPollerConfig c;
    c.uuid = "uuid-1";
    c.queue = "q";
    c.source = SqsSource{"arn:aws:sqs:us-east-1:000000000000:q", "us-east-1", "000000000000"};
    c.function = "fn";
    c.qualifier = "live";
    c.batch_size = batch_size;
    c.max_concurrency = max_concurrency;
    return c;
  }
  void Start(EsmPollerConfig config) {
    queues_.Create(config.queue);
    poller_ = std::make_shared<EsmPoller>(std::move(config), queues_, invoker_, clock_.Clock(),
                                          queues_alive_);
    listener_ = queues_.AddListener([this](const std::string&) { poller_->Wake(); });
    poller_->Start();
  }
  void TearDown() override {
    poller_.reset();
    queues_.RemoveListener(listener_);
  }
  // Puts `n` messages named prefix0..prefix<n-1> and tells the listeners.
  std::vector<std::string> Send(int n, const std::string& prefix = "m") {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i)
      ids.push_back(queues_.Put("q", prefix + std::to_string(i), clock_.now()));
    queues_.Notify("q");
    return ids;
  }
  // The bodies of an open call's event, in order.
  static std::vector<std::string> Bodies(const FakeInvoker::Call& call) {
    std::vector<std::string> out;
    json::object event = json::parse(call.request.payload).as_object();
    for (const json::value& r : event.at("Records").as_array()) {
      out.emplace_back(r.as_object().at("body").as_string());
    }
    return out;
  }
  static std::vector<std::string> Ids(const FakeInvoker::Call& call) {
    std::vector<std::string> out;
    json::object event = json::parse(call.request.payload).as_object();
    for (const json::value& r : event.at("Records").as_array()) {
      out.emplace_back(r.as_object().at("messageId").as_string());
    }
    return out;
  }

  FakeQueueStore queues_;
  FakeInvoker invoker_;
  ManualClock clock_;
  std::shared_ptr<int> queues_alive_ = std::make_shared<int>(0);
  std::shared_ptr<EsmPoller> poller_;
  int listener_ = -1;
};

TEST_F(EsmPollerTest, BatchesOfBatchSizeUntilTheQueueIsEmpty) {
  Start(Config(5));
  Send(23);
  // 23 messages, batches of at most 5, five in flight at most: 5 calls, the last with 3.
  ASSERT_EQ(invoker_.calls.size(), 5u);
  std::multiset<std::string> seen;
  std::set<std::string> request_ids;
  for (const auto& call : invoker_.calls) {
    EXPECT_EQ(call.function, "fn");
    EXPECT_EQ(call.qualifier, "live");
    EXPECT_LE(Bodies(call).size(), 5u);
    for (const auto& b : Bodies(call)) seen.insert(b);
    request_ids.insert(call.request.request_id);
  }
  EXPECT_EQ(seen.size(), 23u);
  EXPECT_EQ(request_ids.size(), 5u);
  while (!invoker_.calls.empty()) invoker_.Answer(FakeInvoker::Success("null"));
  EXPECT_TRUE(queues_.Live("q").empty());
  EXPECT_EQ(invoker_.answered, 5);
}

TEST_F(EsmPollerTest, EmptyQueueArmsNoTimerAndIsNotPolledAgain) {
  Start(Config(10));
  int receives = queues_.receive_calls();
  EXPECT_FALSE(clock_.NextDue());
  clock_.Advance(60'000);
  EXPECT_EQ(queues_.receive_calls(), receives);
  EXPECT_TRUE(invoker_.calls.empty());
}

TEST_F(EsmPollerTest, BatchingWindowCollectsUntilItEnds) {
  EsmPollerConfig c = Config(20);
  c.batching_window_ms = 2000;
  Start(c);
  Send(3, "a");
  EXPECT_TRUE(invoker_.calls.empty());
  clock_.Advance(1000);
  Send(2, "b");
  EXPECT_TRUE(invoker_.calls.empty());
  clock_.Advance(999);
  EXPECT_TRUE(invoker_.calls.empty());
  clock_.Advance(1);  // two seconds after the first message
  ASSERT_EQ(invoker_.calls.size(), 1u);
  EXPECT_EQ(Bodies(invoker_.calls[0]), (std::vector<std::string>{"a0", "a1", "a2", "b0", "b1"}));
}

TEST_F(EsmPollerTest, BatchingWindowEndsEarlyWhenTheBatchIsFull) {
  EsmPollerConfig c = Config(20);
  c.batching_window_ms = 50'000;
  Start(c);
  Send(15);
  EXPECT_TRUE(invoker_.calls.empty());
  Send(7, "x");
  ASSERT_EQ(invoker_.calls.size(), 1u);
  EXPECT_EQ(Bodies(invoker_.calls[0]).size(), 20u);
  invoker_.Answer(FakeInvoker::Success());
  // The two left over start the next window. It is longer than their visibility timeout (30 s
  // in the fake): received again meanwhile, they are still sent once, with the newest handles.
  clock_.Advance(49'999);
  EXPECT_TRUE(invoker_.calls.empty());
  clock_.Advance(1);
  ASSERT_EQ(invoker_.calls.size(), 1u);
  EXPECT_EQ(Bodies(invoker_.calls[0]), (std::vector<std::string>{"x5", "x6"}));
  invoker_.Answer(FakeInvoker::Success());
  EXPECT_TRUE(queues_.Live("q").empty());
}

TEST_F(EsmPollerTest, EventSizeLimitSplitsBatches) {
  EsmPollerConfig c = Config(10);
  c.max_event_bytes = 2500;
  Start(c);
  std::string big(500, 'z');
  for (int i = 0; i < 6; ++i) queues_.Put("q", big + std::to_string(i), clock_.now());
  queues_.Notify("q");
  size_t total = 0;
  int calls = 0;
  while (!invoker_.calls.empty()) {
    EXPECT_LE(invoker_.calls[0].request.payload.size(), 2500u);
    total += Bodies(invoker_.calls[0]).size();
    ++calls;
    invoker_.Answer(FakeInvoker::Success());
  }
  EXPECT_EQ(total, 6u);
  EXPECT_GE(calls, 3);
  EXPECT_TRUE(queues_.Live("q").empty());
}

TEST_F(EsmPollerTest, PartialBatchFailureKeepsOnlyTheFailedOnes) {
  EsmPollerConfig c = Config(5);
  c.report_batch_item_failures = true;
  Start(c);
  std::vector<std::string> ids = Send(4);
  ASSERT_EQ(invoker_.calls.size(), 1u);
  invoker_.Answer(FakeInvoker::Success(R"({"batchItemFailures":[{"itemIdentifier":")" + ids[1] +
                                       R"("},{"itemIdentifier":")" + ids[3] + R"("}]})"));
  std::vector<FakeQueueStore::Message> live = queues_.Live("q");
  ASSERT_EQ(live.size(), 2u);
  EXPECT_EQ(live[0].stored.id, ids[1]);
  EXPECT_EQ(live[1].stored.id, ids[3]);
  // They come back after the visibility timeout (30 s in the fake), on the poller's timer.
  clock_.Advance(29'999);
  EXPECT_TRUE(invoker_.calls.empty());
  clock_.Advance(1);
  ASSERT_EQ(invoker_.calls.size(), 1u);
  EXPECT_EQ(Ids(invoker_.calls[0]), (std::vector<std::string>{ids[1], ids[3]}));
}

TEST_F(EsmPollerTest, FailedMessagesReachTheDeadLetterQueueAfterMaxReceiveCount) {
  EsmPollerConfig c = Config(10);
  c.report_batch_item_failures = true;
  Start(c);
  queues_.SetRedrive("q", "dlq", 2);
  std::vector<std::string> ids = Send(3);
  std::string fail = R"({"batchItemFailures":[{"itemIdentifier":")" + ids[0] + R"("}]})";
  ASSERT_EQ(invoker_.calls.size(), 1u);
  invoker_.Answer(FakeInvoker::Success(fail));
  clock_.Advance(30'000);
  ASSERT_EQ(invoker_.calls.size(), 1u);
  invoker_.Answer(FakeInvoker::Success(fail));
  clock_.Advance(30'000);  // received twice: the next receive moves it instead
  EXPECT_TRUE(invoker_.calls.empty());
  EXPECT_TRUE(queues_.Live("q").empty());
  ASSERT_EQ(queues_.Live("dlq").size(), 1u);
  EXPECT_EQ(queues_.Live("dlq")[0].stored.id, ids[0]);
}

TEST_F(EsmPollerTest, BatchItemFailuresAreIgnoredUnlessReported) {
  Start(Config(5));
  std::vector<std::string> ids = Send(2);
  invoker_.Answer(
      FakeInvoker::Success(R"({"batchItemFailures":[{"itemIdentifier":")" + ids[0] + R"("}]})"));
  EXPECT_TRUE(queues_.Live("q").empty());
}

TEST_F(EsmPollerTest, FunctionErrorAndInvalidResponsesDeleteNothing) {
  EsmPollerConfig c = Config(5);
  c.report_batch_item_failures = true;
  Start(c);
  Send(3);
  invoker_.Answer(FakeInvoker::FunctionError());
  EXPECT_EQ(queues_.Live("q").size(), 3u);
  clock_.Advance(30'000);
  ASSERT_EQ(invoker_.calls.size(), 1u);
  invoker_.Answer(FakeInvoker::Success(R"({"batchItemFailures":[{"itemIdentifier":"nope"}]})"));
  EXPECT_EQ(queues_.Live("q").size(), 3u);
  clock_.Advance(30'000);
  ASSERT_EQ(invoker_.calls.size(), 1u);
  invoker_.Answer(FakeInvoker::Success("not json"));
  EXPECT_EQ(queues_.Live("q").size(), 3u);
  for (const auto& m : queues_.Live("q")) EXPECT_EQ(m.stored.receive_count, 3);
  clock_.Advance(30'000);
  ASSERT_EQ(invoker_.calls.size(), 1u);
  invoker_.Answer(FakeInvoker::Success(R"({"batchItemFailures":[]})"));
  EXPECT_TRUE(queues_.Live("q").empty());
}

TEST_F(EsmPollerTest, ThrottledBatchesAreRetriedAfterAShortBackoff) {
  Start(Config(5));
  Send(12);
  ASSERT_EQ(invoker_.calls.size(), 3u);
  invoker_.Answer(FakeInvoker::PlatformError(ErrorCode::kTooManyRequests));
  // The throttled batch is invisible for a second only (not the 30 s timeout), and no new
  // batch starts meanwhile.
  EXPECT_EQ(invoker_.calls.size(), 2u);
  clock_.Advance(999);
  EXPECT_EQ(invoker_.calls.size(), 2u);
  clock_.Advance(1);
  ASSERT_EQ(invoker_.calls.size(), 3u);
  EXPECT_EQ(Bodies(invoker_.calls[2]), (std::vector<std::string>{"m0", "m1", "m2", "m3", "m4"}));
  while (!invoker_.calls.empty()) invoker_.Answer(FakeInvoker::Success());
  EXPECT_TRUE(queues_.Live("q").empty());
}

TEST_F(EsmPollerTest, PlatformErrorsOtherThanNotFoundBackOffToo) {
  Start(Config(5));
  Send(2);
  invoker_.Answer(FakeInvoker::PlatformError(ErrorCode::kUnavailable));
  EXPECT_TRUE(invoker_.calls.empty());
  clock_.Advance(1000);
  ASSERT_EQ(invoker_.calls.size(), 1u);
}

TEST_F(EsmPollerTest, ConcurrencyCapBoundsBatchesInFlight) {
  Start(Config(1, 2));
  Send(6);
  EXPECT_EQ(invoker_.calls.size(), 2u);
  EXPECT_EQ(poller_->in_flight(), 2);
  invoker_.Answer(FakeInvoker::Success());
  EXPECT_EQ(invoker_.calls.size(), 2u);
  for (int i = 0; i < 5; ++i) invoker_.Answer(FakeInvoker::Success());
  EXPECT_TRUE(invoker_.calls.empty());
  EXPECT_TRUE(queues_.Live("q").empty());
  EXPECT_EQ(invoker_.answered, 6);
}

TEST_F(EsmPollerTest, SynchronousAnswersDrainTheQueueWithoutRecursion) {
  invoker_.auto_answer = [](const FakeInvoker::Call&) { return FakeInvoker::Success(); };
  Start(Config(1, 3));
  Send(2000);
  EXPECT_TRUE(queues_.Live("q").empty());
  EXPECT_EQ(invoker_.answered, 2000);
}

TEST_F(EsmPollerTest, StopTakesNoNewBatchesButInFlightOnesFinish) {
  EsmPollerConfig c = Config(2, 1);
  Start(c);
  Send(5);
  ASSERT_EQ(invoker_.calls.size(), 1u);
  poller_->Stop();
  invoker_.Answer(FakeInvoker::Success());
  EXPECT_TRUE(invoker_.calls.empty());
  EXPECT_EQ(queues_.Live("q").size(), 3u);
  Send(1);
  clock_.Advance(120'000);
  EXPECT_TRUE(invoker_.calls.empty());
}

TEST_F(EsmPollerTest, DestroyedPollerStillSettlesItsBatches) {
  Start(Config(5));
  Send(3);
  ASSERT_EQ(invoker_.calls.size(), 1u);
  poller_.reset();
  invoker_.Answer(FakeInvoker::Success());
  EXPECT_TRUE(queues_.Live("q").empty());
}

TEST_F(EsmPollerTest, BatchesFinishingAfterTheOwnerIsGoneTouchNoQueue) {
  Start(Config(5));
  Send(3);
  ASSERT_EQ(invoker_.calls.size(), 1u);
  poller_.reset();
  queues_alive_.reset();
  invoker_.Answer(FakeInvoker::Success());
  EXPECT_EQ(queues_.Live("q").size(), 3u);
}

TEST_F(EsmPollerTest, StopReleasesMessagesCollectedForAWindow) {
  EsmPollerConfig c = Config(10);
  c.batching_window_ms = 5000;
  Start(c);
  Send(3);
  poller_->Stop();
  // Visible again at once, not after the 30 s visibility timeout.
  auto again = queues_.Receive("q", 10, 30, clock_.now());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->size(), 3u);
}

TEST_F(EsmPollerTest, MissingQueueIdlesWithAProblemUntilItExists) {
  Start(Config(5));
  queues_.Drop("q");
  queues_.Notify("q");
  EXPECT_NE(poller_->problem().find("does not exist"), std::string::npos) << poller_->problem();
  int receives = queues_.receive_calls();
  clock_.Advance(600'000);
  EXPECT_EQ(queues_.receive_calls(), receives);  // no polling of a missing queue
  Send(2);                                       // recreates it
  EXPECT_EQ(poller_->problem(), "");
  ASSERT_EQ(invoker_.calls.size(), 1u);
}

TEST_F(EsmPollerTest, MissingFunctionIsAProblemAndPausesTheMapping) {
  Start(Config(1));
  Send(3);
  ASSERT_EQ(invoker_.calls.size(), 3u);
  invoker_.Answer(FakeInvoker::PlatformError(ErrorCode::kNotFound));
  EXPECT_NE(poller_->problem().find("Function not found"), std::string::npos);
  // The message stays invisible for its visibility timeout, as after a function error.
  EXPECT_EQ(queues_.Live("q").size(), 3u);
  invoker_.Answer(FakeInvoker::Success());
  invoker_.Answer(FakeInvoker::Success());
  EXPECT_EQ(poller_->problem(), "");
  EXPECT_EQ(queues_.Live("q").size(), 1u);
}

}  // namespace
}  // namespace kumo::events
