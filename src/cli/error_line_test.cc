#include "cli/error_line.h"

#include <gtest/gtest.h>

#include "cli/commands.h"

namespace kumo::cli {
namespace {

HttpReply ErrorReply(int status, std::string type, std::string body) {
  HttpReply reply;
  reply.status = status;
  if (!type.empty()) reply.headers.emplace_back("x-amzn-errortype", std::move(type));
  reply.body = std::move(body);
  return reply;
}

TEST(ErrorLineTest, NotFoundNamesTheFunction) {
  HttpReply reply = ErrorReply(404, "ResourceNotFoundException",
                               R"({"Type":"User","Message":"Function not found: arn:..."})");
  EXPECT_EQ(DescribeErrorReply(reply, "foo"), "function \"foo\" not found");
  EXPECT_EQ(DescribeErrorReply(reply, ""), "Function not found: arn:... (ResourceNotFoundException)");
}

TEST(ErrorLineTest, MessageAndTypeFromLambdaError) {
  HttpReply reply = ErrorReply(409, "ResourceConflictException:http://internal",
                               R"({"Type":"User","Message":"Function already exist: f"})");
  EXPECT_EQ(DescribeErrorReply(reply, "f"), "Function already exist: f (ResourceConflictException)");
}

TEST(ErrorLineTest, FallsBackToStatusAndRawBody) {
  EXPECT_EQ(DescribeErrorReply(ErrorReply(502, "", "bad gateway\nupstream"), "f"),
            "bad gateway upstream (HTTP 502)");
  EXPECT_EQ(DescribeErrorReply(ErrorReply(500, "", ""), "f"), "HTTP 500");
  EXPECT_EQ(DescribeErrorReply(ErrorReply(429, "TooManyRequestsException", ""), "f"),
            "TooManyRequestsException (HTTP 429)");
  EXPECT_EQ(DescribeErrorReply(ErrorReply(500, "", std::string(300, 'x')), "f"), "HTTP 500");
}

TEST(ErrorLineTest, OneLine) { EXPECT_EQ(OneLine("a\nb\r\tc\n"), "a b  c"); }

TEST(IsoTimeTest, FormatsUtcWithMillis) {
  EXPECT_EQ(IsoTimeFromMillis(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(IsoTimeFromMillis(1764100000123), "2025-11-25T19:46:40.123Z");
  EXPECT_EQ(IsoTimeFromMillis(-1), "1969-12-31T23:59:59.999Z");
}

}  // namespace
}  // namespace kumo::cli
