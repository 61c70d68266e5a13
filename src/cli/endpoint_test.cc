#include "cli/endpoint.h"

#include <gtest/gtest.h>

namespace kumo::cli {
namespace {

TEST(ParseEndpointTest, HostAndPort) {
  Result<Endpoint> endpoint = ParseEndpoint("http://127.0.0.1:9000");
  ASSERT_TRUE(endpoint.ok()) << endpoint.error().message;
  EXPECT_EQ(endpoint->host, "127.0.0.1");
  EXPECT_EQ(endpoint->port, "9000");
  EXPECT_EQ(endpoint->base_path, "");
  EXPECT_EQ(endpoint->url, "http://127.0.0.1:9000");
}

TEST(ParseEndpointTest, DefaultPortAndTrailingSlash) {
  Result<Endpoint> endpoint = ParseEndpoint("http://kumo.internal/");
  ASSERT_TRUE(endpoint.ok()) << endpoint.error().message;
  EXPECT_EQ(endpoint->host, "kumo.internal");
  EXPECT_EQ(endpoint->port, "80");
  EXPECT_EQ(endpoint->base_path, "");
}

TEST(ParseEndpointTest, PathPrefixIsKeptWithoutTrailingSlash) {
  Result<Endpoint> endpoint = ParseEndpoint("http://proxy:8080/kumo/");
  ASSERT_TRUE(endpoint.ok()) << endpoint.error().message;
  EXPECT_EQ(endpoint->base_path, "/kumo");
}

TEST(ParseEndpointTest, BracketedIpv6) {
  Result<Endpoint> endpoint = ParseEndpoint("http://[::1]:9001");
  ASSERT_TRUE(endpoint.ok()) << endpoint.error().message;
  EXPECT_EQ(endpoint->host, "::1");
  EXPECT_EQ(endpoint->port, "9001");
}

TEST(ParseEndpointTest, RejectsBadInput) {
  for (const char* bad : {"", "127.0.0.1:9000", "https://x:443", "ftp://x", "http://", "http://:90",
                          "http://x:0", "http://x:65536", "http://x:12a", "http://x:", "http://[::1",
                          "http://[::1]x", "http://u@x:1", "http://x:1/p?q=1"}) {
    Result<Endpoint> endpoint = ParseEndpoint(bad);
    EXPECT_FALSE(endpoint.ok()) << bad;
    if (!endpoint.ok()) {
      EXPECT_NE(endpoint.error().message.find("bad endpoint"), std::string::npos) << bad;
    }
  }
}

TEST(ParseEndpointTest, HttpsSaysWhy) {
  Result<Endpoint> endpoint = ParseEndpoint("https://x:443");
  ASSERT_FALSE(endpoint.ok());
  EXPECT_NE(endpoint.error().message.find("https is not supported"), std::string::npos);
}

}  // namespace
}  // namespace kumo::cli
