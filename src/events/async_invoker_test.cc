#include "events/async_invoker.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "common/time_format.h"
#include "events/destination_record.h"

#include <boost/json.hpp>

namespace kumo::events {
namespace {

// Answers each invocation from a script: "ok", "error", "throttle" or "gone"; records calls.
class ScriptedInvoker : public FunctionInvoker {
 public:
  void Invoke(const std::string& function, const std::string& qualifier,
              dispatch::InvokeRequest request, dispatch::InvokeCallback done) override {
    calls.push_back(function + ":" + request.payload);
    std::string what = script.empty() ? "ok" : script.front();
    if (!script.empty()) script.erase(script.begin());
    dispatch::InvokeResult r;
    r.request_id = request.request_id;
    if (what == "throttle") {
      r.platform_error = MakeError(ErrorCode::kTooManyRequests, "Rate Exceeded.");
    } else if (what == "gone") {
      r.platform_error = MakeError(ErrorCode::kNotFound, "Function not found");
    } else if (what == "error") {
      r.function_error = true;
      r.payload = R"({"errorMessage":"boom","errorType":"Error"})";
    } else {
      r.payload = R"({"fine":true})";
    }
    done(std::move(r));
  }
  bool Exists(const std::string& function) override { return function != "missing"; }

  std::vector<std::string> script;
  std::vector<std::string> calls;
};

class AsyncInvokerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "kumo-async-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    auto opened = store::OpenSqliteQueueStore((dir_ / "events.db").string(),
                                              [this](std::function<void()> fn) {
                                                loop_.Post(std::move(fn));
                                              });
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    queues_ = std::move(opened).value();
    store::QueueConfig dlq;
    dlq.name = "dlq";
    ASSERT_TRUE(queues_->CreateQueue(dlq, NowEpochMillis()).ok());
    AsyncInvokerOptions options;
    options.retry_base_ms = 10;
    options.throttle_base_ms = 10;
    options.max_in_flight = 4;
    async_ = std::make_unique<AsyncInvoker>(
        loop_, *queues_, invoker_,
        [this](const std::string& f, const std::string& q) {
          store::EventInvokeConfig c = config_;
          c.function_name = f;
          c.qualifier = q;
          return c;
        },
        [](const std::string&) { return 2; }, options);
    async_->Start();
  }
  void TearDown() override {
    async_.reset();
    queues_.reset();
    std::filesystem::remove_all(dir_);
  }

  Status Enqueue(const std::string& function, const std::string& payload, int64_t enqueued_ms = 0) {
    AsyncEvent e;
    e.request_id = NewUuidLike();
    e.function_name = function;
    e.payload = payload;
    e.enqueued_ms = enqueued_ms;
    std::optional<Status> result;
    async_->Enqueue(e, std::nullopt, [&](Status s) { result = s; });
    if (!result) RunUntil([&] { return result.has_value(); });
    return result.value_or(MakeError(ErrorCode::kInternal, "no answer"));
  }
  static std::string NewUuidLike() {
    static int n = 0;
    return "req-" + std::to_string(++n);
  }
  // Runs the loop until `done` holds (checked every few ms) or 10 s passed.
  void RunUntil(const std::function<bool()>& done) {
    auto timer = loop_.NewTimer();
    int64_t deadline = NowEpochMillis() + 10000;
    std::function<void()> check = [&] {
      if (done() || NowEpochMillis() > deadline) return loop_.Stop();
      timer->Start(std::chrono::milliseconds(5), check);
    };
    timer->Start(std::chrono::milliseconds(0), check);
    loop_.Run();
  }
  // Destination records that reached the "dlq" queue.
  std::vector<boost::json::object> Records() {
    std::vector<boost::json::object> out;
    auto got = queues_->Receive("dlq", 10, 30, NowEpochMillis());
    for (auto& m : *got) out.push_back(boost::json::parse(m.message.content.body).as_object());
    return out;
  }
  store::QueueCounts Pending(const std::string& function) {
    auto counts = queues_->Counts(AsyncQueueName(function), NowEpochMillis());
    return counts.ok() ? *counts : store::QueueCounts{};
  }

  std::filesystem::path dir_;
  net::EventLoop loop_;
  std::unique_ptr<store::QueueStore> queues_;
  ScriptedInvoker invoker_;
  store::EventInvokeConfig config_;
  std::unique_ptr<AsyncInvoker> async_;
};

TEST_F(AsyncInvokerTest, RetriesFunctionErrorsThenRecordsTheFailure) {
  config_.maximum_retry_attempts = 2;
  config_.on_failure = "arn:aws:sqs:us-east-1:000000000000:dlq";
  invoker_.script = {"error", "error", "error"};
  ASSERT_TRUE(Enqueue("f", R"({"n":1})").ok());
  RunUntil([&] { return invoker_.calls.size() == 3 && Pending("f").visible + Pending("f").in_flight + Pending("f").delayed == 0; });
  EXPECT_EQ(invoker_.calls.size(), 3u);
  auto records = Records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["requestContext"].as_object()["condition"], "RetriesExhausted");
  EXPECT_EQ(records[0]["requestContext"].as_object()["approximateInvokeCount"], 3);
  EXPECT_EQ(records[0]["requestPayload"].as_object()["n"], 1);
  EXPECT_EQ(records[0]["responsePayload"].as_object()["errorMessage"], "boom");
}

TEST_F(AsyncInvokerTest, ThrottlesAreRetriedWithoutCountingAsAttempts) {
  config_.maximum_retry_attempts = 0;
  config_.on_success = "arn:aws:sqs:us-east-1:000000000000:dlq";
  invoker_.script = {"throttle", "throttle", "throttle", "ok"};
  ASSERT_TRUE(Enqueue("f", "{}").ok());
  RunUntil([&] { return invoker_.calls.size() == 4; });
  RunUntil([&] { return Pending("f").visible + Pending("f").in_flight == 0; });
  auto records = Records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["requestContext"].as_object()["condition"], "Success");
  EXPECT_EQ(records[0]["requestContext"].as_object()["approximateInvokeCount"], 1);
}

TEST_F(AsyncInvokerTest, EventsOlderThanTheirMaximumAgeAreNotRunButRecorded) {
  config_.maximum_event_age_s = 60;
  config_.on_failure = "arn:aws:sqs:us-east-1:000000000000:dlq";
  ASSERT_TRUE(Enqueue("f", R"({"old":true})", NowEpochMillis() - 61000).ok());
  RunUntil([&] { return Pending("f").visible + Pending("f").in_flight == 0; });
  ASSERT_EQ(Records().size(), 1u);
  EXPECT_TRUE(invoker_.calls.empty());
}

TEST_F(AsyncInvokerTest, RefusesUnknownFunctionsAndDropsEventsOfDeletedOnes) {
  EXPECT_EQ(Enqueue("missing", "{}").error().code, ErrorCode::kNotFound);
  invoker_.script = {"gone"};
  Status queued = Enqueue("f", "{}");
  ASSERT_TRUE(queued.ok()) << queued.error().message;
  RunUntil([&] { return invoker_.calls.size() == 1 && Pending("f").in_flight == 0; });
  EXPECT_EQ(Pending("f").visible + Pending("f").delayed, 0);
  async_->DropFunction("f");
  EXPECT_FALSE(queues_->GetQueue(AsyncQueueName("f")).ok());
}

}  // namespace
}  // namespace kumo::events
