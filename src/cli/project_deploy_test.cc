// `kumo deploy` of a project against an in-memory stand-in for kumo's API
// (project_fake_kumo_test_util.h), so repeated deploys see their own earlier effects.

#include "cli/project_deploy.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <sstream>

#include "cli/cli.h"
#include "cli/fake_http_server.h"
#include "cli/project_fake_kumo_test_util.h"
#include "cli/test_temp_dir.h"
#include "common/encoding.h"

namespace kumo::cli {
namespace {

namespace json = boost::json;

constexpr char kProject[] = R"(project: shop
functions:
  items:
    runtime: python3.12
    handler: app.handler
    code: items
    concurrency: 2
    events:
      - http: GET /items
      - http: {route: POST /items, auth: api_key}
  hello:
    runtime: python3.12
    handler: app.handler
    code: hello
    keepAlive: 1m
    events:
      - httpApi: GET /hello
cors: {allowOrigins: ['*'], allowMethods: [GET]}
)";

class ProjectDeployTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    dir_.Write("items/app.py", "def handler(e, c): return 1\n");
    dir_.Write("hello/app.py", "def handler(e, c): return 2\n");
    dir_.Write("kumo.yaml", kProject);
  }
  // Runs a deploy; returns its exit code and keeps what it printed.
  int Deploy(bool dry_run = false) {
    std::istringstream in;
    out_.str("");
    err_.str("");
    server_.sent.clear();
    ProjectDeployArgs args{(dir_.path() / "kumo.yaml").string(), dry_run};
    return DeployProject(server_, args, ProcessEnv, Io{in, out_, err_});
  }
  TempDir dir_;
  FakeKumo server_;
  std::ostringstream out_, err_;
};

TEST_F(ProjectDeployTest, FirstDeployCreatesEverythingSecondChangesNothing) {
  ASSERT_EQ(Deploy(), 0) << err_.str();
  EXPECT_EQ(out_.str(), "+ cors (created)\n+ hello (created)\n+ items (created)\n");
  ASSERT_EQ(server_.functions.size(), 2u);
  const FakeKumo::Function& items = server_.functions.at("items");
  EXPECT_EQ(items.config.at("Description"), "kumo-project:shop");
  EXPECT_EQ(items.reserved, 2);
  EXPECT_EQ(
      json::serialize(items.routes),
      R"([{"RouteKey":"GET /items","Auth":"none"},{"RouteKey":"POST /items","Auth":"api_key"}])");
  EXPECT_EQ(server_.functions.at("hello").keep_alive, 60);
  ASSERT_TRUE(server_.cors);
  EXPECT_EQ(server_.cors->at("AllowMethods"), json::array{"GET"});

  ASSERT_EQ(Deploy(), 0) << err_.str();
  EXPECT_EQ(out_.str(), "= cors (unchanged)\n= hello (unchanged)\n= items (unchanged)\n");
  EXPECT_EQ(server_.Writes(), std::vector<std::string>{});
}

TEST_F(ProjectDeployTest, ChangedCodeUpdatesOnlyThatFunctionsCode) {
  ASSERT_EQ(Deploy(), 0) << err_.str();
  dir_.Write("hello/app.py", "def handler(e, c): return 3\n");
  ASSERT_EQ(Deploy(), 0) << err_.str();
  EXPECT_EQ(out_.str(), "= cors (unchanged)\n~ hello (code)\n= items (unchanged)\n");
  EXPECT_EQ(server_.Writes(), std::vector<std::string>{"PUT /2015-03-31/functions/hello/code"});
}

TEST_F(ProjectDeployTest, RemovedSettingsAndFunctionsAreUndone) {
  ASSERT_EQ(Deploy(), 0) << err_.str();
  dir_.Write("kumo.yaml", R"(project: shop
functions:
  items:
    runtime: python3.12
    handler: app.handler
    code: items
    memory: 256
    events:
      - http: GET /items
)");
  ASSERT_EQ(Deploy(), 0) << err_.str();
  EXPECT_EQ(out_.str(), "~ items (configuration, concurrency, routes)\n- hello (deleted)\n");
  EXPECT_EQ(server_.Writes(),
            (std::vector<std::string>{"PUT /2015-03-31/functions/items/configuration",
                                      "DELETE /2017-10-31/functions/items/concurrency",
                                      "PUT /kumo/v1/functions/items/routes",
                                      "DELETE /2015-03-31/functions/hello"}));
  EXPECT_FALSE(server_.functions.at("items").reserved);
  EXPECT_EQ(server_.functions.count("hello"), 0u);
  EXPECT_TRUE(server_.cors);  // no longer in the file: left as it was
}

TEST_F(ProjectDeployTest, DryRunPrintsThePlanAndOnlyReads) {
  ASSERT_EQ(Deploy(/*dry_run=*/true), 0) << err_.str();
  EXPECT_EQ(
      out_.str(),
      "+ cors (created)\n+ hello (created)\n+ items (created)\ndry run: nothing was changed\n");
  EXPECT_EQ(server_.Writes(), std::vector<std::string>{});
  EXPECT_TRUE(server_.functions.empty());
}

TEST_F(ProjectDeployTest, FunctionsOutsideTheProjectAreNeverTouched) {
  server_.functions["items"].config =
      json::object{{"FunctionName", "items"}, {"Description", "deployed by hand"}};
  server_.functions["other"].config =
      json::object{{"FunctionName", "other"}, {"Description", "kumo-project:blog"}};
  EXPECT_EQ(Deploy(), 1);
  EXPECT_EQ(err_.str(),
            "kumo: function \"items\" already exists and is not part of project \"shop\" (its "
            "description does not start with kumo-project:shop); rename the function in the file "
            "or delete the existing one\n");
  EXPECT_EQ(server_.Writes(), std::vector<std::string>{});
}

TEST_F(ProjectDeployTest, BrokenFileFailsWithItsLineBeforeAnyRequest) {
  dir_.Write("kumo.yaml", "functions:\n  items:\n    runtime: python3.12\n    timeout: never\n");
  EXPECT_EQ(Deploy(), 1);
  EXPECT_EQ(err_.str(), "kumo: " + (dir_.path() / "kumo.yaml").string() +
                            ":4:14: timeout must be a whole number of seconds between 1 and 900\n");
  EXPECT_TRUE(server_.sent.empty());
}

TEST_F(ProjectDeployTest, ServerRefusalStopsWithOneLine) {
  server_.refuse_routes = true;
  EXPECT_EQ(Deploy(), 1);
  EXPECT_EQ(err_.str(),
            "kumo: route GET /hello is used by function other (ResourceConflictException)\n");
  EXPECT_EQ(out_.str(), "+ cors (created)\n");  // lines only for steps that were done
}

// The command line routes to project mode without --name, through the real HTTP client.
TEST_F(ProjectDeployTest, CommandLineRoutesFolderWithoutNameToTheProject) {
  FakeHttpServer http([](const SeenRequest& request) {
    if (request.target.rfind("/2015-03-31/functions/?", 0) == 0) {
      return ScriptedReply{200, {}, R"({"Functions":[]})"};
    }
    if (request.target.rfind("/schedules", 0) == 0) {
      return ScriptedReply{200, {}, R"({"Schedules":[]})"};
    }
    return ScriptedReply{200, {}, "{}"};  // CORS: none set; SQS ListQueues: no queues
  });
  auto run = [&](const std::vector<std::string>& args) {
    std::istringstream in;
    out_.str("");
    err_.str("");
    return kumo::cli::Run(args, Io{in, out_, err_}, http.url());
  };
  EXPECT_EQ(run({"deploy", dir_.path().string(), "--dry-run"}), 0) << err_.str();
  EXPECT_EQ(
      out_.str(),
      "+ cors (created)\n+ hello (created)\n+ items (created)\ndry run: nothing was changed\n");
  for (const SeenRequest& request : http.requests()) {
    auto target = request.headers.find("x-amz-target");
    bool sqs_read = target != request.headers.end() && target->second == "AmazonSQS.ListQueues";
    EXPECT_TRUE(request.method == "GET" || sqs_read) << request.method << " " << request.target;
  }

  EXPECT_EQ(run({"deploy", "--file", (dir_.path() / "kumo.yaml").string(), "--dry-run"}), 0)
      << err_.str();
  EXPECT_EQ(run({"deploy", dir_.path().string(), "--memory", "256"}), 1);
  EXPECT_EQ(err_.str(),
            "kumo: --memory is for one function (with --name); a project sets it in kumo.yaml\n");
  EXPECT_EQ(run({"deploy", (dir_.path() / "items").string()}), 1);
  EXPECT_EQ(err_.str(),
            "kumo: no project file " + (dir_.path() / "items").string() + "/kumo.yaml\n");
  EXPECT_EQ(run({"deploy", "--name", "f", "--runtime", "provided"}), 1);
  EXPECT_EQ(err_.str(), "kumo: kumo deploy --name needs the function's folder\n");
  EXPECT_EQ(
      run({"deploy", dir_.path().string(), "--name", "f", "--runtime", "provided", "--dry-run"}),
      1);
  EXPECT_EQ(err_.str(),
            "kumo: --file and --dry-run are for projects (kumo.yaml), not with --name\n");
}

}  // namespace
}  // namespace kumo::cli
