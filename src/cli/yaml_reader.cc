#include "cli/yaml_reader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <set>

namespace kumo::cli {
namespace {

std::string Join(const std::vector<std::string_view>& items) {
  std::string text;
  for (std::string_view item : items) {
    if (!text.empty()) text += ", ";
    text += item;
  }
  return text;
}

bool IsEnvName(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

// "90", "90s", "15m", "2h" or "1d" as seconds; nullopt for anything else.
std::optional<int64_t> ParseDuration(std::string digits) {
  if (digits.empty()) return std::nullopt;
  int64_t unit = 1;
  switch (digits.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    default:
      unit = 0;
      break;
  }
  if (unit != 0) {
    digits.pop_back();
  } else {
    unit = 1;
  }
  if (digits.empty() || digits.size() > 9 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::stoll(digits) * unit;
}

}  // namespace

std::string YamlReader::Position(const YAML::Node& node) const {
  YAML::Mark mark = node.Mark();
  std::string where = label_;
  if (!mark.is_null()) {
    where.append(":").append(std::to_string(mark.line + 1));
    where.append(":").append(std::to_string(mark.column + 1));
  }
  return where;
}

Error YamlReader::At(const YAML::Node& node, std::string_view message) const {
  std::string where = Position(node);
  where.append(": ").append(message);
  return MakeError(ErrorCode::kInvalidArgument, std::move(where));
}

Error YamlReader::AtValue(const YAML::Node& key, const YAML::Node& value,
                          std::string_view message) const {
  return At(value.IsNull() || value.Mark().is_null() ? key : value, message);
}

Status YamlReader::CheckKeys(const YAML::Node& map, std::string_view where,
                             const std::vector<std::string_view>& allowed) const {
  std::set<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar())
      return At(it->first, "keys must be plain names " + std::string(where));
    std::string key = it->first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return At(it->first, "unknown key \"" + key + "\" " + std::string(where) +
                               " (expected one of: " + Join(allowed) + ")");
    }
    if (!seen.insert(key).second) {
      return At(it->first, "duplicate key \"" + key + "\" " + std::string(where));
    }
  }
  return Ok();
}

Result<std::string> YamlReader::Substitute(const YAML::Node& at, const std::string& text) const {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t start = text.find("${", pos);
    if (start == std::string::npos) break;
    size_t end = text.find('}', start);
    if (end == std::string::npos) return At(at, "unterminated \"${\" (expected ${env:NAME})");
    std::string inner = text.substr(start + 2, end - start - 2);
    if (inner.rfind("env:", 0) != 0 || !IsEnvName(inner.substr(4))) {
      return At(at, "unsupported variable \"${" + inner +
                        "}\" (only ${env:NAME} is supported, NAME an environment variable)");
    }
    std::optional<std::string> value = env_(inner.substr(4));
    if (!value) {
      return At(
          at, "environment variable " + inner.substr(4) + " is not set (used as ${" + inner + "})");
    }
    out.append(text, pos, start - pos).append(*value);
    pos = end + 1;
  }
  out.append(text, pos);
  return out;
}

Result<std::string> YamlReader::String(const YAML::Node& key, const YAML::Node& value,
                                       std::string_view what) const {
  if (!value.IsScalar()) return AtValue(key, value, std::string(what) + " must be a string");
  return Substitute(value, value.Scalar());
}

Result<int64_t> YamlReader::Integer(const YAML::Node& key, const YAML::Node& value, int64_t min,
                                    int64_t max, std::string_view range_message) const {
  if (!value.IsScalar()) return AtValue(key, value, range_message);
  KUMO_ASSIGN_OR_RETURN(std::string text, Substitute(value, value.Scalar()));
  int64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end != text.data() + text.size() || number < min || number > max) {
    return At(value, range_message);
  }
  return number;
}

Result<int64_t> YamlReader::Seconds(const YAML::Node& key, const YAML::Node& value, int64_t min,
                                    int64_t max, std::string_view range_message) const {
  if (!value.IsScalar()) return AtValue(key, value, range_message);
  KUMO_ASSIGN_OR_RETURN(std::string text, Substitute(value, value.Scalar()));
  std::optional<int64_t> seconds = ParseDuration(text);
  if (!seconds || *seconds < min || *seconds > max) return At(value, range_message);
  return *seconds;
}

Result<double> YamlReader::Number(const YAML::Node& key, const YAML::Node& value,
                                  std::string_view what) const {
  std::string message = std::string(what) + " must be a positive number";
  if (!value.IsScalar()) return AtValue(key, value, message);
  KUMO_ASSIGN_OR_RETURN(std::string text, Substitute(value, value.Scalar()));
  char* end = nullptr;
  double number = text.empty() ? 0 : std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(number > 0) || number > 1e9) return At(value, message);
  return number;
}

Result<bool> YamlReader::Bool(const YAML::Node& key, const YAML::Node& value,
                              std::string_view what) const {
  std::string message = std::string(what) + " must be true or false";
  if (!value.IsScalar()) return AtValue(key, value, message);
  std::string text = value.Scalar();
  std::transform(text.begin(), text.end(), text.begin(), ::tolower);
  if (text == "true") return true;
  if (text == "false") return false;
  return At(value, message);
}

Result<std::vector<std::string>> YamlReader::StringList(const YAML::Node& key,
                                                        const YAML::Node& value,
                                                        std::string_view what) const {
  std::vector<std::string> items;
  if (value.IsScalar()) {
    KUMO_ASSIGN_OR_RETURN(std::string item, String(key, value, what));
    items.push_back(std::move(item));
    return items;
  }
  if (!value.IsSequence()) {
    return AtValue(key, value, std::string(what) + " must be a list of strings");
  }
  for (const YAML::Node& element : value) {
    if (!element.IsScalar()) return At(element, std::string(what) + " must be a list of strings");
    KUMO_ASSIGN_OR_RETURN(std::string item, Substitute(element, element.Scalar()));
    items.push_back(std::move(item));
  }
  return items;
}

Status YamlReader::ExpectMap(const YAML::Node& key, const YAML::Node& value,
                             std::string_view what) const {
  if (!value.IsMap()) return AtValue(key, value, std::string(what) + " must be a map of keys");
  return Ok();
}

}  // namespace kumo::cli
