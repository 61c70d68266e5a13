#include "gateway/apigw_event.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace kumo::gateway {
namespace {
namespace json = boost::json;

net::HttpRequest Request() {
  net::HttpRequest req;
  req.method = "POST";
  req.target = "/items/42?a=1&b=x%20y&a=2";
  req.path = "/items/42";
  req.query = "a=1&b=x%20y&a=2";
  req.headers = {{"Host", "localhost:8080"}, {"X-Multi", "one"}, {"x-multi", "two"},
                 {"Cookie", "c1=v1; c2=v2"}, {"Content-Type", "application/json"},
                 {"User-Agent", "curl/8"}};
  req.body = R"({"k":"v"})";
  req.peer_ip = "127.0.0.1";
  return req;
}

TEST(ApigwEventTest, BuildsFormatTwoPointZero) {
  EventContext ctx;
  ctx.route_key = "POST /items/{id}";
  ctx.path_parameters = {{"id", "42"}};
  ctx.request_id = "rid";
  ctx.time_epoch_ms = 1583348638390;
  json::object e = json::parse(BuildEvent(Request(), ctx)).as_object();
  EXPECT_EQ(e["version"], "2.0");
  EXPECT_EQ(e["routeKey"], "POST /items/{id}");
  EXPECT_EQ(e["rawPath"], "/items/42");
  EXPECT_EQ(e["rawQueryString"], "a=1&b=x%20y&a=2");
  EXPECT_EQ(e["cookies"], json::parse(R"(["c1=v1","c2=v2"])"));
  EXPECT_EQ(e["headers"].as_object()["x-multi"], "one,two");
  EXPECT_FALSE(e["headers"].as_object().contains("cookie"));
  EXPECT_EQ(e["queryStringParameters"], json::parse(R"({"a":"1,2","b":"x y"})"));
  EXPECT_EQ(e["pathParameters"], json::parse(R"({"id":"42"})"));
  EXPECT_EQ(e["body"], R"({"k":"v"})");
  EXPECT_EQ(e["isBase64Encoded"], false);
  json::object& rc = e["requestContext"].as_object();
  EXPECT_EQ(rc["http"].as_object()["method"], "POST");
  EXPECT_EQ(rc["http"].as_object()["path"], "/items/42");
  EXPECT_EQ(rc["http"].as_object()["sourceIp"], "127.0.0.1");
  EXPECT_EQ(rc["http"].as_object()["userAgent"], "curl/8");
  EXPECT_EQ(rc["requestId"], "rid");
  EXPECT_EQ(rc["routeKey"], "POST /items/{id}");
  EXPECT_EQ(rc["stage"], "$default");
  EXPECT_EQ(rc["time"], "04/Mar/2020:19:03:58 +0000");
  EXPECT_EQ(rc["timeEpoch"], 1583348638390);
  EXPECT_EQ(rc["domainName"], "localhost:8080");
}

TEST(ApigwEventTest, BinaryBodiesAreBase64AndEmptyPartsAbsent) {
  net::HttpRequest req = Request();
  req.query.clear();
  req.target = "/items/42";
  req.headers = {{"Content-Type", "application/octet-stream"}};
  req.body = std::string("\x00\xff\x01", 3);
  json::object e = json::parse(BuildEvent(req, EventContext{})).as_object();
  EXPECT_EQ(e["body"], "AP8B");
  EXPECT_EQ(e["isBase64Encoded"], true);
  EXPECT_FALSE(e.contains("queryStringParameters"));
  EXPECT_FALSE(e.contains("pathParameters"));
  EXPECT_FALSE(e.contains("cookies"));
}

TEST(ApigwEventTest, MapsResults) {
  auto r = MapResult(R"({"statusCode":201,"headers":{"X-A":"b"},"cookies":["s=1"],"body":"hi"})");
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, "hi");
  EXPECT_EQ(net::FindHeader(r.headers, "X-A"), "b");
  EXPECT_EQ(net::FindHeader(r.headers, "Set-Cookie"), "s=1");
  auto b = MapResult(R"({"statusCode":200,"body":"aGk=","isBase64Encoded":true})");
  EXPECT_EQ(b.body, "hi");
  auto plain = MapResult(R"({"message":"no status"})");
  EXPECT_EQ(plain.status, 200);
  EXPECT_EQ(plain.body, R"({"message":"no status"})");
  EXPECT_EQ(net::FindHeader(plain.headers, "Content-Type"), "application/json");
  EXPECT_EQ(MapResult("\"text\"").body, "\"text\"");
  EXPECT_EQ(MapResult(R"({"statusCode":"x"})").status, 502);
  EXPECT_EQ(MapResult(R"({"statusCode":200,"body":"!!","isBase64Encoded":true})").status, 502);
}

}  // namespace
}  // namespace kumo::gateway
