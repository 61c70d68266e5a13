// `kumo deploy` of a project against an in-memory stand-in for kumo's API that keeps functions,
// routes, concurrency, keep-alive and CORS, so repeated deploys see their own earlier effects.

#include "cli/project_deploy.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <sstream>

#include "cli/cli.h"
#include "cli/fake_http_server.h"
#include "cli/test_temp_dir.h"
#include "common/encoding.h"

namespace kumo::cli {
namespace {

namespace json = boost::json;

// A scripted kumo server: enough of the Lambda and gateway APIs for a project deploy.
class FakeKumo : public Transport {
 public:
  struct Function {
    json::object config;
    json::value routes = json::array();
    std::optional<int64_t> reserved;
    int64_t keep_alive = 0;
  };

  Result<HttpReply> Send(const HttpRequest& request) override {
    sent.push_back(request.method + " " + request.target);
    return Handle(request);
  }
  void CatchInterrupt() override {}
  bool Interrupted() const override { return false; }

  // The requests sent that change something.
  std::vector<std::string> Writes() const {
    std::vector<std::string> writes;
    for (const std::string& line : sent) {
      if (line.rfind("GET ", 0) != 0) writes.push_back(line);
    }
    return writes;
  }

  std::map<std::string, Function> functions;
  std::optional<json::object> cors;
  std::vector<std::string> sent;
  bool refuse_routes = false;  // answer PUT .../routes with 409, as for a route taken elsewhere

 private:
  static HttpReply Reply(int status, const json::value& body) {
    return HttpReply{status, {}, json::serialize(body)};
  }
  static HttpReply NotFound() {
    return HttpReply{404,
                     {{"X-Amzn-ErrorType", "ResourceNotFoundException"}},
                     R"({"Type":"User","Message":"Function not found"})"};
  }
  static std::string NameIn(const std::string& target, const std::string& prefix) {
    std::string rest = target.substr(prefix.size());
    return rest.substr(0, rest.find('/'));
  }

  void Configure(json::object& config, const json::object& body) {
    for (const char* key : {"Runtime", "Handler", "Description", "MemorySize", "Timeout"}) {
      if (body.contains(key)) config[key] = body.at(key);
    }
    if (body.contains("Environment")) config["Environment"] = body.at("Environment");
  }

  HttpReply Handle(const HttpRequest& request) {
    const std::string& m = request.method;
    const std::string& t = request.target;
    json::value body = request.body.empty() ? json::value() : json::parse(request.body);
    if (m == "GET" && t.rfind("/2015-03-31/functions/?", 0) == 0) {
      json::array list;
      for (const auto& [name, f] : functions) list.push_back(f.config);
      return Reply(200, json::object{{"Functions", list}});
    }
    if (m == "POST" && t == "/2015-03-31/functions") {
      json::object config{{"FunctionName", body.at("FunctionName")},
                          {"MemorySize", 128},
                          {"Timeout", 3},
                          {"Description", ""}};
      Configure(config, body.as_object());
      config["CodeSha256"] = Base64Encode(
          Sha256(Base64Decode(std::string(body.at("Code").at("ZipFile").as_string())).value()));
      functions[std::string(body.at("FunctionName").as_string())].config = config;
      return Reply(201, config);
    }
    if (t == "/kumo/v1/gateway/cors") {
      if (m == "PUT") cors = body.as_object();
      if (m == "GET" && !cors) return Reply(200, json::object());  // as kumo answers: {}
      return Reply(200, cors ? json::value(*cors) : json::value(json::object()));
    }
    std::string name;
    for (const char* prefix : {"/2015-03-31/functions/", "/2017-10-31/functions/",
                               "/2019-09-30/functions/", "/kumo/v1/functions/"}) {
      if (t.rfind(prefix, 0) == 0) name = NameIn(t, prefix);
    }
    auto it = functions.find(name);
    if (it == functions.end()) return NotFound();
    Function& f = it->second;
    std::string op = t.substr(t.find(name) + name.size());
    if (m == "DELETE" && op.empty()) {
      functions.erase(it);
      return HttpReply{204, {}, ""};
    }
    if (op == "/code") {
      f.config["CodeSha256"] =
          Base64Encode(Sha256(Base64Decode(std::string(body.at("ZipFile").as_string())).value()));
    }
    if (op == "/configuration") Configure(f.config, body.as_object());
    if (op == "/routes" && m == "PUT" && refuse_routes) {
      return HttpReply{409,
                       {{"X-Amzn-ErrorType", "ResourceConflictException"}},
                       R"({"Type":"User","Message":"route GET /hello is used by function other"})"};
    }
    if (op == "/routes" && m == "PUT") f.routes = body.at("Routes");
    if (op == "/routes") return Reply(200, json::object{{"Routes", f.routes}});
    if (op == "/settings" && m == "PUT") f.keep_alive = body.at("KeepAliveSeconds").as_int64();
    if (op == "/settings") return Reply(200, json::object{{"KeepAliveSeconds", f.keep_alive}});
    if (op == "/concurrency") {
      if (m == "PUT") f.reserved = body.at("ReservedConcurrentExecutions").as_int64();
      if (m == "DELETE") f.reserved.reset();
      json::object o;
      if (f.reserved) o["ReservedConcurrentExecutions"] = *f.reserved;
      return Reply(200, o);
    }
    return Reply(200, f.config);
  }
};

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
    return ScriptedReply{200, {}, "{}"};  // CORS: none set
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
  for (const SeenRequest& request : http.requests()) EXPECT_EQ(request.method, "GET");

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
