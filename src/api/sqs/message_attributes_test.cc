// Message attribute validation, the stored JSON, selection and the body character rules.

#include "api/sqs/message_attributes.h"

#include <gtest/gtest.h>

#include "api/sqs/message_text.h"

namespace kumo::api::sqs {
namespace {
namespace json = boost::json;

SqsResult<MessageAttributes> Parse(std::string_view text, bool system = false) {
  json::value v = json::parse(text);
  return ParseMessageAttributes(&v, system);
}

std::string ErrorOf(std::string_view text, bool system = false) {
  SqsResult<MessageAttributes> r = Parse(text, system);
  return r.ok() ? "" : r.error().message;
}

TEST(MessageAttributes, ParsesAllThreeTypes) {
  SqsResult<MessageAttributes> r = Parse(R"({
    "s": {"DataType": "String", "StringValue": "x y"},
    "n": {"DataType": "Number.int", "StringValue": "-12.5E+3"},
    "b": {"DataType": "Binary", "BinaryValue": "AP8B", "StringListValues": []}})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value().at("s").value, "x y");
  EXPECT_EQ(r.value().at("n").data_type, "Number.int");
  EXPECT_EQ(r.value().at("b").value, std::string("\x00\xff\x01", 3));
  EXPECT_TRUE(r.value().at("b").IsBinary());
  // Name, type and value bytes: 1+6+3 + 1+10+8 + 1+6+3.
  EXPECT_EQ(AttributesSize(r.value()), 39u);
  EXPECT_TRUE(Parse("null").ok());
}

TEST(MessageAttributes, RejectsBadNamesTypesAndValues) {
  EXPECT_NE(ErrorOf(R"({"AWS.x": {"DataType": "String", "StringValue": "v"}})"), "");
  EXPECT_NE(ErrorOf(R"({"amazon.x": {"DataType": "String", "StringValue": "v"}})"), "");
  EXPECT_NE(ErrorOf(R"({"a..b": {"DataType": "String", "StringValue": "v"}})"), "");
  EXPECT_NE(ErrorOf(R"({".a": {"DataType": "String", "StringValue": "v"}})"), "");
  EXPECT_NE(ErrorOf(R"({"a b": {"DataType": "String", "StringValue": "v"}})"), "");
  EXPECT_NE(ErrorOf(R"({"a": {"DataType": "Text", "StringValue": "v"}})").find("type"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"a": {"DataType": "String.", "StringValue": "v"}})"), "");
  EXPECT_NE(ErrorOf(R"({"a": {"StringValue": "v"}})"), "");
  EXPECT_NE(ErrorOf(R"({"a": {"DataType": "String", "StringValue": ""}})").find("non-empty"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"a": {"DataType": "Binary", "StringValue": "v"}})"), "");
  EXPECT_NE(ErrorOf(R"({"a": {"DataType": "Binary", "BinaryValue": "***"}})"), "");
  EXPECT_NE(ErrorOf(R"({"a": {"DataType": "Number", "StringValue": "1.2.3"}})"), "");
  EXPECT_NE(ErrorOf(R"({"a": {"DataType": "Number", "StringValue": "e5"}})"), "");
  EXPECT_NE(ErrorOf(R"({"a": {"DataType": "String", "StringValue": "\u0001"}})").find("#x1"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"a": {"DataType": "String", "StringListValues": ["x"]}})"), "");
  EXPECT_NE(ErrorOf(R"(["a"])"), "");
}

TEST(MessageAttributes, AtMostTen) {
  json::object many;
  for (int i = 0; i < 11; ++i) {
    many["a" + std::to_string(i)] = json::object{{"DataType", "String"}, {"StringValue", "v"}};
  }
  json::value v = many;
  SqsResult<MessageAttributes> r = ParseMessageAttributes(&v, false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "Number of message attributes [11] exceeds the allowed maximum [10].");
}

TEST(MessageAttributes, SystemAttributesOnlyTraceHeader) {
  EXPECT_EQ(ErrorOf(R"({"AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1"}})", true),
            "");
  EXPECT_NE(ErrorOf(R"({"Other": {"DataType": "String", "StringValue": "x"}})", true), "");
  EXPECT_NE(ErrorOf(R"({"AWSTraceHeader": {"DataType": "Number", "StringValue": "1"}})", true), "");
}

TEST(MessageAttributes, StoredJsonRoundTrip) {
  SqsResult<MessageAttributes> r = Parse(R"({
    "s": {"DataType": "String", "StringValue": "caf\u00e9"},
    "b": {"DataType": "Binary.x", "BinaryValue": "AAECAw=="}})");
  ASSERT_TRUE(r.ok());
  std::string stored = SerializeAttributes(r.value());
  json::value doc = json::parse(stored);
  EXPECT_EQ(doc.at("b").at("BinaryValue"), "AAECAw==");
  EXPECT_EQ(doc.at("s").at("StringValue"), "caf\xC3\xA9");
  MessageAttributes back = ParseStoredAttributes(stored);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back.at("b").value, std::string("\x00\x01\x02\x03", 4));
  EXPECT_EQ(back.at("s").value, "caf\xC3\xA9");
  EXPECT_TRUE(ParseStoredAttributes("").empty());
  EXPECT_TRUE(ParseStoredAttributes("not json").empty());
  EXPECT_EQ(SerializeAttributes({}), "");
}

TEST(MessageAttributes, Selection) {
  MessageAttributes all = {
      {"a.x", {"String", "1"}}, {"a.y", {"String", "2"}}, {"b", {"String", "3"}}};
  EXPECT_EQ(SelectAttributes(all, {"All"}).size(), 3u);
  EXPECT_EQ(SelectAttributes(all, {".*"}).size(), 3u);
  EXPECT_EQ(SelectAttributes(all, {"a.*"}).size(), 2u);
  EXPECT_EQ(SelectAttributes(all, {"b", "zzz"}).size(), 1u);
  EXPECT_TRUE(SelectAttributes(all, {}).empty());
}

TEST(MessageText, AllowedCharacters) {
  EXPECT_EQ(FindInvalidCharacter("tab\tnl\ncr\r \xE2\x98\x83 \xF0\x9F\x98\x80"), std::nullopt);
  EXPECT_EQ(FindInvalidCharacter(std::string("a\0b", 3)), "#x0");
  EXPECT_EQ(FindInvalidCharacter("\x1F"), "#x1F");
  EXPECT_EQ(FindInvalidCharacter("\xEF\xBF\xBF"), "#xFFFF");
  EXPECT_EQ(FindInvalidCharacter("\xED\xA0\x80"), "invalid UTF-8");  // a UTF-16 surrogate
  EXPECT_EQ(FindInvalidCharacter("\xFF"), "invalid UTF-8");
}

}  // namespace
}  // namespace kumo::api::sqs
