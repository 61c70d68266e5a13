#include "cli/requests.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "common/encoding.h"

namespace kumo::cli {
namespace {

namespace json = boost::json;

std::string HeaderOf(const HttpRequest& request, const std::string& name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) return value;
  }
  return "<absent>";
}

DeploySpec FullSpec() {
  DeploySpec spec;
  spec.name = "hello";
  spec.runtime = "python3.12";
  spec.handler = "app.handler";
  spec.description = "says hi";
  spec.memory_mb = 256;
  spec.timeout_s = 10;
  spec.environment = std::map<std::string, std::string>{{"A", "1"}, {"B", "x=y"}};
  return spec;
}

TEST(RequestsTest, CreateFunctionCarriesEverySettingAndTheZip) {
  std::string zip("PK\x03\x04 binary \0 bytes", 20);
  HttpRequest request = CreateFunctionRequest(FullSpec(), zip);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/2015-03-31/functions");
  EXPECT_EQ(HeaderOf(request, "Content-Type"), "application/json");
  json::object body = json::parse(request.body).as_object();
  EXPECT_EQ(body["FunctionName"], "hello");
  EXPECT_EQ(body["Runtime"], "python3.12");
  EXPECT_EQ(body["Handler"], "app.handler");
  EXPECT_EQ(body["Description"], "says hi");
  EXPECT_EQ(body["MemorySize"], 256);
  EXPECT_EQ(body["Timeout"], 10);
  EXPECT_EQ(body["Environment"].at("Variables").at("B"), "x=y");
  std::optional<std::string> decoded =
      Base64Decode(std::string(body["Code"].at("ZipFile").as_string()));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, zip);
}

TEST(RequestsTest, UpdateConfigurationSendsOnlyWhatWasGiven) {
  DeploySpec spec;
  spec.name = "hello";
  spec.runtime = "provided.al2023";
  spec.timeout_s = 7;
  HttpRequest request = UpdateConfigurationRequest(spec);
  EXPECT_EQ(request.method, "PUT");
  EXPECT_EQ(request.target, "/2015-03-31/functions/hello/configuration");
  json::object body = json::parse(request.body).as_object();
  EXPECT_EQ(body.size(), 2u) << request.body;
  EXPECT_EQ(body["Runtime"], "provided.al2023");
  EXPECT_EQ(body["Timeout"], 7);
}

TEST(RequestsTest, EmptyEnvGivenClearsVariables) {
  DeploySpec spec;
  spec.name = "f";
  spec.runtime = "provided";
  spec.environment = std::map<std::string, std::string>{};
  json::object body = json::parse(UpdateConfigurationRequest(spec).body).as_object();
  ASSERT_TRUE(body.contains("Environment"));
  EXPECT_TRUE(body["Environment"].at("Variables").as_object().empty());
}

TEST(RequestsTest, UpdateCode) {
  HttpRequest request = UpdateCodeRequest("fn", "zipbytes");
  EXPECT_EQ(request.method, "PUT");
  EXPECT_EQ(request.target, "/2015-03-31/functions/fn/code");
  EXPECT_EQ(json::parse(request.body).at("ZipFile").as_string(), Base64Encode("zipbytes"));
}

TEST(RequestsTest, NamesArePercentEncodedInPaths) {
  EXPECT_EQ(FunctionPath("a-b_c.d~e"), "/2015-03-31/functions/a-b_c.d~e");
  EXPECT_EQ(GetFunctionRequest("arn:aws:x/y z").target,
            "/2015-03-31/functions/arn%3Aaws%3Ax%2Fy%20z");
  EXPECT_EQ(DeleteFunctionRequest("f").method, "DELETE");
}

TEST(RequestsTest, InvokeHeaders) {
  HttpRequest plain = InvokeRequest("f", "{\"k\":1}", false);
  EXPECT_EQ(plain.method, "POST");
  EXPECT_EQ(plain.target, "/2015-03-31/functions/f/invocations");
  EXPECT_EQ(plain.body, "{\"k\":1}");
  EXPECT_EQ(HeaderOf(plain, "X-Amz-Invocation-Type"), "RequestResponse");
  EXPECT_EQ(HeaderOf(plain, "X-Amz-Log-Type"), "<absent>");
  EXPECT_GE(plain.timeout, std::chrono::seconds(900));
  EXPECT_EQ(HeaderOf(InvokeRequest("f", "{}", true), "X-Amz-Log-Type"), "Tail");
}

TEST(RequestsTest, ListAndLogsQueries) {
  EXPECT_EQ(ListFunctionsRequest("", 50).target, "/2015-03-31/functions/?MaxItems=50");
  EXPECT_EQ(ListFunctionsRequest("m/1=", 10).target,
            "/2015-03-31/functions/?MaxItems=10&Marker=m%2F1%3D");
  EXPECT_EQ(LogsRequest("f", 0, 0, 1000).target, "/kumo/v1/functions/f/logs?after=0&limit=1000");
  HttpRequest poll = LogsRequest("f", 12, 20, 5);
  EXPECT_EQ(poll.target, "/kumo/v1/functions/f/logs?after=12&limit=5&wait=20");
  EXPECT_GT(poll.timeout, std::chrono::seconds(20));
}

TEST(RequestsTest, EnvAssignments) {
  Result<std::map<std::string, std::string>> env = ParseEnvAssignments({"A=1", "B=", "C=x=y"});
  ASSERT_TRUE(env.ok());
  EXPECT_EQ((*env)["A"], "1");
  EXPECT_EQ((*env)["B"], "");
  EXPECT_EQ((*env)["C"], "x=y");
  EXPECT_FALSE(ParseEnvAssignments({"NOEQUALS"}).ok());
  EXPECT_FALSE(ParseEnvAssignments({"=v"}).ok());
}

TEST(RequestsTest, ValidateDeploySpec) {
  EXPECT_TRUE(ValidateDeploySpec(FullSpec()).ok());
  DeploySpec no_handler = FullSpec();
  no_handler.handler.reset();
  Status status = ValidateDeploySpec(no_handler);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "--handler is required for runtime python3.12");
  no_handler.runtime = "provided.al2023";
  EXPECT_TRUE(ValidateDeploySpec(no_handler).ok());
  DeploySpec bad = FullSpec();
  bad.memory_mb = 64;
  EXPECT_FALSE(ValidateDeploySpec(bad).ok());
  bad = FullSpec();
  bad.timeout_s = 0;
  EXPECT_FALSE(ValidateDeploySpec(bad).ok());
}

}  // namespace
}  // namespace kumo::cli
