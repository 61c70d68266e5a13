#include "gateway/route_table.h"

#include <gtest/gtest.h>

namespace kumo::gateway {
namespace {

RouteTable Table(const std::vector<std::string>& keys) {
  std::vector<RouteKey> parsed;
  for (const auto& k : keys) {
    auto r = ParseRouteKey(k);
    EXPECT_TRUE(r.ok()) << k << ": " << (r.ok() ? "" : r.error().message);
    parsed.push_back(*r);
  }
  return RouteTable(parsed);
}

TEST(RouteKeyTest, RejectsMalformedKeys) {
  EXPECT_FALSE(ParseRouteKey("GET").ok());
  EXPECT_FALSE(ParseRouteKey("FETCH /x").ok());
  EXPECT_FALSE(ParseRouteKey("GET x").ok());
  EXPECT_FALSE(ParseRouteKey("GET /a{id}").ok());
  EXPECT_FALSE(ParseRouteKey("GET /{p+}/more").ok());
  EXPECT_FALSE(ParseRouteKey("GET /{a}/{a}").ok());
  EXPECT_TRUE(ParseRouteKey("get /items/{id}").ok());
  EXPECT_TRUE(ParseRouteKey("$default").ok());
}

TEST(RouteTableTest, MostSpecificRouteWins) {
  RouteTable t = Table({"GET /items/{id}", "GET /items/special", "ANY /items/{id}",
                        "ANY /files/{path+}", "GET /files/readme", "POST /items", "$default"});
  auto m = t.Match("GET", "/items/42");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->index, 0u);
  EXPECT_EQ(m->path_parameters.at("id"), "42");
  EXPECT_EQ(t.Match("GET", "/items/special")->index, 1u);
  EXPECT_EQ(t.Match("DELETE", "/items/42")->index, 2u);
  auto files = t.Match("PUT", "/files/a/b/c.txt");
  ASSERT_TRUE(files);
  EXPECT_EQ(files->index, 3u);
  EXPECT_EQ(files->path_parameters.at("path"), "a/b/c.txt");
  EXPECT_EQ(t.Match("GET", "/files/readme")->index, 4u);
  EXPECT_EQ(t.Match("POST", "/items")->index, 5u);
  EXPECT_EQ(t.Match("GET", "/nothing/here")->index, 6u);  // $default
  EXPECT_EQ(t.Match("GET", "/files")->index, 6u);  // a greedy variable needs a segment
}

TEST(RouteTableTest, NoRouteWithoutDefault) {
  RouteTable t = Table({"GET /a"});
  EXPECT_FALSE(t.Match("POST", "/a"));
  EXPECT_FALSE(t.Match("GET", "/b"));
  EXPECT_TRUE(t.AnyMethodMatches("/a"));
  EXPECT_FALSE(t.AnyMethodMatches("/b"));
  EXPECT_TRUE(t.Match("GET", "/a/")) << "a trailing slash is the same path";
}

}  // namespace
}  // namespace kumo::gateway
