#include "events/sqs_event.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace kumo::events {
namespace {
namespace json = boost::json;

store::ReceivedMessage Sample() {
  store::ReceivedMessage r;
  r.receipt_handle = "handle-1";
  r.message.id = "059f36b4-87a3-44ab-83d2-661975830a7d";
  r.message.content.body = "héllo \"world\"\n";
  r.message.content.md5_of_body = "0123456789abcdef0123456789abcdef";
  r.message.content.sender_id = "AIDAEXAMPLE";
  r.message.content.message_attributes_json =
      R"({"color":{"DataType":"String","StringValue":"blue"},)"
      R"("count":{"DataType":"Number","StringValue":"7"},)"
      R"("blob":{"DataType":"Binary","BinaryValue":"AAEC"},)"
      R"("kind":{"DataType":"String.custom","StringValue":"x"}})";
  r.message.content.md5_of_message_attributes = "fedcba9876543210fedcba9876543210";
  r.message.content.system_attributes_json =
      R"({"AWSTraceHeader":{"DataType":"String","StringValue":"Root=1-abc"}})";
  r.message.sent_ms = 1545082649183;
  r.message.first_receive_ms = 1545082649185;
  r.message.receive_count = 3;
  return r;
}

const SqsSource kSource{"arn:aws:sqs:eu-west-1:123456789012:orders", "eu-west-1", "123456789012"};

TEST(SqsEventTest, RecordHasLambdasShape) {
  json::object r = json::parse(SqsRecordJson(Sample(), kSource)).as_object();
  EXPECT_EQ(r.at("messageId"), "059f36b4-87a3-44ab-83d2-661975830a7d");
  EXPECT_EQ(r.at("receiptHandle"), "handle-1");
  EXPECT_EQ(r.at("body"), "héllo \"world\"\n");
  EXPECT_EQ(r.at("md5OfBody"), "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(r.at("md5OfMessageAttributes"), "fedcba9876543210fedcba9876543210");
  EXPECT_EQ(r.at("eventSource"), "aws:sqs");
  EXPECT_EQ(r.at("eventSourceARN"), "arn:aws:sqs:eu-west-1:123456789012:orders");
  EXPECT_EQ(r.at("awsRegion"), "eu-west-1");

  const json::object& a = r.at("attributes").as_object();
  // Every attribute value is a string, as Lambda sends them.
  EXPECT_EQ(a.at("ApproximateReceiveCount"), "3");
  EXPECT_EQ(a.at("SentTimestamp"), "1545082649183");
  EXPECT_EQ(a.at("SenderId"), "AIDAEXAMPLE");
  EXPECT_EQ(a.at("ApproximateFirstReceiveTimestamp"), "1545082649185");
  EXPECT_EQ(a.at("AWSTraceHeader"), "Root=1-abc");

  const json::object& m = r.at("messageAttributes").as_object();
  ASSERT_EQ(m.size(), 4u);
  const json::object& color = m.at("color").as_object();
  EXPECT_EQ(color.at("stringValue"), "blue");
  EXPECT_EQ(color.at("dataType"), "String");
  EXPECT_TRUE(color.at("stringListValues").as_array().empty());
  EXPECT_TRUE(color.at("binaryListValues").as_array().empty());
  EXPECT_FALSE(color.contains("binaryValue"));
  EXPECT_EQ(m.at("count").as_object().at("dataType"), "Number");
  EXPECT_EQ(m.at("count").as_object().at("stringValue"), "7");
  const json::object& blob = m.at("blob").as_object();
  EXPECT_EQ(blob.at("binaryValue"), "AAEC");
  EXPECT_EQ(blob.at("dataType"), "Binary");
  EXPECT_FALSE(blob.contains("stringValue"));
  EXPECT_EQ(m.at("kind").as_object().at("dataType"), "String.custom");
}

TEST(SqsEventTest, MessageWithoutAttributesOrSender) {
  store::ReceivedMessage plain;
  plain.message.id = "m";
  plain.message.content.body = "b";
  plain.message.sent_ms = 5;
  plain.message.first_receive_ms = 9;
  plain.message.receive_count = 1;
  json::object r = json::parse(SqsRecordJson(plain, kSource)).as_object();
  EXPECT_TRUE(r.at("messageAttributes").as_object().empty());
  EXPECT_FALSE(r.contains("md5OfMessageAttributes"));
  const json::object& a = r.at("attributes").as_object();
  EXPECT_EQ(a.at("SenderId"), "123456789012");
  EXPECT_FALSE(a.contains("AWSTraceHeader"));
  EXPECT_EQ(a.at("ApproximateFirstReceiveTimestamp"), "9");
}

TEST(SqsEventTest, EventJoinsRecordsAndItsSizeIsPredicted) {
  std::vector<std::string> records = {SqsRecordJson(Sample(), kSource), R"({"x":1})"};
  std::string event = SqsEventJson(records);
  json::object parsed = json::parse(event).as_object();
  ASSERT_EQ(parsed.at("Records").as_array().size(), 2u);
  EXPECT_EQ(parsed.at("Records").as_array()[1].as_object().at("x"), 1);
  EXPECT_EQ(event.size(), SqsEventSize(2, records[0].size() + records[1].size()));
  EXPECT_EQ(SqsEventJson({}), R"({"Records":[]})");
  EXPECT_EQ(SqsEventSize(0, 0), SqsEventJson({}).size());
}

TEST(SqsEventTest, ParsesQueueArns) {
  auto arn = ParseSqsArn("arn:aws:sqs:us-east-1:000000000000:my-queue_1");
  ASSERT_TRUE(arn);
  EXPECT_EQ(arn->region, "us-east-1");
  EXPECT_EQ(arn->account_id, "000000000000");
  EXPECT_EQ(arn->queue, "my-queue_1");
  EXPECT_FALSE(ParseSqsArn("arn:aws:sqs:us-east-1:000000000000:"));
  EXPECT_FALSE(ParseSqsArn("arn:aws:sqs:us-east-1:queue"));
  EXPECT_FALSE(ParseSqsArn("arn:aws:kinesis:us-east-1:000000000000:stream/s"));
  EXPECT_FALSE(ParseSqsArn("arn:aws:sqs:us-east-1:000000000000:a:b"));
  EXPECT_FALSE(ParseSqsArn("my-queue"));
}

using Kind = BatchResponse::Kind;
const std::vector<std::string> kBatch = {"a", "b", "c"};

TEST(BatchResponseTest, CompleteSuccess) {
  for (const char* payload : {"", "  ", "null", "{}", R"({"batchItemFailures":null})",
                              R"({"batchItemFailures":[]})", R"({"statusCode":200})"}) {
    BatchResponse r = ParseBatchResponse(payload, kBatch);
    EXPECT_EQ(r.kind, Kind::kAllSucceeded) << payload;
    EXPECT_TRUE(r.failed_ids.empty()) << payload;
  }
}

TEST(BatchResponseTest, PartialFailureListsEachIdOnce) {
  BatchResponse r =
      ParseBatchResponse(R"({"batchItemFailures":[{"itemIdentifier":"c"},{"itemIdentifier":"a"},)"
                         R"({"itemIdentifier":"c"}]})",
                         kBatch);
  EXPECT_EQ(r.kind, Kind::kSomeFailed);
  EXPECT_EQ(r.failed_ids, (std::vector<std::string>{"c", "a"}));
}

TEST(BatchResponseTest, WholeBatchFailsOnInvalidIdentifiers) {
  for (const char* payload : {
           R"({"batchItemFailures":[{"itemIdentifier":""}]})",     // empty
           R"({"batchItemFailures":[{"itemIdentifier":null}]})",   // null
           R"({"batchItemFailures":[{"messageId":"a"}]})",         // bad key name
           R"({"batchItemFailures":[{"itemIdentifier":"zzz"}]})",  // not in the batch
           R"({"batchItemFailures":[{"itemIdentifier":"a"},{"itemIdentifier":"x"}]})",
           R"({"batchItemFailures":[{"itemIdentifier":7}]})",  // not a string
           R"({"batchItemFailures":["a"]})",                   // not an object
           R"({"batchItemFailures":"a"})",                     // not a list
           R"({"batchItemFailures":[)",                        // not JSON
           R"("done")",                                        // not an object
           R"([{"itemIdentifier":"a"}])",
       }) {
    BatchResponse r = ParseBatchResponse(payload, kBatch);
    EXPECT_EQ(r.kind, Kind::kInvalid) << payload;
    EXPECT_TRUE(r.failed_ids.empty()) << payload;
    EXPECT_FALSE(r.reason.empty()) << payload;
  }
}

}  // namespace
}  // namespace kumo::events
