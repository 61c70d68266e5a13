#include "api/sqs/query_response.h"

#include "api/sqs/xml_writer.h"

namespace kumo::api::sqs {
namespace json = boost::json;
namespace {

// Actions whose reply has no <ActionResult> element (their output is empty).
constexpr const char* kNoResult[] = {
    "DeleteQueue",   "SetQueueAttributes",     "PurgeQueue", "TagQueue", "UntagQueue",
    "DeleteMessage", "ChangeMessageVisibility"};

struct MapElement {
  const char* member;
  const char* element;
  const char* key;
};
constexpr MapElement kMaps[] = {
    {"Attributes", "Attribute", "Name"},
    {"MessageAttributes", "MessageAttribute", "Name"},
    {"Tags", "Tag", "Key"},
};

std::string ListElement(const std::string& member, const std::string& action) {
  if (member == "QueueUrls" || member == "queueUrls") return "QueueUrl";
  if (member == "Messages") return "Message";
  if (member == "Failed") return "BatchResultErrorEntry";
  if (member == "Successful") return action + "ResultEntry";
  return member;
}

std::string ScalarText(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_bool()) return v.as_bool() ? "true" : "false";
  if (v.is_null()) return "";
  return json::serialize(v);
}

void WriteObject(XmlWriter& xml, const json::object& o, const std::string& action);

void WriteMember(XmlWriter& xml, const std::string& key, const json::value& value,
                 const std::string& action) {
  if (value.is_array()) {
    std::string element = ListElement(key, action);
    for (const json::value& item : value.as_array()) {
      if (item.is_object()) {
        xml.Open(element);
        WriteObject(xml, item.as_object(), action);
        xml.Close(element);
      } else {
        xml.Element(element, ScalarText(item));
      }
    }
    return;
  }
  if (!value.is_object()) {
    xml.Element(key, ScalarText(value));
    return;
  }
  for (const MapElement& map : kMaps) {
    if (key != map.member) continue;
    for (const auto& [name, item] : value.as_object()) {
      xml.Open(map.element);
      xml.Element(map.key, name);
      if (item.is_object()) {
        xml.Open("Value");
        WriteObject(xml, item.as_object(), action);
        xml.Close("Value");
      } else {
        xml.Element("Value", ScalarText(item));
      }
      xml.Close(map.element);
    }
    return;
  }
  xml.Open(key);
  WriteObject(xml, value.as_object(), action);
  xml.Close(key);
}

void WriteObject(XmlWriter& xml, const json::object& o, const std::string& action) {
  for (const auto& [key, value] : o) WriteMember(xml, std::string(key), value, action);
}

}  // namespace

std::string RenderQueryResponse(const std::string& action, const json::object& output,
                                const std::string& request_id) {
  bool has_result = true;
  for (const char* name : kNoResult) {
    if (action == name) has_result = false;
  }
  XmlWriter xml;
  xml.Declaration();
  xml.Open(action + "Response", kSqsXmlNamespace);
  if (has_result) {
    xml.Open(action + "Result");
    WriteObject(xml, output, action);
    xml.Close(action + "Result");
  }
  xml.Open("ResponseMetadata");
  xml.Element("RequestId", request_id);
  xml.Close("ResponseMetadata");
  xml.Close(action + "Response");
  return xml.Take();
}

}  // namespace kumo::api::sqs
