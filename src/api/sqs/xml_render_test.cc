// XML escaping, the query protocol's replies and both protocols' error documents.

#include <gtest/gtest.h>

#include "api/sqs/query_response.h"
#include "api/sqs/sqs_error.h"
#include "api/sqs/xml_writer.h"
#include "net/http_types.h"

namespace kumo::api::sqs {
namespace {
namespace json = boost::json;

TEST(XmlEscape, EscapesMarkupAndCarriageReturn) {
  EXPECT_EQ(XmlEscape("a<b>&\"c'\r\n\t"), "a&lt;b&gt;&amp;&quot;c&apos;&#xD;\n\t");
  EXPECT_EQ(XmlEscape("caf\xC3\xA9 \xF0\x9F\x98\x80"), "caf\xC3\xA9 \xF0\x9F\x98\x80");
}

TEST(XmlEscape, ReplacesWhatXmlCannotHold) {
  EXPECT_EQ(XmlEscape(std::string("a\x01"
                                  "b",
                                  3)),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(XmlEscape("\xC3"), "\xEF\xBF\xBD");                  // truncated sequence
  EXPECT_EQ(XmlEscape("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
  EXPECT_EQ(XmlEscape("\xEF\xBF\xBE"), "\xEF\xBF\xBD");          // U+FFFE
}

TEST(QueryResponse, ResultWrapperAndMetadata) {
  json::object out;
  out["QueueUrl"] = "http://h/000000000000/q";
  EXPECT_EQ(RenderQueryResponse("CreateQueue", out, "rid"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<CreateQueueResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
            "<CreateQueueResult><QueueUrl>http://h/000000000000/q</QueueUrl></CreateQueueResult>"
            "<ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata>"
            "</CreateQueueResponse>");
}

TEST(QueryResponse, ActionsWithoutOutputHaveNoResultElement) {
  std::string xml = RenderQueryResponse("DeleteMessage", json::object(), "r1");
  EXPECT_EQ(xml.find("DeleteMessageResult"), std::string::npos);
  EXPECT_NE(xml.find("<DeleteMessageResponse xmlns="), std::string::npos);
  EXPECT_NE(xml.find("<RequestId>r1</RequestId>"), std::string::npos);
}

TEST(QueryResponse, ListsAndMapsAreFlattened) {
  json::value out = json::parse(R"({
    "Messages": [{"MessageId": "m1", "Body": "a<b\r", "Attributes": {"SenderId": "s"},
                  "MD5OfMessageAttributes": "x",
                  "MessageAttributes": {"n": {"DataType": "Number", "StringValue": "1"}}}],
    "QueueUrls": ["u1", "u2"]})");
  std::string xml = RenderQueryResponse("ReceiveMessage", out.as_object(), "r");
  EXPECT_NE(xml.find("<ReceiveMessageResult><Message><MessageId>m1</MessageId>"
                     "<Body>a&lt;b&#xD;</Body>"
                     "<Attribute><Name>SenderId</Name><Value>s</Value></Attribute>"
                     "<MD5OfMessageAttributes>x</MD5OfMessageAttributes>"
                     "<MessageAttribute><Name>n</Name><Value><DataType>Number</DataType>"
                     "<StringValue>1</StringValue></Value></MessageAttribute></Message>"
                     "<QueueUrl>u1</QueueUrl><QueueUrl>u2</QueueUrl></ReceiveMessageResult>"),
            std::string::npos)
      << xml;
}

TEST(QueryResponse, BatchEntriesAreNamedForTheirAction) {
  json::value out = json::parse(R"({"Successful": [{"Id": "a", "MessageId": "m"}],
    "Failed": [{"Id": "b", "SenderFault": true, "Code": "InvalidParameterValue",
                "Message": "bad"}]})");
  std::string xml = RenderQueryResponse("SendMessageBatch", out.as_object(), "r");
  EXPECT_NE(xml.find("<SendMessageBatchResultEntry><Id>a</Id><MessageId>m</MessageId>"
                     "</SendMessageBatchResultEntry>"),
            std::string::npos);
  EXPECT_NE(xml.find("<BatchResultErrorEntry><Id>b</Id><SenderFault>true</SenderFault>"
                     "<Code>InvalidParameterValue</Code><Message>bad</Message>"
                     "</BatchResultErrorEntry>"),
            std::string::npos);
  json::value tags = json::parse(R"({"Tags": {"k": "v"}})");
  EXPECT_NE(RenderQueryResponse("ListQueueTags", tags.as_object(), "r")
                .find("<Tag><Key>k</Key><Value>v</Value></Tag>"),
            std::string::npos);
}

TEST(ErrorResponse, JsonProtocolShapeAndQueryErrorHeader) {
  net::HttpResponse r = JsonErrorResponse(QueueDoesNotExist(), "rid");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(net::FindHeader(r.headers, "x-amzn-query-error"),
            "AWS.SimpleQueueService.NonExistentQueue;Sender");
  EXPECT_EQ(net::FindHeader(r.headers, "Content-Type"), "application/x-amz-json-1.0");
  EXPECT_EQ(net::FindHeader(r.headers, "x-amzn-RequestId"), "rid");
  json::value body = json::parse(r.body);
  EXPECT_EQ(body.at("__type"), "com.amazonaws.sqs#QueueDoesNotExist");
  EXPECT_EQ(body.at("message"), "The specified queue does not exist.");

  net::HttpResponse internal = JsonErrorResponse(InternalFailure("boom"), "rid");
  EXPECT_EQ(internal.status, 500);
  EXPECT_EQ(net::FindHeader(internal.headers, "x-amzn-query-error"), "InternalFailure;Receiver");
}

TEST(ErrorResponse, QueryProtocolDocument) {
  net::HttpResponse r = XmlErrorResponse(ReceiptHandleIsInvalid("bad <handle>"), "rid");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<ErrorResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><Error>"
            "<Type>Sender</Type><Code>ReceiptHandleIsInvalid</Code>"
            "<Message>bad &lt;handle&gt;</Message><Detail/></Error>"
            "<RequestId>rid</RequestId></ErrorResponse>");
}

}  // namespace
}  // namespace kumo::api::sqs
