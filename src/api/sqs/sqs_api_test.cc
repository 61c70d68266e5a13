// SqsApi on plain HttpRequest values: which requests it claims, both protocols end to end over
// the in-memory store, and bodies that arrive as a stream.

#include "api/sqs/sqs_api.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/sqs/fake_queue_store_test_util.h"
#include "api/sqs/md5.h"

namespace kumo::api {
namespace {
namespace json = boost::json;

class SqsApiTest : public ::testing::Test {
 protected:
  net::HttpRequest Json(const std::string& action, const std::string& body) {
    net::HttpRequest req;
    req.method = "POST";
    req.target = req.path = "/";
    req.headers = {{"Host", "kumo.test:9000"},
                   {"Content-Type", "application/x-amz-json-1.0"},
                   {"X-Amz-Target", "AmazonSQS." + action}};
    req.body = body;
    return req;
  }
  net::HttpRequest Form(const std::string& path, const std::string& body) {
    net::HttpRequest req;
    req.method = "POST";
    req.target = req.path = path;
    req.headers = {{"Host", "kumo.test:9000"},
                   {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    req.body = body;
    return req;
  }
  // Hands `req` to the API; nullopt when it was not claimed. Runs the store's completions.
  std::optional<net::HttpResponse> Send(net::HttpRequest req) {
    auto out = std::make_shared<std::optional<net::HttpResponse>>();
    net::Responder respond = [out](net::HttpResponse r) { *out = std::move(r); };
    if (!api_.Handle(req, respond, "tester")) {
      EXPECT_TRUE(respond) << "a request it did not claim lost its responder";
      return std::nullopt;
    }
    store_.RunPending();
    EXPECT_TRUE(out->has_value()) << "claimed but not answered";
    return *out;
  }
  bool Claims(net::HttpRequest req) {
    net::Responder respond = [](net::HttpResponse) {};
    bool claimed = api_.Handle(req, respond, "tester");
    store_.RunPending();
    return claimed;
  }

  net::EventLoop loop_;
  sqs::FakeQueueStore store_;
  SqsApi api_{loop_, store_, "eu-west-1", "123456789012"};
};

TEST_F(SqsApiTest, ClaimsOnlySqsRequests) {
  EXPECT_TRUE(Claims(Json("ListQueues", "{}")));
  net::HttpRequest lambda = Json("ListQueues", "{}");
  lambda.headers[2].second = "AWSLambda.ListFunctions";
  EXPECT_FALSE(Claims(lambda));
  net::HttpRequest create_function = Form("/2015-03-31/functions", "");
  create_function.headers[1].second = "application/json";
  create_function.body = R"({"FunctionName": "f"})";
  EXPECT_FALSE(Claims(create_function));
  EXPECT_FALSE(Claims(Form("/2015-03-31/functions", "Action=ListQueues")));  // not an SQS path
  EXPECT_FALSE(Claims(Form("/", "NoAction=1")));
  EXPECT_TRUE(Claims(Form("/", "Action=ListQueues")));
  EXPECT_TRUE(Claims(Form("/123456789012/q", "Action=GetQueueAttributes")));
  net::HttpRequest get;
  get.method = "GET";
  get.target = "/?Action=ListQueues";
  get.path = "/";
  get.query = "Action=ListQueues";
  EXPECT_TRUE(Claims(get));
  get.query = "";
  EXPECT_FALSE(Claims(get));
}

TEST_F(SqsApiTest, JsonProtocolEndToEnd) {
  std::optional<net::HttpResponse> created = Send(Json("CreateQueue", R"({"QueueName": "q"})"));
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 200);
  EXPECT_EQ(net::FindHeader(created->headers, "Content-Type"), "application/x-amz-json-1.0");
  EXPECT_FALSE(net::FindHeader(created->headers, "x-amzn-RequestId").empty());
  std::string url = "http://kumo.test:9000/123456789012/q";
  EXPECT_EQ(json::parse(created->body).at("QueueUrl"), json::value(url));

  std::optional<net::HttpResponse> sent =
      Send(Json("SendMessage", R"({"QueueUrl": ")" + url + R"(", "MessageBody": "hi"})"));
  EXPECT_EQ(json::parse(sent->body).at("MD5OfMessageBody"), json::value(sqs::Md5Hex("hi")));
  EXPECT_EQ(store_.message("q", 0).content.sender_id, "tester");

  std::optional<net::HttpResponse> attrs = Send(Json(
      "GetQueueAttributes", R"({"QueueUrl": ")" + url + R"(", "AttributeNames": ["QueueArn"]})"));
  EXPECT_EQ(json::parse(attrs->body).at("Attributes").at("QueueArn"),
            "arn:aws:sqs:eu-west-1:123456789012:q");

  std::optional<net::HttpResponse> missing = Send(Json("GetQueueUrl", R"({"QueueName": "nope"})"));
  EXPECT_EQ(missing->status, 400);
  EXPECT_EQ(net::FindHeader(missing->headers, "x-amzn-query-error"),
            "AWS.SimpleQueueService.NonExistentQueue;Sender");
  std::optional<net::HttpResponse> malformed = Send(Json("SendMessage", "{\"QueueUrl\": "));
  EXPECT_EQ(malformed->status, 400);
  EXPECT_EQ(json::parse(malformed->body).at("__type"), "com.amazonaws.sqs#SerializationException");
  std::optional<net::HttpResponse> array = Send(Json("SendMessage", "[1]"));
  EXPECT_EQ(array->status, 400);
  EXPECT_EQ(store_.message_count("q"), 1u);
}

TEST_F(SqsApiTest, QueryProtocolAtAQueuePath) {
  ASSERT_TRUE(Send(Form("/", "Action=CreateQueue&QueueName=q")));
  std::optional<net::HttpResponse> sent =
      Send(Form("/123456789012/q", "Action=SendMessage&MessageBody=a+b%0D%0A"));
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->status, 200) << sent->body;
  EXPECT_EQ(net::FindHeader(sent->headers, "Content-Type"), "text/xml");
  EXPECT_NE(sent->body.find("<MD5OfMessageBody>" + sqs::Md5Hex("a b\r\n") + "</MD5OfMessageBody>"),
            std::string::npos)
      << sent->body;
  EXPECT_EQ(store_.message("q", 0).content.body, "a b\r\n");
  std::optional<net::HttpResponse> bad = Send(Form("/", "Action=Nope"));
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("<Code>InvalidAction</Code>"), std::string::npos);
}

TEST_F(SqsApiTest, StreamedBodyIsReadBeforeTheAction) {
  ASSERT_TRUE(Send(Form("/", "Action=CreateQueue&QueueName=q")));
  net::HttpRequest req = Form("/123456789012/q", "");
  req.body_stream = std::make_shared<net::BodyStream>();
  auto out = std::make_shared<std::optional<net::HttpResponse>>();
  net::Responder respond = [out](net::HttpResponse r) { *out = std::move(r); };
  ASSERT_TRUE(api_.Handle(req, respond, "tester"));
  req.body_stream->Push("Action=SendMessage&Message");
  store_.RunPending();
  EXPECT_FALSE(out->has_value());
  req.body_stream->Push("Body=streamed");
  req.body_stream->End();
  store_.RunPending();
  ASSERT_TRUE(out->has_value());
  EXPECT_EQ((*out)->status, 200) << (*out)->body;
  EXPECT_EQ(store_.message("q", 0).content.body, "streamed");
}

}  // namespace
}  // namespace kumo::api
