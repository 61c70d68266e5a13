// Planning a project deploy: create, update (each kind of change), unchanged, delete, functions
// outside the project, routes that move between functions, and the gateway settings.

#include "cli/project_plan.h"

#include <gtest/gtest.h>

namespace kumo::cli {
namespace {

FunctionSpec Function(std::string name) {
  FunctionSpec spec;
  spec.name = std::move(name);
  spec.runtime = "python3.12";
  spec.handler = "app.handler";
  spec.routes = {{"GET /" + spec.name, "none", std::nullopt}};
  return spec;
}

// The server's view of `spec` as deployed by project `project` with code `sha`.
DeployedFunction Deployed(const std::string& project, const FunctionSpec& spec,
                          const std::string& sha) {
  DeployedFunction d;
  d.name = spec.name;
  d.description = DescriptionFor(project, spec);
  d.runtime = spec.runtime;
  d.handler = spec.handler;
  d.memory_mb = spec.memory_mb;
  d.timeout_s = spec.timeout_s;
  d.environment = spec.environment;
  d.code_sha256 = sha;
  d.reserved_concurrency = spec.reserved_concurrency;
  d.keep_alive_s = spec.keep_alive_s;
  d.routes = spec.routes;
  return d;
}

class ProjectPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    project_.name = "shop";
    project_.functions = {Function("cart"), Function("items")};
    hashes_ = {{"cart", "C="}, {"items", "I="}};
    for (const FunctionSpec& f : project_.functions) {
      server_.functions.push_back(Deployed("shop", f, hashes_[f.name]));
    }
  }
  std::vector<std::string> Lines() {
    Result<Plan> plan = MakePlan(project_, hashes_, server_);
    EXPECT_TRUE(plan.ok()) << plan.error().message;
    std::vector<std::string> lines;
    if (!plan.ok()) return lines;
    for (const GatewayStep& step : plan->gateway) lines.push_back(StepLine(step));
    for (const FunctionStep& step : plan->functions) lines.push_back(StepLine(step));
    return lines;
  }
  ProjectSpec project_;
  std::map<std::string, std::string> hashes_;
  ServerSnapshot server_;
};

using LineList = std::vector<std::string>;

TEST_F(ProjectPlanTest, SameAsServerIsUnchanged) {
  EXPECT_EQ(Lines(), (LineList{"= cart (unchanged)", "= items (unchanged)"}));
}

TEST_F(ProjectPlanTest, MissingFunctionsAreCreated) {
  server_.functions.clear();
  EXPECT_EQ(Lines(), (LineList{"+ cart (created)", "+ items (created)"}));
}

TEST_F(ProjectPlanTest, EachKindOfChangeIsNamed) {
  hashes_["items"] = "NEW=";
  EXPECT_EQ(Lines()[1], "~ items (code)");
  project_.functions[1].memory_mb = 512;
  project_.functions[1].environment = {{"A", "1"}};
  EXPECT_EQ(Lines()[1], "~ items (code, configuration)");
  project_.functions[1].reserved_concurrency = 2;
  project_.functions[1].keep_alive_s = 60;
  project_.functions[1].routes[0].auth = "api_key";
  EXPECT_EQ(Lines()[1], "~ items (code, configuration, concurrency, keepAlive, routes)");
  EXPECT_EQ(Lines()[0], "= cart (unchanged)");
}

TEST_F(ProjectPlanTest, DescriptionAndRateLimitChangesAreSeen) {
  project_.functions[0].description = "the cart";
  EXPECT_EQ(Lines()[0], "~ cart (configuration)");
  project_.functions[1].routes[0].rate_limit = RateLimitSpec{5, 10};
  EXPECT_EQ(Lines()[1], "~ items (routes)");
}

TEST_F(ProjectPlanTest, RemovedFunctionsOfTheProjectAreDeletedOthersNever) {
  FunctionSpec old = Function("old");
  server_.functions.push_back(Deployed("shop", old, "O="));
  server_.functions.push_back(Deployed("another-project", Function("stranger"), "S="));
  DeployedFunction by_hand = Deployed("shop", Function("manual"), "M=");
  by_hand.description = "made by hand, mentions kumo-project:shop later";
  server_.functions.push_back(by_hand);
  EXPECT_EQ(Lines(), (LineList{"= cart (unchanged)", "= items (unchanged)", "- old (deleted)"}));
}

TEST_F(ProjectPlanTest, FunctionOutsideTheProjectWithTheSameNameIsAConflict) {
  server_.functions[1].description = "kumo-project:other";
  Result<Plan> plan = MakePlan(project_, hashes_, server_);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().message,
            "function \"items\" already exists and is not part of project \"shop\" (its "
            "description does not start with kumo-project:shop); rename the function in the file "
            "or delete the existing one");
  server_.functions[1].description = "";
  EXPECT_FALSE(MakePlan(project_, hashes_, server_).ok());
}

TEST_F(ProjectPlanTest, TagAndUserDescription) {
  FunctionSpec spec = Function("x");
  EXPECT_EQ(DescriptionFor("shop", spec), "kumo-project:shop");
  spec.description = "hello";
  EXPECT_EQ(DescriptionFor("shop", spec), "kumo-project:shop hello");
  EXPECT_TRUE(BelongsTo("kumo-project:shop hello", "shop"));
  EXPECT_TRUE(BelongsTo("kumo-project:shop", "shop"));
  EXPECT_FALSE(BelongsTo("kumo-project:shopping", "shop"));
  EXPECT_FALSE(BelongsTo("", "shop"));
}

TEST_F(ProjectPlanTest, RouteMovingToAnotherFunctionIsReleasedFirst) {
  // GET /items moves from items to cart; items keeps its other route.
  project_.functions[1].routes = {{"GET /other", "none", std::nullopt}};
  server_.functions[1].routes = {{"GET /items", "none", std::nullopt},
                                 {"GET /other", "none", std::nullopt}};
  project_.functions[0].routes.push_back({"GET /items", "none", std::nullopt});
  std::sort(project_.functions[0].routes.begin(), project_.functions[0].routes.end(),
            [](const RouteSpec& a, const RouteSpec& b) { return a.route_key < b.route_key; });
  Result<Plan> plan = MakePlan(project_, hashes_, server_);
  ASSERT_TRUE(plan.ok());
  EXPECT_FALSE(plan->functions[0].release_routes);
  ASSERT_TRUE(plan->functions[1].release_routes);
  EXPECT_EQ(*plan->functions[1].release_routes,
            (std::vector<RouteSpec>{{"GET /other", "none", std::nullopt}}));
  EXPECT_EQ(StepLine(plan->functions[0]), "~ cart (routes)");
  EXPECT_EQ(StepLine(plan->functions[1]), "~ items (routes)");
}

TEST_F(ProjectPlanTest, RouteOfADeletedFunctionTakenOverIsReleased) {
  FunctionSpec old = Function("old");
  server_.functions.push_back(Deployed("shop", old, "O="));
  project_.functions[0].routes.push_back({"GET /old", "none", std::nullopt});
  Result<Plan> plan = MakePlan(project_, hashes_, server_);
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->functions.size(), 3u);
  EXPECT_EQ(plan->functions[2].kind, FunctionStep::Kind::kDelete);
  ASSERT_TRUE(plan->functions[2].release_routes);
  EXPECT_TRUE(plan->functions[2].release_routes->empty());
}

TEST_F(ProjectPlanTest, CorsIsComparedAsSetsAndLeftAloneWhenNotInTheFile) {
  EXPECT_EQ(Lines().size(), 2u);  // no cors in the file: no step, whatever the server has
  project_.cors = CorsSpec{{"*"}, {"GET", "POST"}, {"Content-Type"}, {}, false, 600};
  EXPECT_EQ(Lines()[0], "+ cors (created)");
  server_.cors = CorsSpec{{"*"}, {"post", "GET"}, {"content-type"}, {}, false, 600};
  EXPECT_EQ(Lines()[0], "= cors (unchanged)");
  server_.cors->max_age = 60;
  EXPECT_EQ(Lines()[0], "~ cors (updated)");
  server_.cors->max_age = 600;
  server_.cors->allow_origins = {"https://a.example"};
  EXPECT_EQ(Lines()[0], "~ cors (updated)");
}

TEST_F(ProjectPlanTest, Authorizers) {
  project_.authorizers = {AuthorizerSpec{"jwks", "https://i", {"api"}, "", "/keys.json"},
                          AuthorizerSpec{"main", "https://i", {"api"}, "secret", ""}};
  EXPECT_EQ(Lines()[0], "+ authorizer jwks (created)");
  EXPECT_EQ(Lines()[1], "+ authorizer main (created)");
  server_.authorizers = {DeployedAuthorizer{"jwks", "https://i", {"api"}, "/keys.json"},
                         DeployedAuthorizer{"main", "https://i", {"api"}, ""}};
  EXPECT_EQ(Lines()[0], "= authorizer jwks (unchanged)");
  EXPECT_EQ(Lines()[1], "~ authorizer main (secret sent again: the server does not show secrets)");
  server_.authorizers[0].audience = {"other"};
  EXPECT_EQ(Lines()[0], "~ authorizer jwks (updated)");
}

}  // namespace
}  // namespace kumo::cli
