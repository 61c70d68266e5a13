// Planning the event side of a project deploy: queues (order, changes, ownership, deletion
// order), mappings, schedules and async settings, from plain structs.

#include "cli/project_event_plan.h"

#include <gtest/gtest.h>

#include "cli/project_plan.h"

namespace kumo::cli {
namespace {

using LineList = std::vector<std::string>;

DeployedQueue Queue(const std::string& name, const std::string& project,
                    std::map<std::string, std::string> changed = {}) {
  DeployedQueue q{name,
                  "http://h/000000000000/" + name,
                  project,
                  {{"VisibilityTimeout", "30"},
                   {"DelaySeconds", "0"},
                   {"MessageRetentionPeriod", "345600"},
                   {"MaximumMessageSize", "262144"},
                   {"ReceiveMessageWaitTimeSeconds", "0"}}};
  for (auto& [key, value] : changed) q.attributes[key] = value;
  return q;
}

DeployedMapping Mapping(const std::string& uuid, const std::string& function,
                        const std::string& queue) {
  DeployedMapping m;
  m.uuid = uuid;
  m.function = function;
  m.queue = queue;
  return m;
}

class EventPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    project_.name = "shop";
    QueueSpec dlq;
    dlq.name = "dlq";
    QueueSpec orders;
    orders.name = "orders";
    orders.dead_letter_queue = "dlq";
    orders.max_receive_count = 3;
    project_.queues = {dlq, orders};  // sorted by name
    FunctionSpec worker;
    worker.name = "worker";
    worker.sqs_events = {SqsEventSpec{"orders"}};
    ScheduleSpec tick;
    tick.name = "shop-worker-1";
    tick.expression = "rate(1 minute)";
    worker.schedules = {tick};
    worker.async = AsyncSpec{1, std::nullopt, "", "sqs:dlq"};
    project_.functions = {worker};
  }
  // The server as a previous deploy of SetUp's file left it.
  void Deployed() {
    server_.queues = {
        Queue("dlq", "shop"),
        Queue("orders", "shop",
              {{"RedrivePolicy",
                R"({"deadLetterTargetArn":"arn:aws:sqs:r:1:dlq","maxReceiveCount":3})"}})};
    server_.mappings = {Mapping("u1", "worker", "orders")};
    server_.schedules = {DeployedSchedule{"shop-worker-1", "worker", "rate(1 minute)", "", "",
                                          "ENABLED", "kumo-project:shop", ""}};
    server_.asyncs = {DeployedAsync{"worker", 1, 21600, "", "sqs:dlq"}};
  }
  LineList Lines() {
    Result<EventPlan> plan = MakeEventPlan(project_, ours_, server_);
    EXPECT_TRUE(plan.ok()) << plan.error().message;
    LineList lines;
    if (!plan.ok()) return lines;
    for (const auto* steps :
         {&plan->queues, &plan->after_functions, &plan->deletions, &plan->queue_deletions}) {
      for (const EventStep& step : *steps) lines.push_back(StepLine(step));
    }
    return lines;
  }
  std::string ErrorOf() {
    Result<EventPlan> plan = MakeEventPlan(project_, ours_, server_);
    EXPECT_FALSE(plan.ok());
    return plan.ok() ? "" : plan.error().message;
  }
  ProjectSpec project_;
  std::vector<std::string> ours_ = {"worker"};
  EventSnapshot server_;
};

TEST_F(EventPlanTest, EmptyServerCreatesDeadLettersFirst) {
  ours_.clear();
  project_.queues.resize(2);
  project_.queues[0].name = "a-orders";
  project_.queues[0].dead_letter_queue = "z-dlq";
  project_.queues[0].max_receive_count = 3;
  project_.queues[1].name = "z-dlq";
  project_.functions[0].sqs_events = {SqsEventSpec{"a-orders"}};
  EXPECT_EQ(Lines(),
            (LineList{"+ queue z-dlq (created)", "+ queue a-orders (created)",
                      "+ async-config worker (created)", "+ sqs a-orders -> worker (created)",
                      "+ schedule shop-worker-1 (created)"}));
}

TEST_F(EventPlanTest, SameAsServerIsUnchanged) {
  Deployed();
  EXPECT_EQ(Lines(),
            (LineList{"= queue dlq (unchanged)", "= queue orders (unchanged)",
                      "= async-config worker (unchanged)", "= sqs orders -> worker (unchanged)",
                      "= schedule shop-worker-1 (unchanged)"}));
}

TEST_F(EventPlanTest, EachChangeIsNamed) {
  Deployed();
  QueueSpec& orders = project_.queues[1];
  orders.visibility_timeout_s = 60;
  orders.delay_s = 1;
  orders.retention_s = 60;
  orders.max_message_bytes = 2048;
  orders.receive_wait_s = 20;
  orders.max_receive_count = 4;
  FunctionSpec& worker = project_.functions[0];
  worker.sqs_events[0] = SqsEventSpec{"orders", 5, 2, true, false};
  ScheduleSpec& tick = worker.schedules[0];
  tick.expression = "rate(2 minutes)";
  tick.timezone = "Europe/Paris";
  tick.input = "{}";
  tick.enabled = false;
  tick.description = "d";
  tick.missed = "skip";
  worker.async = AsyncSpec{0, 60, "lambda:worker", ""};
  EXPECT_EQ(Lines(),
            (LineList{"= queue dlq (unchanged)",
                      "~ queue orders (visibilityTimeout, delaySeconds, retention, maxMessageSize, "
                      "receiveWaitTime, deadLetterQueue)",
                      "~ async-config worker (maximumRetryAttempts, maximumEventAge, destinations)",
                      "~ sqs orders -> worker (batchSize, batchWindow, reportBatchItemFailures, "
                      "enabled)",
                      "~ schedule shop-worker-1 (expression, timezone, input, enabled, "
                      "description, missed)"}));
}

TEST_F(EventPlanTest, RemovedThingsAreDeletedSourcesBeforeTheirDeadLetterQueues) {
  Deployed();
  project_.queues.clear();
  project_.functions[0].sqs_events.clear();
  project_.functions[0].schedules.clear();
  project_.functions[0].async.reset();
  EXPECT_EQ(Lines(),
            (LineList{"- schedule shop-worker-1 (deleted)", "- sqs orders -> worker (deleted)",
                      "- async-config worker (deleted)", "- queue orders (deleted)",
                      "- queue dlq (deleted)"}));
}

TEST_F(EventPlanTest, OthersQueuesSchedulesAndMappingsAreNeverTouched) {
  Deployed();
  server_.queues.push_back(Queue("theirs", "blog"));
  server_.queues.push_back(Queue("untagged", ""));
  server_.schedules.push_back(
      DeployedSchedule{"by-hand", "worker", "rate(1 hour)", "", "", "ENABLED", "mine", ""});
  server_.mappings.push_back(Mapping("u2", "other", "orders"));
  EXPECT_EQ(Lines(),
            (LineList{"= queue dlq (unchanged)", "= queue orders (unchanged)",
                      "= async-config worker (unchanged)", "= sqs orders -> worker (unchanged)",
                      "= schedule shop-worker-1 (unchanged)"}));
}

TEST_F(EventPlanTest, DuplicateMappingsOfAnEventAreDeleted) {
  Deployed();
  server_.mappings.push_back(Mapping("u2", "worker", "orders"));
  LineList lines = Lines();
  EXPECT_EQ(lines[3], "= sqs orders -> worker (unchanged)");
  EXPECT_EQ(lines[5], "- sqs orders -> worker (deleted)");
}

TEST_F(EventPlanTest, NamesTakenOutsideTheProjectFail) {
  server_.queues = {Queue("orders", "")};
  EXPECT_EQ(ErrorOf(),
            "queue \"orders\" already exists and is not part of project \"shop\" (it has no tag "
            "kumo-project=shop); rename the queue in the file or delete the existing one");
  server_.queues = {Queue("orders", "blog")};
  EXPECT_NE(ErrorOf(), "");
  server_.queues.clear();
  project_.functions[0].schedules[0].position = "kumo.yaml:9:19";
  server_.schedules = {DeployedSchedule{"shop-worker-1", "worker", "rate(1 minute)", "", "",
                                        "ENABLED", "kumo-project:shopping", ""}};
  EXPECT_EQ(ErrorOf(),
            "kumo.yaml:9:19: schedule \"shop-worker-1\" already exists and is not part of project "
            "\"shop\" (its description does not start with kumo-project:shop); give the "
            "schedule another name:");
}

TEST_F(EventPlanTest, ProjectPlanCarriesTheEventPlan) {
  FunctionSpec& worker = project_.functions[0];
  ServerSnapshot snapshot;
  Deployed();
  snapshot.events = server_;
  DeployedFunction deployed;
  deployed.name = "worker";
  deployed.description = DescriptionFor("shop", worker);
  snapshot.functions = {deployed};
  project_.queues.clear();
  worker.sqs_events.clear();
  worker.async.reset();
  Result<Plan> plan = MakePlan(project_, {}, snapshot);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(plan->events.queue_deletions.size(), 2u);
  EXPECT_EQ(plan->events.deletions.size(), 2u);  // the mapping and the async settings
}

}  // namespace
}  // namespace kumo::cli
