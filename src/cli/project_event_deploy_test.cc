// `kumo deploy` of a project with queues, sqs and schedule events and async destinations against
// the in-memory server: what the first deploy creates and in which order, that a second changes
// nothing, updates and removals, ownership, and the server's refusals with the file's position.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <sstream>

#include "cli/project_deploy.h"
#include "cli/project_fake_kumo_test_util.h"
#include "cli/test_temp_dir.h"

namespace kumo::cli {
namespace {

namespace json = boost::json;
using LineList = std::vector<std::string>;

constexpr char kProject[] = R"(project: shop
queues:
  orders:
    visibilityTimeout: 45
    deadLetterQueue: {queue: orders-dlq, maxReceiveCount: 2}
  orders-dlq: {}
functions:
  worker:
    runtime: python3.12
    handler: app.handler
    code: worker
    maximumRetryAttempts: 1
    destinations: {onFailure: orders-dlq}
    events:
      - sqs: {queue: orders, batchSize: 5, reportBatchItemFailures: true}
      - schedule: {rate: rate(1 minute), input: {tick: true}}
)";

class ProjectEventDeployTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    dir_.Write("worker/app.py", "def handler(e, c): return 1\n");
    dir_.Write("kumo.yaml", kProject);
  }
  int Deploy(bool dry_run = false) {
    std::istringstream in;
    out_.str("");
    err_.str("");
    server_.sent.clear();
    ProjectDeployArgs args{(dir_.path() / "kumo.yaml").string(), dry_run};
    return DeployProject(server_, args, ProcessEnv, Io{in, out_, err_});
  }
  LineList Lines() {
    LineList lines;
    std::istringstream text(out_.str());
    for (std::string line; std::getline(text, line);) lines.push_back(line);
    return lines;
  }
  TempDir dir_;
  FakeKumo server_;
  std::ostringstream out_, err_;
};

TEST_F(ProjectEventDeployTest, FirstDeployCreatesInOrderSecondChangesNothing) {
  ASSERT_EQ(Deploy(), 0) << err_.str();
  EXPECT_EQ(Lines(),
            (LineList{"+ queue orders-dlq (created)", "+ queue orders (created)",
                      "+ worker (created)", "+ async-config worker (created)",
                      "+ sqs orders -> worker (created)", "+ schedule shop-worker-1 (created)"}));
  EXPECT_EQ(server_.Writes(),
            (LineList{"SQS CreateQueue", "SQS CreateQueue", "POST /2015-03-31/functions",
                      "PUT /2019-09-25/functions/worker/event-invoke-config",
                      "POST /2015-03-31/event-source-mappings/", "POST /schedules/shop-worker-1"}));
  ASSERT_EQ(server_.queues.count("orders"), 1u);
  const FakeKumo::Queue& orders = server_.queues.at("orders");
  EXPECT_EQ(orders.tags.at("kumo-project"), "shop");
  EXPECT_EQ(orders.attributes.at("VisibilityTimeout"), "45");
  EXPECT_EQ(
      orders.attributes.at("RedrivePolicy"),
      R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:orders-dlq","maxReceiveCount":2})");
  ASSERT_EQ(server_.mappings.size(), 1u);
  const json::object& mapping = server_.mappings.begin()->second;
  EXPECT_EQ(mapping.at("BatchSize"), 5);
  EXPECT_EQ(mapping.at("FunctionResponseTypes"), json::array{"ReportBatchItemFailures"});
  const json::object& schedule = server_.schedules.at("shop-worker-1");
  EXPECT_EQ(schedule.at("Description"), "kumo-project:shop");
  EXPECT_EQ(schedule.at("State"), "ENABLED");
  EXPECT_EQ(schedule.at("Target").at("Arn"),
            "arn:aws:lambda:us-east-1:000000000000:function:worker");
  EXPECT_EQ(schedule.at("Target").at("Input"), R"({"tick":true})");
  const json::object& async = server_.asyncs.at("worker");
  EXPECT_EQ(async.at("MaximumRetryAttempts"), 1);
  EXPECT_EQ(async.at("DestinationConfig").at("OnFailure").at("Destination"),
            "arn:aws:sqs:us-east-1:000000000000:orders-dlq");

  ASSERT_EQ(Deploy(), 0) << err_.str();
  EXPECT_EQ(Lines(), (LineList{"= queue orders-dlq (unchanged)", "= queue orders (unchanged)",
                               "= worker (unchanged)", "= async-config worker (unchanged)",
                               "= sqs orders -> worker (unchanged)",
                               "= schedule shop-worker-1 (unchanged)"}));
  EXPECT_EQ(server_.Writes(), LineList{});
}

TEST_F(ProjectEventDeployTest, ChangesAreUpdatesInPlace) {
  ASSERT_EQ(Deploy(), 0) << err_.str();
  std::string uuid = server_.mappings.begin()->first;
  std::string text = kProject;
  auto replace = [&text](const std::string& from, const std::string& to) {
    text.replace(text.find(from), from.size(), to);
  };
  replace("visibilityTimeout: 45\n    deadLetterQueue: {queue: orders-dlq, maxReceiveCount: 2}",
          "visibilityTimeout: 45");
  replace("batchSize: 5, reportBatchItemFailures: true", "batchSize: 5, enabled: false");
  replace("rate(1 minute)", "rate(2 minutes)");
  replace("maximumRetryAttempts: 1", "maximumRetryAttempts: 0");
  dir_.Write("kumo.yaml", text);
  ASSERT_EQ(Deploy(), 0) << err_.str();
  // Without its redrive policy, orders no longer has to wait for its dead-letter queue.
  EXPECT_EQ(Lines(),
            (LineList{"~ queue orders (deadLetterQueue)", "= queue orders-dlq (unchanged)",
                      "= worker (unchanged)", "~ async-config worker (maximumRetryAttempts)",
                      "~ sqs orders -> worker (reportBatchItemFailures, enabled)",
                      "~ schedule shop-worker-1 (expression)"}));
  EXPECT_EQ(
      server_.Writes(),
      (LineList{"SQS SetQueueAttributes", "PUT /2019-09-25/functions/worker/event-invoke-config",
                "PUT /2015-03-31/event-source-mappings/" + uuid, "PUT /schedules/shop-worker-1"}));
  EXPECT_EQ(server_.queues.at("orders").attributes.count("RedrivePolicy"), 0u);
  EXPECT_EQ(server_.mappings.at(uuid).at("State"), "Disabled");
  ASSERT_EQ(Deploy(), 0) << err_.str();
  EXPECT_EQ(server_.Writes(), LineList{});
}

TEST_F(ProjectEventDeployTest, RemovedEventsQueuesAndFunctionsAreDeletedInReverseOrder) {
  ASSERT_EQ(Deploy(), 0) << err_.str();
  server_.queues["by-hand"];  // untagged: never the project's
  dir_.Write("other/app.py", "x");
  dir_.Write("kumo.yaml",
             "project: shop\nfunctions:\n  other: {runtime: python3.12, handler: "
             "app.handler, code: other}\n");
  ASSERT_EQ(Deploy(), 0) << err_.str();
  EXPECT_EQ(Lines(), (LineList{"+ other (created)", "- schedule shop-worker-1 (deleted)",
                               "- sqs orders -> worker (deleted)",
                               "- async-config worker (deleted)", "- worker (deleted)",
                               "- queue orders (deleted)", "- queue orders-dlq (deleted)"}));
  EXPECT_TRUE(server_.mappings.empty());
  EXPECT_TRUE(server_.schedules.empty());
  EXPECT_TRUE(server_.asyncs.empty());
  EXPECT_EQ(server_.queues.size(), 1u);
  EXPECT_EQ(server_.queues.count("by-hand"), 1u);
}

TEST_F(ProjectEventDeployTest, DryRunPrintsThePlanAndOnlyReads) {
  ASSERT_EQ(Deploy(/*dry_run=*/true), 0) << err_.str();
  EXPECT_EQ(
      Lines(),
      (LineList{"+ queue orders-dlq (created)", "+ queue orders (created)", "+ worker (created)",
                "+ async-config worker (created)", "+ sqs orders -> worker (created)",
                "+ schedule shop-worker-1 (created)", "dry run: nothing was changed"}));
  EXPECT_EQ(server_.Writes(), LineList{});
  EXPECT_TRUE(server_.queues.empty());
}

TEST_F(ProjectEventDeployTest, QueueOfTheSameNameOutsideTheProjectIsRefused) {
  server_.queues["orders"].tags["kumo-project"] = "blog";
  EXPECT_EQ(Deploy(), 1);
  EXPECT_EQ(err_.str(),
            "kumo: queue \"orders\" already exists and is not part of project \"shop\" (it has no "
            "tag kumo-project=shop); rename the queue in the file or delete the existing one\n");
  EXPECT_EQ(server_.Writes(), LineList{});
}

TEST_F(ProjectEventDeployTest, ScheduleRefusedByTheServerPointsAtTheFile) {
  std::string text = kProject;
  text.replace(text.find("rate(1 minute)"), 14, "rate(0 minutes)");
  dir_.Write("kumo.yaml", text);
  EXPECT_EQ(Deploy(), 1);
  EXPECT_EQ(err_.str(), "kumo: " + (dir_.path() / "kumo.yaml").string() +
                            ":16:26: schedule shop-worker-1: ScheduleExpression: rate must be at "
                            "least 1 (ValidationException)\n");
}

TEST_F(ProjectEventDeployTest, ArnsUseTheServersRegion) {
  server_.region = "eu-west-1";  // learnt from the FunctionArn of the function just created
  ASSERT_EQ(Deploy(), 0) << err_.str();
  EXPECT_EQ(server_.mappings.begin()->second.at("EventSourceArn"),
            "arn:aws:sqs:eu-west-1:000000000000:orders");
  std::vector<std::string> reads;
  for (const std::string& line : server_.sent) {
    if (line == "GET /2015-03-31/functions/worker") reads.push_back(line);
  }
  EXPECT_EQ(reads.size(), 1u);
  ASSERT_EQ(Deploy(), 0) << err_.str();  // now learnt from the listing
  EXPECT_EQ(server_.Writes(), LineList{});
}

}  // namespace
}  // namespace kumo::cli
