#include "api/sqs/form_params.h"

#include <gtest/gtest.h>

#include <random>

#include "api/sqs/message_text.h"
#include "api/sqs/xml_writer.h"

namespace kumo::api::sqs {
namespace {
namespace json = boost::json;

json::object Convert(std::string_view form) {
  SqsResult<json::object> r = FormToJson(ParseForm(form));
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : json::object();
}

TEST(FormParams, DecodesPlusAndPercent) {
  FormParams p =
      ParseForm("Action=SendMessage&MessageBody=a+b%2Bc%26d%3D%0D%0A%E2%98%83&Empty=&Bare");
  EXPECT_EQ(FormValue(p, "Action"), "SendMessage");
  EXPECT_EQ(FormValue(p, "MessageBody"), "a b+c&d=\r\n\xE2\x98\x83");
  EXPECT_EQ(FormValue(p, "Empty"), "");
  EXPECT_EQ(FormValue(p, "Bare"), "");
  EXPECT_EQ(FormValue(p, "Missing"), "");
}

TEST(FormParams, MessageAttributesBecomeAMapOfStructures) {
  json::object in = Convert(
      "Action=SendMessage&QueueUrl=http%3A%2F%2Fh%2F1%2Fq&MessageBody=hi&DelaySeconds=5"
      "&MessageAttribute.1.Name=color&MessageAttribute.1.Value.DataType=String"
      "&MessageAttribute.1.Value.StringValue=red"
      "&MessageAttribute.2.Name=blob&MessageAttribute.2.Value.DataType=Binary"
      "&MessageAttribute.2.Value.BinaryValue=AAEC"
      "&MessageSystemAttribute.1.Name=AWSTraceHeader"
      "&MessageSystemAttribute.1.Value.DataType=String"
      "&MessageSystemAttribute.1.Value.StringValue=Root%3D1");
  EXPECT_EQ(in.at("QueueUrl"), "http://h/1/q");
  EXPECT_EQ(in.at("DelaySeconds"), "5");
  const json::object& attrs = in.at("MessageAttributes").as_object();
  ASSERT_EQ(attrs.size(), 2u);
  EXPECT_EQ(attrs.at("color").at("DataType"), "String");
  EXPECT_EQ(attrs.at("color").at("StringValue"), "red");
  EXPECT_EQ(attrs.at("blob").at("BinaryValue"), "AAEC");
  EXPECT_EQ(in.at("MessageSystemAttributes").at("AWSTraceHeader").at("StringValue"), "Root=1");
}

TEST(FormParams, QueueAttributesAndTagsBecomeStringMaps) {
  json::object in = Convert(
      "Action=CreateQueue&QueueName=q&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=40"
      "&Attribute.2.Name=RedrivePolicy"
      "&Attribute.2.Value=%7B%22maxReceiveCount%22%3A%222%22%7D&Tag.1.Key=team&Tag.1.Value=a");
  EXPECT_EQ(in.at("Attributes").at("VisibilityTimeout"), "40");
  EXPECT_EQ(in.at("Attributes").at("RedrivePolicy"), "{\"maxReceiveCount\":\"2\"}");
  EXPECT_EQ(in.at("Tags").at("team"), "a");
}

TEST(FormParams, NumberedListsFollowTheirIndexNotTheirText) {
  json::object in = Convert(
      "AttributeName.10=C&AttributeName.2=B&AttributeName.1=A&MessageAttributeName.1=All"
      "&TagKey.1=k");
  json::array names = in.at("AttributeNames").as_array();
  ASSERT_EQ(names.size(), 3u);
  EXPECT_EQ(names[0], "A");
  EXPECT_EQ(names[1], "B");
  EXPECT_EQ(names[2], "C");
  EXPECT_EQ(in.at("MessageAttributeNames").as_array()[0], "All");
  EXPECT_EQ(in.at("TagKeys").as_array()[0], "k");
}

TEST(FormParams, BatchEntriesWithNestedAttributes) {
  json::object in = Convert(
      "SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=one"
      "&SendMessageBatchRequestEntry.2.Id=b&SendMessageBatchRequestEntry.2.MessageBody=two"
      "&SendMessageBatchRequestEntry.2.DelaySeconds=3"
      "&SendMessageBatchRequestEntry.2.MessageAttribute.1.Name=n"
      "&SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.DataType=Number"
      "&SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.StringValue=7");
  const json::array& entries = in.at("Entries").as_array();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].at("Id"), "a");
  EXPECT_EQ(entries[0].at("MessageBody"), "one");
  EXPECT_EQ(entries[1].at("DelaySeconds"), "3");
  EXPECT_EQ(entries[1].at("MessageAttributes").at("n").at("StringValue"), "7");

  json::object del = Convert(
      "DeleteMessageBatchRequestEntry.1.Id=x&DeleteMessageBatchRequestEntry.1.ReceiptHandle=h1");
  EXPECT_EQ(del.at("Entries").as_array()[0].at("ReceiptHandle"), "h1");
  json::object change = Convert(
      "ChangeMessageVisibilityBatchRequestEntry.1.Id=y"
      "&ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout=0");
  EXPECT_EQ(change.at("Entries").as_array()[0].at("VisibilityTimeout"), "0");
}

TEST(FormParams, MalformedKeysAreErrors) {
  SqsResult<json::object> both = FormToJson(ParseForm("A=1&A.B=2"));
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.error().query_code, "MalformedQueryString");
  SqsResult<json::object> nameless = FormToJson(ParseForm("Attribute.1.Value=3"));
  ASSERT_FALSE(nameless.ok());
  EXPECT_NE(nameless.error().message.find("Attribute.N.Name"), std::string::npos);
}

// Arbitrary input (a fixed seed, so a failure repeats) never crashes the parsers, and what the
// XML writer makes of any bytes is valid UTF-8 of allowed characters with no raw markup.
TEST(FormParams, ArbitraryInputIsParsedOrRefused) {
  std::mt19937 rng(6);
  const std::string alphabet =
      "AB.12.0&=%+%2E%ZZName.Value.Attribute.MessageAttribute.\x01\xC3\xFF<&>";
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    int n = static_cast<int>(rng() % 60);
    for (int i = 0; i < n; ++i) text.push_back(alphabet[rng() % alphabet.size()]);
    SqsResult<json::object> r = FormToJson(ParseForm(text));
    if (!r.ok()) EXPECT_EQ(r.error().query_code, "MalformedQueryString");
    std::string escaped = XmlEscape(text);
    EXPECT_EQ(FindInvalidCharacter(escaped), std::nullopt) << text;
    EXPECT_EQ(escaped.find('<'), std::string::npos);
  }
}

}  // namespace
}  // namespace kumo::api::sqs
