#include "dispatch/error_document.h"

#include <gtest/gtest.h>

#include "dispatch/runtimes.h"

namespace kumo::dispatch {
namespace {

TEST(ErrorDocumentTest, KeepsLambdaShape) {
  std::string doc = NormalizeErrorDocument(
      R"({"errorMessage":"boom","errorType":"ValueError","stackTrace":["a","b"]})", "");
  EXPECT_EQ(doc, R"({"errorMessage":"boom","errorType":"ValueError","stackTrace":["a","b"]})");
}

TEST(ErrorDocumentTest, TraceBecomesStackTraceAndHeaderTypeFillsIn) {
  std::string doc =
      NormalizeErrorDocument(R"({"errorMessage":"x","trace":"line1\nline2"})", "Runtime.Custom");
  EXPECT_EQ(doc, R"({"errorMessage":"x","errorType":"Runtime.Custom","stackTrace":["line1","line2"]})");
}

TEST(ErrorDocumentTest, PlainTextBodyBecomesMessage) {
  EXPECT_EQ(NormalizeErrorDocument("not json", ""),
            R"({"errorMessage":"not json","errorType":"Unhandled"})");
  EXPECT_EQ(ErrorTypeOf(MakeErrorDocument("A.B", "m")), "A.B");
  EXPECT_EQ(ErrorTypeOf("[]"), "");
}

TEST(RuntimesTest, KnowsLambdaNames) {
  EXPECT_EQ(LookupRuntime("python3.12")->family, RuntimeFamily::kPython);
  EXPECT_EQ(LookupRuntime("nodejs20.x")->argv[0], "/usr/bin/node");
  EXPECT_FALSE(LookupRuntime("provided.al2023")->needs_handler);
  EXPECT_FALSE(LookupRuntime("java21").has_value());
}

TEST(RuntimesTest, HttpRunsBootstrapOrTheHandlerCommandLine) {
  auto http = LookupRuntime("http");
  ASSERT_TRUE(http.has_value());
  EXPECT_EQ(http->family, RuntimeFamily::kHttp);
  EXPECT_FALSE(http->needs_handler);
  EXPECT_EQ(InstanceArgv(*http, ""), std::vector<std::string>{"/var/task/bootstrap"});
  EXPECT_EQ(InstanceArgv(*http, "exec node server.js"),
            (std::vector<std::string>{"/bin/sh", "-c", "exec node server.js"}));
  // Only http functions treat the Handler as a command line.
  EXPECT_EQ(InstanceArgv(*LookupRuntime("provided"), "x.y"),
            std::vector<std::string>{"/var/task/bootstrap"});
}

}  // namespace
}  // namespace kumo::dispatch
