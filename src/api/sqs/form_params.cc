#include "api/sqs/form_params.h"

#include <algorithm>
#include <map>
#include <optional>

#include "net/http_types.h"

namespace kumo::api::sqs {
namespace json = boost::json;
namespace {

std::string DecodeComponent(std::string_view text) {
  std::string plus_as_space(text);
  std::replace(plus_as_space.begin(), plus_as_space.end(), '+', ' ');
  return net::PercentDecode(plus_as_space);
}

struct Node {
  std::optional<std::string> leaf;
  std::map<std::string, Node> children;
};

// A flattened map of the query protocol: its element name, the JSON member it becomes, and the
// names of its key and value parts.
struct MapRule {
  const char* element;
  const char* member;
  const char* key;
  const char* value;
};
constexpr MapRule kMapRules[] = {
    {"Attribute", "Attributes", "Name", "Value"},
    {"MessageAttribute", "MessageAttributes", "Name", "Value"},
    {"MessageSystemAttribute", "MessageSystemAttributes", "Name", "Value"},
    {"Tag", "Tags", "Key", "Value"},
};
// Flattened lists: element name and JSON member.
constexpr std::pair<const char*, const char*> kListRules[] = {
    {"AttributeName", "AttributeNames"},
    {"MessageAttributeName", "MessageAttributeNames"},
    {"MessageSystemAttributeName", "MessageSystemAttributeNames"},
    {"TagKey", "TagKeys"},
    {"StringListValue", "StringListValues"},
    {"BinaryListValue", "BinaryListValues"},
    {"SendMessageBatchRequestEntry", "Entries"},
    {"DeleteMessageBatchRequestEntry", "Entries"},
    {"ChangeMessageVisibilityBatchRequestEntry", "Entries"},
};

std::optional<long> ItemIndex(const std::string& key) {
  if (key.empty() || key.size() > 6 || !std::all_of(key.begin(), key.end(), ::isdigit)) {
    return std::nullopt;
  }
  long n = std::stol(key);
  return n >= 1 ? std::optional<long>(n) : std::nullopt;
}

// The items of a numbered collection in index order, or nullopt if `node` is not one.
std::optional<std::vector<const Node*>> NumberedItems(const Node& node) {
  if (node.leaf || node.children.empty()) return std::nullopt;
  std::vector<std::pair<long, const Node*>> items;
  for (const auto& [key, child] : node.children) {
    std::optional<long> index = ItemIndex(key);
    if (!index) return std::nullopt;
    items.emplace_back(*index, &child);
  }
  std::sort(items.begin(), items.end());
  std::vector<const Node*> out;
  for (const auto& item : items) out.push_back(item.second);
  return out;
}

SqsResult<json::value> Convert(const Node& node, const std::string& path);

SqsResult<json::value> ConvertMap(const MapRule& rule, const std::vector<const Node*>& items,
                                  const std::string& path) {
  json::object out;
  for (const Node* item : items) {
    auto key = item->children.find(rule.key);
    if (key == item->children.end() || !key->second.leaf) {
      return MalformedRequest("Parameter " + path + ".N." + rule.key + " is missing.");
    }
    auto value = item->children.find(rule.value);
    if (value == item->children.end()) {
      out[*key->second.leaf] = nullptr;
      continue;
    }
    SqsResult<json::value> converted = Convert(value->second, path + ".N." + rule.value);
    if (!converted.ok()) return converted.error();
    out[*key->second.leaf] = std::move(converted).value();
  }
  return json::value(std::move(out));
}

SqsResult<json::value> Convert(const Node& node, const std::string& path) {
  if (node.leaf && !node.children.empty()) {
    return MalformedRequest("Parameter " + path + " is both a value and a structure.");
  }
  if (node.leaf) return json::value(*node.leaf);
  json::object out;
  for (const auto& [name, child] : node.children) {
    std::string child_path = path.empty() ? name : path + "." + name;
    std::optional<std::vector<const Node*>> items = NumberedItems(child);
    if (!items) {
      SqsResult<json::value> converted = Convert(child, child_path);
      if (!converted.ok()) return converted.error();
      out[name] = std::move(converted).value();
      continue;
    }
    const MapRule* map_rule = nullptr;
    for (const MapRule& rule : kMapRules) {
      if (name == rule.element) map_rule = &rule;
    }
    if (map_rule) {
      SqsResult<json::value> converted = ConvertMap(*map_rule, *items, child_path);
      if (!converted.ok()) return converted.error();
      out[map_rule->member] = std::move(converted).value();
      continue;
    }
    std::string member = name;
    for (const auto& [element, json_member] : kListRules) {
      if (name == element) member = json_member;
    }
    json::array list;
    for (const Node* item : *items) {
      SqsResult<json::value> converted = Convert(*item, child_path + ".N");
      if (!converted.ok()) return converted.error();
      list.push_back(std::move(converted).value());
    }
    out[member] = std::move(list);
  }
  return json::value(std::move(out));
}

}  // namespace

FormParams ParseForm(std::string_view text) {
  FormParams out;
  while (!text.empty()) {
    size_t amp = text.find('&');
    std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    out.emplace_back(DecodeComponent(pair.substr(0, eq)), DecodeComponent(value));
  }
  return out;
}

std::string FormValue(const FormParams& params, std::string_view name) {
  std::string out;
  for (const auto& [key, value] : params) {
    if (key == name) out = value;
  }
  return out;
}

SqsResult<json::object> FormToJson(const FormParams& params) {
  Node root;
  for (const auto& [key, value] : params) {
    Node* node = &root;
    size_t start = 0;
    while (true) {
      size_t dot = key.find('.', start);
      node = &node->children[key.substr(start, dot - start)];
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    node->leaf = value;
  }
  SqsResult<json::value> converted = Convert(root, "");
  if (!converted.ok()) return converted.error();
  return std::move(converted).value().as_object();
}

}  // namespace kumo::api::sqs
