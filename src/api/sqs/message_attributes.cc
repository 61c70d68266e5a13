#include "api/sqs/message_attributes.h"

#include <strings.h>

#include "api/sqs/message_text.h"
#include "common/encoding.h"

namespace kumo::api::sqs {
namespace json = boost::json;
namespace {

constexpr size_t kMaxAttributes = 10;
constexpr size_t kMaxNameLength = 256;

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         strncasecmp(text.data(), prefix.data(), prefix.size()) == 0;
}

bool ValidUserName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  if (name.front() == '.' || name.back() == '.') return false;
  if (name.find("..") != std::string_view::npos) return false;
  if (StartsWithNoCase(name, "aws.") || StartsWithNoCase(name, "amazon.")) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

bool ValidDataType(std::string_view type) {
  if (type.empty() || type.size() > kMaxNameLength) return false;
  std::string_view base = type.substr(0, type.find('.'));
  if (base != "String" && base != "Number" && base != "Binary") return false;
  return base.size() == type.size() || type.size() > base.size() + 1;  // "String." has no label
}

// A decimal number as SQS's Number type takes it: sign, digits, fraction, exponent.
bool ValidNumber(std::string_view text) {
  size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  size_t digits = 0;
  while (i < text.size() && isdigit(static_cast<unsigned char>(text[i]))) ++i, ++digits;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && isdigit(static_cast<unsigned char>(text[i]))) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    size_t exponent_digits = 0;
    while (i < text.size() && isdigit(static_cast<unsigned char>(text[i]))) ++i, ++exponent_digits;
    if (exponent_digits == 0) return false;
  }
  return i == text.size();
}

bool NonEmptyArray(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_array() && !v->as_array().empty();
}

SqsResult<MessageAttribute> ParseOne(const std::string& name, const json::value& value,
                                     const char* kind) {
  std::string quoted = "Message " + std::string(kind) + " attribute '" + name + "'";
  if (!value.is_object()) return InvalidParameterValue(quoted + " must be a structure.");
  const json::object& o = value.as_object();
  const json::value* type = o.if_contains("DataType");
  if (!type || !type->is_string() || type->as_string().empty()) {
    return InvalidParameterValue(quoted + " must contain a non-empty message attribute type.");
  }
  MessageAttribute attribute;
  attribute.data_type = json::value_to<std::string>(*type);
  if (!ValidDataType(attribute.data_type)) {
    return InvalidParameterValue("The type of " + quoted +
                                 " is invalid. You must use only the following supported type "
                                 "prefixes: Binary, Number, String.");
  }
  if (NonEmptyArray(o, "StringListValues") || NonEmptyArray(o, "BinaryListValues")) {
    return InvalidParameterValue(quoted + ": list values are not supported.");
  }
  std::string base = attribute.data_type.substr(0, attribute.data_type.find('.'));
  const char* field = attribute.IsBinary() ? "BinaryValue" : "StringValue";
  const json::value* v = o.if_contains(field);
  if (!v || !v->is_string() || v->as_string().empty()) {
    return InvalidParameterValue(quoted + " must contain a non-empty value of type '" + base +
                                 "'.");
  }
  std::string text = json::value_to<std::string>(*v);
  if (attribute.IsBinary()) {
    std::optional<std::string> bytes = Base64Decode(text);
    if (!bytes || bytes->empty()) {
      return InvalidParameterValue(quoted + " has a BinaryValue that is not valid base64.");
    }
    attribute.value = std::move(*bytes);
    return attribute;
  }
  if (std::optional<std::string> bad = FindInvalidCharacter(text)) {
    return InvalidParameterValue(quoted + " contains an invalid character (" + *bad +
                                 "); allowed are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to "
                                 "#xFFFD | #x10000 to #x10FFFF.");
  }
  if (base == "Number" && !ValidNumber(text)) {
    return InvalidParameterValue("Can't cast the value of " + quoted + " to a number.");
  }
  attribute.value = std::move(text);
  return attribute;
}

}  // namespace

SqsResult<MessageAttributes> ParseMessageAttributes(const json::value* value, bool system) {
  MessageAttributes out;
  if (!value || value->is_null()) return out;
  const char* kind = system ? "system" : "(user)";
  if (!value->is_object()) {
    return InvalidParameterValue(
        std::string(system ? "MessageSystemAttributes" : "MessageAttributes") +
        " must be a map of names to attribute values.");
  }
  const json::object& map = value->as_object();
  if (map.size() > kMaxAttributes) {
    return InvalidParameterValue("Number of message attributes [" + std::to_string(map.size()) +
                                 "] exceeds the allowed maximum [10].");
  }
  for (const auto& [key, entry] : map) {
    std::string name(key);
    bool name_ok = system ? name == "AWSTraceHeader" : ValidUserName(name);
    if (!name_ok) {
      return InvalidParameterValue("Message " + std::string(kind) + " attribute name '" + name +
                                   "' is invalid.");
    }
    SqsResult<MessageAttribute> attribute = ParseOne(name, entry, kind);
    if (!attribute.ok()) return attribute.error();
    if (system && attribute.value().data_type != "String") {
      return InvalidParameterValue(
          "Message system attribute AWSTraceHeader must be of type "
          "String.");
    }
    out.emplace(std::move(name), std::move(attribute).value());
  }
  return out;
}

size_t AttributesSize(const MessageAttributes& attributes) {
  size_t total = 0;
  for (const auto& [name, attribute] : attributes) {
    total += name.size() + attribute.data_type.size() + attribute.value.size();
  }
  return total;
}

json::object AttributesToJson(const MessageAttributes& attributes) {
  json::object out;
  for (const auto& [name, attribute] : attributes) {
    json::object v;
    v["DataType"] = attribute.data_type;
    if (attribute.IsBinary()) {
      v["BinaryValue"] = Base64Encode(attribute.value);
    } else {
      v["StringValue"] = attribute.value;
    }
    out[name] = std::move(v);
  }
  return out;
}

std::string SerializeAttributes(const MessageAttributes& attributes) {
  if (attributes.empty()) return "";
  return json::serialize(AttributesToJson(attributes));
}

MessageAttributes ParseStoredAttributes(std::string_view text) {
  MessageAttributes out;
  if (text.empty()) return out;
  boost::system::error_code ec;
  json::value parsed = json::parse(text, ec);
  if (ec || !parsed.is_object()) return out;
  for (const auto& [key, entry] : parsed.as_object()) {
    const json::object* o = entry.if_object();
    if (!o) continue;
    const json::value* type = o->if_contains("DataType");
    if (!type || !type->is_string()) continue;
    MessageAttribute attribute;
    attribute.data_type = json::value_to<std::string>(*type);
    const json::value* v = o->if_contains(attribute.IsBinary() ? "BinaryValue" : "StringValue");
    if (!v || !v->is_string()) continue;
    if (attribute.IsBinary()) {
      std::optional<std::string> bytes = Base64Decode(v->as_string());
      if (!bytes) continue;
      attribute.value = std::move(*bytes);
    } else {
      attribute.value = json::value_to<std::string>(*v);
    }
    out.emplace(std::string(key), std::move(attribute));
  }
  return out;
}

MessageAttributes SelectAttributes(const MessageAttributes& attributes,
                                   const std::vector<std::string>& requested) {
  MessageAttributes out;
  for (const std::string& want : requested) {
    if (want == "All" || want == ".*") return attributes;
  }
  for (const auto& [name, attribute] : attributes) {
    for (const std::string& want : requested) {
      bool prefix = want.size() > 2 && want.compare(want.size() - 2, 2, ".*") == 0;
      bool match =
          prefix ? name.compare(0, want.size() - 1, want, 0, want.size() - 1) == 0 : name == want;
      if (match) {
        out.emplace(name, attribute);
        break;
      }
    }
  }
  return out;
}

}  // namespace kumo::api::sqs
