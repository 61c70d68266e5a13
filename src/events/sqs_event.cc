#include "events/sqs_event.h"

#include <boost/json.hpp>
#include <set>

#include "common/arn.h"

namespace kumo::events {
namespace json = boost::json;
namespace {

std::optional<json::object> ParseObject(std::string_view text) {
  if (text.empty()) return std::nullopt;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

const json::string* StringMember(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? &v->as_string() : nullptr;
}

// The store keeps attributes in SQS's JSON-protocol shape ({"DataType", "StringValue" or
// "BinaryValue"}); Lambda's records spell them in camel case with (always empty) list values.
json::object LambdaMessageAttributes(const std::string& stored) {
  json::object out;
  std::optional<json::object> attributes = ParseObject(stored);
  if (!attributes) return out;
  for (const auto& [name, value] : *attributes) {
    if (!value.is_object()) continue;
    const json::object& a = value.as_object();
    json::object converted;
    if (const json::string* s = StringMember(a, "StringValue")) converted["stringValue"] = *s;
    if (const json::string* b = StringMember(a, "BinaryValue")) converted["binaryValue"] = *b;
    converted["stringListValues"] = json::array();
    converted["binaryListValues"] = json::array();
    const json::string* type = StringMember(a, "DataType");
    converted["dataType"] = type != nullptr ? *type : json::string("String");
    out[name] = std::move(converted);
  }
  return out;
}

json::object RecordAttributes(const store::ReceivedMessage& received, const SqsSource& source) {
  const store::StoredMessage& m = received.message;
  json::object attributes;
  attributes["ApproximateReceiveCount"] = std::to_string(m.receive_count);
  attributes["SentTimestamp"] = std::to_string(m.sent_ms);
  attributes["SenderId"] = m.content.sender_id.empty() ? source.account_id : m.content.sender_id;
  attributes["ApproximateFirstReceiveTimestamp"] =
      std::to_string(m.first_receive_ms != 0 ? m.first_receive_ms : m.sent_ms);
  if (std::optional<json::object> system = ParseObject(m.content.system_attributes_json)) {
    if (const json::value* trace = system->if_contains("AWSTraceHeader");
        trace != nullptr && trace->is_object()) {
      if (const json::string* value = StringMember(trace->as_object(), "StringValue")) {
        attributes["AWSTraceHeader"] = *value;
      }
    }
  }
  return attributes;
}

}  // namespace

std::optional<SqsArn> ParseSqsArn(std::string_view text) {
  std::optional<Arn> arn = ParseArn(text);
  if (!arn || arn->partition != "aws" || arn->service != "sqs" || arn->region.empty() ||
      arn->account_id.empty() || arn->resource.find(':') != std::string::npos) {
    return std::nullopt;
  }
  return SqsArn{arn->region, arn->account_id, arn->resource};
}

std::string SqsRecordJson(const store::ReceivedMessage& received, const SqsSource& source) {
  const store::StoredMessage& m = received.message;
  json::object record;
  record["messageId"] = m.id;
  record["receiptHandle"] = received.receipt_handle;
  record["body"] = m.content.body;
  record["attributes"] = RecordAttributes(received, source);
  record["messageAttributes"] = LambdaMessageAttributes(m.content.message_attributes_json);
  record["md5OfBody"] = m.content.md5_of_body;
  if (!m.content.md5_of_message_attributes.empty()) {
    record["md5OfMessageAttributes"] = m.content.md5_of_message_attributes;
  }
  record["eventSource"] = "aws:sqs";
  record["eventSourceARN"] = source.queue_arn;
  record["awsRegion"] = source.region;
  return json::serialize(record);
}

std::string SqsEventJson(const std::vector<std::string>& records) {
  size_t bytes = 0;
  for (const std::string& r : records) bytes += r.size();
  std::string out;
  out.reserve(SqsEventSize(records.size(), bytes));
  out += "{\"Records\":[";
  for (size_t i = 0; i < records.size(); ++i) {
    if (i > 0) out += ',';
    out += records[i];
  }
  out += "]}";
  return out;
}

size_t SqsEventSize(size_t record_count, size_t records_bytes) {
  constexpr size_t kFrame = sizeof("{\"Records\":[]}") - 1;
  return kFrame + records_bytes + (record_count > 0 ? record_count - 1 : 0);
}

BatchResponse ParseBatchResponse(std::string_view payload,
                                 const std::vector<std::string>& batch_ids) {
  BatchResponse out;
  auto invalid = [&out](std::string reason) {
    out.kind = BatchResponse::Kind::kInvalid;
    out.failed_ids.clear();
    out.reason = std::move(reason);
    return out;
  };
  if (payload.find_first_not_of(" \t\r\n") == std::string_view::npos) return out;
  boost::system::error_code ec;
  json::value v = json::parse(payload, ec);
  if (ec) return invalid("the function's response is not JSON");
  if (v.is_null()) return out;
  if (!v.is_object()) return invalid("the function's response is not a JSON object");
  const json::value* failures = v.as_object().if_contains("batchItemFailures");
  if (failures == nullptr || failures->is_null()) return out;
  if (!failures->is_array()) return invalid("batchItemFailures is not a list");
  std::set<std::string_view> in_batch(batch_ids.begin(), batch_ids.end());
  std::set<std::string> seen;
  for (const json::value& item : failures->as_array()) {
    if (!item.is_object()) return invalid("a batchItemFailures entry is not an object");
    const json::string* id = StringMember(item.as_object(), "itemIdentifier");
    if (id == nullptr || id->empty()) {
      return invalid("a batchItemFailures entry has no itemIdentifier");
    }
    std::string_view text(id->data(), id->size());
    if (!in_batch.count(text)) {
      return invalid("itemIdentifier " + std::string(text) + " is not a message of the batch");
    }
    if (seen.insert(std::string(text)).second) out.failed_ids.emplace_back(text);
  }
  if (!out.failed_ids.empty()) out.kind = BatchResponse::Kind::kSomeFailed;
  return out;
}

}  // namespace kumo::events
