#include "cli/payload.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace kumo::cli {
namespace {

TEST(ResolvePayloadTest, EmptyMeansEmptyObject) {
  std::istringstream in;
  Result<std::string> payload = ResolvePayload("", in);
  ASSERT_TRUE(payload.ok());
  EXPECT_EQ(*payload, "{}");
}

TEST(ResolvePayloadTest, InlineJsonIsSentAsWritten) {
  std::istringstream in;
  Result<std::string> payload = ResolvePayload(R"({"a": [1, 2]})", in);
  ASSERT_TRUE(payload.ok());
  EXPECT_EQ(*payload, R"({"a": [1, 2]})");
}

TEST(ResolvePayloadTest, DashReadsAllOfStdin) {
  std::istringstream in("[\"from\",\n\"stdin\"]\n");
  Result<std::string> payload = ResolvePayload("-", in);
  ASSERT_TRUE(payload.ok());
  EXPECT_EQ(*payload, "[\"from\",\n\"stdin\"]\n");
}

TEST(ResolvePayloadTest, AtReadsFile) {
  char path[] = "/tmp/kumo_payload_XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  { std::ofstream(path) << R"({"file": true})"; }
  std::istringstream in;
  Result<std::string> payload = ResolvePayload(std::string("@").append(path), in);
  ::unlink(path);
  ASSERT_TRUE(payload.ok()) << payload.error().message;
  EXPECT_EQ(*payload, R"({"file": true})");
}

TEST(ResolvePayloadTest, MissingFileFails) {
  std::istringstream in;
  Result<std::string> payload = ResolvePayload("@/nonexistent/kumo/payload.json", in);
  ASSERT_FALSE(payload.ok());
  EXPECT_NE(payload.error().message.find("cannot read payload file"), std::string::npos);
}

TEST(ResolvePayloadTest, InvalidJsonFails) {
  std::istringstream in("{not json");
  for (const char* arg : {"{bad", "hello", "-"}) {
    Result<std::string> payload = ResolvePayload(arg, in);
    ASSERT_FALSE(payload.ok()) << arg;
    EXPECT_NE(payload.error().message.find("not valid JSON"), std::string::npos);
  }
}

}  // namespace
}  // namespace kumo::cli
