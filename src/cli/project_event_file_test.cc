// kumo.yaml's queues, sqs and schedule events and async settings: every key in each spelling,
// and every mistake with its line and column.

#include <gtest/gtest.h>

#include "cli/project_event_sources.h"
#include "cli/project_file.h"
#include "cli/project_queues.h"
#include "cli/test_temp_dir.h"

namespace kumo::cli {
namespace {

std::optional<std::string> FakeEnv(const std::string& name) {
  if (name == "BATCH") return std::string("5");
  return std::nullopt;
}

class ProjectEventFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    dir_.Write("worker/app.py", "x");
  }
  Result<ProjectSpec> Parse(const std::string& text) {
    return ParseProject(text, "kumo.yaml", dir_.path(), FakeEnv);
  }
  std::string ErrorOf(const std::string& text) {
    Result<ProjectSpec> project = Parse(text);
    EXPECT_FALSE(project.ok());
    return project.ok() ? "" : project.error().message;
  }
  TempDir dir_;
};

constexpr char kEvents[] = R"(project: shop
queues:
  orders:
    visibilityTimeout: 1m
    delaySeconds: 5
    retention: 4d
    maxMessageSize: 1024
    receiveWaitTime: 20
    deadLetterQueue: {queue: orders-dlq, maxReceiveCount: 5}
  orders-dlq: {}
  audit:
  jobs: {deadLetterQueue: {queue: orders}}
functions:
  worker:
    runtime: python3.12
    handler: app.handler
    code: worker
    maximumRetryAttempts: 1
    maximumEventAge: 1h
    destinations: {onSuccess: report, onFailure: orders-dlq}
    events:
      - sqs: orders
      - sqs: {queue: audit, batchSize: '${env:BATCH}', batchWindow: 2, reportBatchItemFailures: true, enabled: false}
      - sqs: {arn: 'arn:aws:sqs:us-east-1:000000000000:outside', functionResponseType: ReportBatchItemFailures, maximumBatchingWindow: 1m, batchSize: 100}
      - schedule: rate(5 minutes)
      - schedule: {rate: 'cron(0 12 * * ? *)', timezone: Europe/Paris, input: {hello: world, n: 3, ok: true, s: '3'}, enabled: false, missed: run-once, description: noon}
      - schedule: {rate: [rate(1 hour), rate(2 hours)], method: scheduler, input: '{"raw":1}'}
      - schedule: {rate: rate(1 day), name: daily-report}
  report:
    runtime: python3.12
    handler: app.handler
    code: worker
    destinations: {onFailure: 'arn:aws:lambda:us-east-1:000000000000:function:elsewhere'}
)";

TEST_F(ProjectEventFileTest, ParsesEveryKey) {
  Result<ProjectSpec> project = Parse(kEvents);
  ASSERT_TRUE(project.ok()) << project.error().message;
  ASSERT_EQ(project->queues.size(), 4u);  // sorted by name
  const QueueSpec& audit = project->queues[0];
  const QueueSpec& orders = project->queues[2];
  EXPECT_EQ(audit.name, "audit");
  EXPECT_EQ(audit.visibility_timeout_s, 30);  // SQS's defaults
  EXPECT_EQ(audit.retention_s, 345600);
  EXPECT_EQ(audit.dead_letter_queue, "");
  EXPECT_EQ(orders.name, "orders");
  EXPECT_EQ(orders.visibility_timeout_s, 60);
  EXPECT_EQ(orders.delay_s, 5);
  EXPECT_EQ(orders.retention_s, 4 * 86400);
  EXPECT_EQ(orders.max_message_bytes, 1024);
  EXPECT_EQ(orders.receive_wait_s, 20);
  EXPECT_EQ(orders.dead_letter_queue, "orders-dlq");
  EXPECT_EQ(orders.max_receive_count, 5);
  EXPECT_EQ(project->queues[1].max_receive_count, 3);  // jobs: the default count

  const FunctionSpec& report = project->functions[0];
  const FunctionSpec& worker = project->functions[1];
  ASSERT_TRUE(worker.async);
  EXPECT_EQ(worker.async->maximum_retry_attempts, 1);
  EXPECT_EQ(worker.async->maximum_event_age_s, 3600);
  EXPECT_EQ(worker.async->on_success, "lambda:report");
  EXPECT_EQ(worker.async->on_failure, "sqs:orders-dlq");
  ASSERT_TRUE(report.async);
  EXPECT_FALSE(report.async->maximum_retry_attempts);
  EXPECT_EQ(report.async->on_failure, "lambda:elsewhere");

  std::vector<SqsEventSpec> expected = {
      {"audit", 5, 2, true, false},
      {"orders", 10, 0, false, true},
      {"outside", 100, 60, true, true},
  };
  EXPECT_EQ(worker.sqs_events, expected);

  ASSERT_EQ(worker.schedules.size(), 5u);
  EXPECT_EQ(worker.schedules[0].name, "shop-worker-1");
  EXPECT_EQ(worker.schedules[0].expression, "rate(5 minutes)");
  EXPECT_TRUE(worker.schedules[0].enabled);
  EXPECT_EQ(worker.schedules[0].input, "");
  EXPECT_EQ(worker.schedules[0].position, "kumo.yaml:25:19");
  const ScheduleSpec& noon = worker.schedules[1];
  EXPECT_EQ(noon.name, "shop-worker-2");
  EXPECT_EQ(noon.expression, "cron(0 12 * * ? *)");
  EXPECT_EQ(noon.timezone, "Europe/Paris");
  EXPECT_EQ(noon.input, R"({"hello":"world","n":3,"ok":true,"s":"3"})");
  EXPECT_FALSE(noon.enabled);
  EXPECT_EQ(noon.missed, "run-once");
  EXPECT_EQ(noon.description, "noon");
  EXPECT_EQ(worker.schedules[2].name, "shop-worker-3");
  EXPECT_EQ(worker.schedules[2].expression, "rate(1 hour)");
  EXPECT_EQ(worker.schedules[2].input, R"({"raw":1})");  // a string is sent as written
  EXPECT_EQ(worker.schedules[3].name, "shop-worker-4");
  EXPECT_EQ(worker.schedules[3].expression, "rate(2 hours)");
  EXPECT_EQ(worker.schedules[4].name, "daily-report");
}

TEST_F(ProjectEventFileTest, DeadLetterQueuesComeFirst) {
  Result<ProjectSpec> project = Parse(kEvents);
  ASSERT_TRUE(project.ok()) << project.error().message;
  std::vector<std::string> order;
  for (const QueueSpec* q : DeadLettersFirst(project->queues)) order.push_back(q->name);
  EXPECT_EQ(order, (std::vector<std::string>{"audit", "orders-dlq", "orders", "jobs"}));
}

const char kHead[] =
    "project: shop\nqueues: {orders: {}}\nfunctions:\n  worker:\n    runtime: provided\n"
    "    code: worker\n";

TEST_F(ProjectEventFileTest, UnknownNamesAreReportedWhereTheyAreUsed) {
  std::string head = kHead;
  EXPECT_EQ(ErrorOf(head + "    events:\n      - sqs: order\n"),
            "kumo.yaml:8:14: unknown queue \"order\" (queues of this file: orders; or give an "
            "arn:aws:sqs:... ARN)");
  EXPECT_EQ(ErrorOf(head + "    events:\n      - sqs: {queue: nope}\n"),
            "kumo.yaml:8:22: unknown queue \"nope\" (queues of this file: orders; or give an "
            "arn:aws:sqs:... ARN)");
  EXPECT_EQ(ErrorOf(head + "    events:\n      - sqs: {arn: 'arn:aws:s3:::bucket'}\n"),
            "kumo.yaml:8:20: \"arn:aws:s3:::bucket\" is not an SQS queue ARN "
            "(arn:aws:sqs:REGION:ACCOUNT:NAME)");
  EXPECT_EQ(ErrorOf(head + "    destinations: {onFailure: dlq}\n"),
            "kumo.yaml:7:31: unknown destination \"dlq\" (expected a queue or a function of this "
            "file, or an ARN)");
  EXPECT_EQ(ErrorOf("queues: {a: {deadLetterQueue: {queue: b}}}\nfunctions: {}\n"),
            "kumo.yaml:1:39: unknown queue \"b\" (a deadLetterQueue must be a queue of this file)");
  EXPECT_EQ(
      ErrorOf("queues:\n  a: {deadLetterQueue: {queue: b}}\n  b: {deadLetterQueue: {queue: a}}\n"
              "functions: {}\n"),
      "kumo.yaml:2:32: the dead-letter queues of \"a\" form a loop");
  EXPECT_EQ(
      ErrorOf("queues:\n  orders: {}\nfunctions:\n  orders: {runtime: provided, code: worker, "
              "destinations: {onSuccess: orders}}\n"),
      "kumo.yaml:4:71: \"orders\" names both a queue and a function of this file; give the "
      "ARN of the one you mean");
}

TEST_F(ProjectEventFileTest, UnknownKeysListWhatIsExpected) {
  std::string head = kHead;
  EXPECT_EQ(ErrorOf("queues: {orders: {visibility: 3}}\nfunctions: {}\n"),
            "kumo.yaml:1:19: unknown key \"visibility\" in queue \"orders\" (expected one of: "
            "visibilityTimeout, delaySeconds, retention, maxMessageSize, receiveWaitTime, "
            "deadLetterQueue)");
  EXPECT_EQ(ErrorOf(head + "    events:\n      - sqs: {queue: orders, batchsize: 5}\n"),
            "kumo.yaml:8:30: unknown key \"batchsize\" in an sqs event (expected one of: queue, "
            "arn, batchSize, batchWindow, maximumBatchingWindow, reportBatchItemFailures, "
            "functionResponseType, enabled)");
  EXPECT_EQ(ErrorOf(head + "    events:\n      - schedule: {rate: rate(1 hour), inputPath: x}\n"),
            "kumo.yaml:8:40: unknown key \"inputPath\" in a schedule event (expected one of: rate, "
            "enabled, input, name, description, timezone, method, missed)");
  EXPECT_EQ(ErrorOf(head + "    destinations: {onError: orders}\n"),
            "kumo.yaml:7:20: unknown key \"onError\" in destinations (expected one of: onSuccess, "
            "onFailure)");
  EXPECT_EQ(ErrorOf(head + "    events:\n      - s3: bucket\n"),
            "kumo.yaml:8:9: unknown key \"s3\" in events (expected one of: http, httpApi, sqs, "
            "schedule)");
  EXPECT_EQ(ErrorOf(head + "    events:\n      - sqs: {queue: orders, arn: 'arn:aws:sqs:r:1:x'}\n"),
            "kumo.yaml:8:14: an sqs event needs exactly one of queue: (a queue of this file) and "
            "arn:");
}

TEST_F(ProjectEventFileTest, BadValuesAndDurations) {
  std::string head = kHead;
  EXPECT_EQ(ErrorOf("queues: {orders: {retention: 4 days}}\nfunctions: {}\n"),
            "kumo.yaml:1:30: retention must be a duration from 60 seconds to 14d (e.g. 4d or "
            "345600)");
  EXPECT_EQ(ErrorOf("queues: {orders: {visibilityTimeout: 13h}}\nfunctions: {}\n"),
            "kumo.yaml:1:38: visibilityTimeout must be a duration from 0 to 12h (e.g. 30 or 5m)");
  EXPECT_EQ(ErrorOf("queues: {orders: {maxMessageSize: 1}}\nfunctions: {}\n"),
            "kumo.yaml:1:35: maxMessageSize must be a whole number of bytes from 1024 to 262144");
  EXPECT_EQ(ErrorOf("queues: {orders: {deadLetterQueue: {queue: orders, maxReceiveCount: 0}}}\n"
                    "functions: {}\n"),
            "kumo.yaml:1:69: maxReceiveCount must be a whole number from 1 to 1000");
  EXPECT_EQ(ErrorOf("queues: {'bad name': {}}\nfunctions: {}\n"),
            "kumo.yaml:1:10: queue names use 1 to 80 letters, digits, '-' and '_' (got \"bad "
            "name\")");
  EXPECT_EQ(ErrorOf(head + "    maximumRetryAttempts: 3\n"),
            "kumo.yaml:7:27: maximumRetryAttempts must be 0, 1 or 2");
  EXPECT_EQ(ErrorOf(head + "    maximumEventAge: 10s\n"),
            "kumo.yaml:7:22: maximumEventAge must be a duration from 60 seconds to 6h (e.g. 3600 "
            "or 1h)");
  EXPECT_EQ(ErrorOf(head + "    events:\n      - sqs: {queue: orders, batchSize: 20}\n"),
            "kumo.yaml:8:41: a batchSize above 10 needs a batching window of at least 1 second "
            "(batchWindow:)");
  EXPECT_EQ(ErrorOf(head + "    events:\n      - sqs: {queue: orders, batchWindow: 301}\n"),
            "kumo.yaml:8:43: the batching window must be 0 to 300 seconds");
  EXPECT_EQ(
      ErrorOf(head + "    events:\n      - sqs: {queue: orders, functionResponseType: All}\n"),
      "kumo.yaml:8:52: functionResponseType may only be ReportBatchItemFailures");
  EXPECT_EQ(ErrorOf(head + "    events:\n      - sqs: orders\n      - sqs: {queue: orders}\n"),
            "kumo.yaml:9:9: function \"worker\" already has an sqs event for queue \"orders\"");
}

TEST_F(ProjectEventFileTest, ScheduleMistakes) {
  std::string head = std::string(kHead) + "    events:\n";
  EXPECT_EQ(ErrorOf(head + "      - schedule: every 5 minutes\n"),
            "kumo.yaml:8:19: a schedule is rate(5 minutes), cron(0 12 * * ? *) or "
            "at(2030-01-01T00:00:00) (got \"every 5 minutes\")");
  EXPECT_EQ(ErrorOf(head + "      - schedule: {rate: rate(1 hour), method: eventBus}\n"),
            "kumo.yaml:8:48: kumo runs schedules with EventBridge Scheduler: method may only be "
            "scheduler");
  EXPECT_EQ(ErrorOf(head + "      - schedule: {rate: rate(1 hour), missed: later}\n"),
            "kumo.yaml:8:48: missed must be skip or run-once (what to do with firings missed while "
            "kumo was down)");
  EXPECT_EQ(ErrorOf(head + "      - schedule: {enabled: true}\n"),
            "kumo.yaml:8:19: a schedule event needs rate: (e.g. rate(5 minutes))");
  EXPECT_EQ(ErrorOf(head + "      - schedule: {rate: [rate(1 hour), rate(2 hours)], name: x}\n"),
            "kumo.yaml:8:63: name: names one schedule; give one expression with it");
  EXPECT_EQ(ErrorOf(head + "      - schedule: {rate: rate(1 hour), name: 'a b'}\n"),
            "kumo.yaml:8:46: schedule name \"a b\" is not 1 to 64 letters, digits, '.', '-' and "
            "'_'");
  EXPECT_EQ(ErrorOf(head + "      - schedule: {rate: rate(1 hour), name: shop-worker-2}\n"
                           "      - schedule: rate(2 hours)\n"),
            "kumo.yaml:9:19: schedule \"shop-worker-2\" is already used by function \"worker\"");
  std::string long_name(60, 'f');
  EXPECT_EQ(ErrorOf("project: shop\nfunctions:\n  " + long_name +
                    ":\n    runtime: provided\n    code: worker\n    events:\n"
                    "      - schedule: rate(1 hour)\n"),
            "kumo.yaml:7:19: schedule name \"shop-" + long_name +
                "-1\" is not 1 to 64 letters, digits, '.', '-' and '_'; give the schedule a "
                "shorter name:");
}

TEST(QueueArnTest, NamesOnlySqsArns) {
  EXPECT_EQ(QueueNameOfArn("arn:aws:sqs:eu-west-1:123:orders"), "orders");
  EXPECT_FALSE(QueueNameOfArn("arn:aws:sqs:eu-west-1:123"));
  EXPECT_FALSE(QueueNameOfArn("arn:aws:lambda:r:1:function:f"));
  EXPECT_FALSE(QueueNameOfArn("orders"));
  EXPECT_EQ(NormalizeDestinationArn("arn:aws:lambda:r:1:function:f:live"), "lambda:f");
  EXPECT_EQ(NormalizeDestinationArn("arn:aws:sqs:r:1:q"), "sqs:q");
  EXPECT_EQ(NormalizeDestinationArn("arn:aws:sns:r:1:t"), "arn:aws:sns:r:1:t");
}

}  // namespace
}  // namespace kumo::cli
