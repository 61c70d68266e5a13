// kumo.yaml parsing: the accepted spellings, ${env:} substitution, and every kind of mistake
// reported with its line and column.

#include "cli/project_file.h"

#include <gtest/gtest.h>

#include "cli/project_events.h"
#include "cli/test_temp_dir.h"

namespace kumo::cli {
namespace {

std::optional<std::string> FakeEnv(const std::string& name) {
  if (name == "JWT_SECRET") return std::string("s3cret");
  if (name == "STAGE") return std::string("dev");
  return std::nullopt;
}

class ProjectFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    dir_.Write("items/app.py", "x");
    dir_.Write("hello/app.py", "x");
  }
  Result<ProjectSpec> Parse(const std::string& text) {
    return ParseProject(text, "kumo.yaml", dir_.path(), FakeEnv);
  }
  // The error line of a file that must fail.
  std::string ErrorOf(const std::string& text) {
    Result<ProjectSpec> project = Parse(text);
    EXPECT_FALSE(project.ok());
    return project.ok() ? "" : project.error().message;
  }
  TempDir dir_;
};

constexpr char kFull[] = R"(project: shop
functions:
  items:
    runtime: python3.11
    handler: app.handler
    code: ./items
    memory: 256
    timeout: 5
    description: the items API
    environment: {TABLE: items, STAGE: "${env:STAGE}", LIMIT: 10}
    concurrency: 5
    keepAlive: 90s
    events:
      - http: GET /items/{id}
      - http: {route: POST /items, auth: api_key, rateLimit: {rps: 10, burst: 20}}
      - httpApi: 'delete /items/{id}'
      - httpApi: {method: get, path: /items}
      - http: {path: 'admin/{proxy+}', method: '*', private: true}
  hello:
    runtime: python3.12
    handler: app.handler
    code: hello
    events:
      - httpApi: '*'
      - httpApi: {method: get, path: /secure, authorizer: {name: main}}
cors:
  allowedOrigins: ['*']
  allowMethods: [get, POST]
  allowHeaders: content-type
  maxAge: 600
authorizers:
  main: {issuer: https://issuer.example, audience: [my-api], hs256Secret: '${env:JWT_SECRET}'}
)";

TEST_F(ProjectFileTest, ParsesEverySpelling) {
  Result<ProjectSpec> project = Parse(kFull);
  ASSERT_TRUE(project.ok()) << project.error().message;
  EXPECT_EQ(project->name, "shop");
  ASSERT_EQ(project->functions.size(), 2u);
  const FunctionSpec& hello = project->functions[0];  // sorted by name
  const FunctionSpec& items = project->functions[1];
  EXPECT_EQ(items.name, "items");
  EXPECT_EQ(items.runtime, "python3.11");
  EXPECT_EQ(items.code_dir, dir_.path() / "items");
  EXPECT_EQ(items.memory_mb, 256);
  EXPECT_EQ(items.timeout_s, 5);
  EXPECT_EQ(items.description, "the items API");
  EXPECT_EQ(items.environment, (std::map<std::string, std::string>{
                                   {"TABLE", "items"}, {"STAGE", "dev"}, {"LIMIT", "10"}}));
  EXPECT_EQ(items.reserved_concurrency, 5);
  EXPECT_EQ(items.keep_alive_s, 90);
  std::vector<RouteSpec> expected = {
      {"ANY /admin/{proxy+}", "api_key", std::nullopt},
      {"DELETE /items/{id}", "none", std::nullopt},
      {"GET /items", "none", std::nullopt},
      {"GET /items/{id}", "none", std::nullopt},
      {"POST /items", "api_key", RateLimitSpec{10, 20}},
  };
  EXPECT_EQ(items.routes, expected);
  EXPECT_EQ(hello.memory_mb, 128);  // Lambda's defaults for what the file leaves out
  EXPECT_EQ(hello.timeout_s, 3);
  EXPECT_FALSE(hello.reserved_concurrency);
  EXPECT_EQ(hello.routes, (std::vector<RouteSpec>{{"$default", "none", std::nullopt},
                                                  {"GET /secure", "jwt:main", std::nullopt}}));
  ASSERT_TRUE(project->cors);
  EXPECT_EQ(project->cors->allow_origins, std::vector<std::string>{"*"});
  EXPECT_EQ(project->cors->allow_methods, (std::vector<std::string>{"GET", "POST"}));
  EXPECT_EQ(project->cors->allow_headers, std::vector<std::string>{"content-type"});
  EXPECT_EQ(project->cors->max_age, 600);
  ASSERT_EQ(project->authorizers.size(), 1u);
  EXPECT_EQ(project->authorizers[0].name, "main");
  EXPECT_EQ(project->authorizers[0].hs256_secret, "s3cret");
  EXPECT_EQ(project->authorizers[0].audience, std::vector<std::string>{"my-api"});
}

TEST_F(ProjectFileTest, ProjectNameDefaultsToTheFolder) {
  Result<ProjectSpec> project =
      Parse("functions:\n  items: {runtime: provided.al2023, code: items}\n");
  ASSERT_TRUE(project.ok()) << project.error().message;
  EXPECT_EQ(project->name, dir_.path().filename().string());
  EXPECT_EQ(project->functions[0].handler, "");  // optional for provided runtimes
}

TEST_F(ProjectFileTest, UnknownKeyNamesTheKeyItsPlaceAndTheExpectedOnes) {
  EXPECT_EQ(ErrorOf("functions:\n"
                    "  items:\n"
                    "    runtime: python3.11\n"
                    "    handler: app.handler\n"
                    "    code: ./items\n"
                    "\n"
                    "    memroy: 256\n"),
            "kumo.yaml:7:5: unknown key \"memroy\" in function \"items\" (expected one of: "
            "runtime, handler, code, memory, timeout, environment, concurrency, keepAlive, events, "
            "description, maximumRetryAttempts, maximumEventAge, destinations)");
  EXPECT_EQ(ErrorOf("functoins: {}\n"),
            "kumo.yaml:1:1: unknown key \"functoins\" at the top level (expected one of: project, "
            "service, functions, queues, cors, authorizers)");
  EXPECT_EQ(ErrorOf("functions: {}\ncors: {allowOrigin: ['*']}\n"),
            "kumo.yaml:2:8: unknown key \"allowOrigin\" in cors (expected one of: allowOrigins, "
            "allowMethods, allowHeaders, exposeHeaders, allowCredentials, maxAge, allowedOrigins, "
            "allowedMethods, allowedHeaders, exposedResponseHeaders)");
}

TEST_F(ProjectFileTest, BadValuesPointAtTheValue) {
  const std::string head =
      "functions:\n  items:\n    runtime: python3.11\n    handler: a.b\n"
      "    code: items\n";
  EXPECT_EQ(ErrorOf(head + "    timeout: 5.5\n"),
            "kumo.yaml:6:14: timeout must be a whole number of seconds between 1 and 900");
  EXPECT_EQ(ErrorOf(head + "    timeout: 901\n"),
            "kumo.yaml:6:14: timeout must be a whole number of seconds between 1 and 900");
  EXPECT_EQ(ErrorOf(head + "    memory: 64\n"),
            "kumo.yaml:6:13: memory must be a whole number of MB from 128 to 10240");
  EXPECT_EQ(ErrorOf(head + "    keepAlive: soon\n"),
            "kumo.yaml:6:16: keepAlive must be a duration such as 90s, 15m or 2h (at most 7d; 0 "
            "for the server's default)");
  EXPECT_EQ(ErrorOf(head + "    timeout:\n"),
            "kumo.yaml:6:5: timeout must be a whole number of seconds between 1 and 900");
  EXPECT_EQ(ErrorOf(head + "    environment: {1X: a}\n"),
            "kumo.yaml:6:19: environment variable names use letters, digits and '_' and do not "
            "start with a digit");
  EXPECT_EQ(ErrorOf(head + "    code: nowhere\n"),
            "kumo.yaml:6:5: duplicate key \"code\" in function \"items\"");
}

TEST_F(ProjectFileTest, MissingSettingsAndBadNames) {
  EXPECT_EQ(ErrorOf("functions:\n  items: {handler: a.b, code: items}\n"),
            "kumo.yaml:2:3: function \"items\" needs runtime: (e.g. python3.12)");
  EXPECT_EQ(ErrorOf("functions:\n  items: {runtime: python3.12, code: items}\n"),
            "kumo.yaml:2:3: function \"items\" needs handler: (e.g. app.handler) for runtime "
            "python3.12");
  EXPECT_EQ(
      ErrorOf("functions:\n  items: {runtime: python3.12, handler: a.b}\n"),
      "kumo.yaml:2:3: function \"items\" needs code: (its folder, relative to the kumo.yaml)");
  EXPECT_EQ(ErrorOf("functions:\n  items: {runtime: python3.12, handler: a.b, code: ./gone}\n"),
            "kumo.yaml:2:52: code folder ./gone does not exist (expected a folder relative to the "
            "kumo.yaml)");
  EXPECT_EQ(ErrorOf("functions:\n  bad name: {runtime: provided, code: items}\n"),
            "kumo.yaml:2:3: function names use 1 to 64 letters, digits, '-' and '_' (got \"bad "
            "name\")");
  EXPECT_EQ(ErrorOf("project: a/b\nfunctions: {}\n"),
            "kumo.yaml:1:10: a project name uses 1 to 64 letters, digits, '.', '-' and '_'");
  EXPECT_EQ(ErrorOf("project: x\n"), "kumo.yaml:1:1: the file needs a functions: map");
}

TEST_F(ProjectFileTest, EventMistakes) {
  const std::string head =
      "functions:\n  items:\n    runtime: provided\n    code: items\n"
      "    events:\n";
  EXPECT_EQ(
      ErrorOf(head + "      - http: FETCH /items\n"),
      "kumo.yaml:6:15: unknown HTTP method \"FETCH\" (expected GET, POST, PUT, PATCH, DELETE, "
      "HEAD, OPTIONS, ANY or *)");
  EXPECT_EQ(ErrorOf(head + "      - http: GET /a/{rest+}/b\n"),
            "kumo.yaml:6:15: a greedy {name+} parameter must be the last path segment");
  EXPECT_EQ(ErrorOf(head + "      - http: GET /items\n      - httpApi: get /items/\n"),
            "kumo.yaml:7:9: route \"GET /items\" is already used by function \"items\"");
  EXPECT_EQ(ErrorOf(head + "      - sqs: queue\n"),
            "kumo.yaml:6:14: unknown queue \"queue\" (queues of this file: none; or give an "
            "arn:aws:sqs:... ARN)");
  EXPECT_EQ(ErrorOf(head + "      - http: {route: GET /x, auth: token}\n"),
            "kumo.yaml:6:37: auth must be none, api_key or jwt:<authorizer name>");
  EXPECT_EQ(ErrorOf(head + "      - http: {route: GET /x, rateLimit: {rps: 0}}\n"),
            "kumo.yaml:6:48: rps must be a positive number");
  EXPECT_EQ(ErrorOf(head + "      - http: {path: /x}\n"),
            "kumo.yaml:6:15: an http event with a path needs a method");
}

TEST_F(ProjectFileTest, EnvSubstitution) {
  const std::string head = "functions:\n  items:\n    runtime: provided\n    code: items\n";
  Result<ProjectSpec> ok = Parse(head + "    environment: {A: 'x-${env:STAGE}-${env:STAGE}'}\n");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->functions[0].environment.at("A"), "x-dev-dev");
  EXPECT_EQ(ErrorOf(head + "    environment: {A: '${env:NOPE}'}\n"),
            "kumo.yaml:5:22: environment variable NOPE is not set (used as ${env:NOPE})");
  EXPECT_EQ(ErrorOf(head + "    environment: {A: '${self:custom.x}'}\n"),
            "kumo.yaml:5:22: unsupported variable \"${self:custom.x}\" (only ${env:NAME} is "
            "supported, NAME an environment variable)");
}

TEST_F(ProjectFileTest, SyntaxErrorsCarryTheirPosition) {
  std::string error = ErrorOf("functions:\n  items: [1,\n  other: }\n");
  EXPECT_EQ(error.rfind("kumo.yaml:3:", 0), 0u) << error;
}

TEST_F(ProjectFileTest, UnquotedBracesInAFlowMapGetAHint) {
  EXPECT_EQ(ErrorOf("functions:\n  f:\n    runtime: provided\n    code: items\n    events:\n"
                    "      - http: {route: GET /items/{id}, auth: api_key}\n"),
            "kumo.yaml:6:34: end of map flow not found (inside {...}, quote values that contain "
            "braces: {route: 'GET /items/{id}'})");
}

TEST_F(ProjectFileTest, AuthorizersNeedOneKeySource) {
  EXPECT_EQ(ErrorOf("functions: {}\nauthorizers:\n  main: {issuer: i, audience: a}\n"),
            "kumo.yaml:3:3: authorizer \"main\" needs exactly one of hs256Secret: and jwksFile:");
  EXPECT_EQ(ErrorOf("functions: {}\nauthorizers:\n  main: {issuer: i, audience: a, jwksFile: k}\n"),
            "kumo.yaml:3:44: jwksFile k does not exist");
}

TEST(RouteKeyTest, Normalizes) {
  EXPECT_EQ(*NormalizeRouteKey("get items/{id}"), "GET /items/{id}");
  EXPECT_EQ(*NormalizeRouteKey("*"), "$default");
  EXPECT_EQ(*NormalizeRouteKey("$default"), "$default");
  EXPECT_EQ(*NormalizeRouteKey("* /files/{path+}"), "ANY /files/{path+}");
  EXPECT_EQ(*NormalizeRouteKey("POST   /"), "POST /");
  EXPECT_FALSE(NormalizeRouteKey("GET").ok());
  EXPECT_FALSE(NormalizeRouteKey("GET /a//b").ok());
  EXPECT_FALSE(NormalizeRouteKey("GET /a/{b").ok());
  EXPECT_FALSE(NormalizeRouteKey("GET /a/x{b}").ok());
  EXPECT_FALSE(NormalizeRouteKey("GET /a?x=1").ok());
}

}  // namespace
}  // namespace kumo::cli
