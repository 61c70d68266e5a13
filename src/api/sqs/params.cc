#include "api/sqs/params.h"

#include <charconv>

namespace kumo::api::sqs {
namespace json = boost::json;

std::optional<int64_t> ParseInt(std::string_view text) {
  int64_t value = 0;
  if (text.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

SqsResult<std::optional<std::string>> OptionalString(const json::object& in, const char* name) {
  const json::value* v = in.if_contains(name);
  if (!v || v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) {
    return InvalidParameterValue(std::string("Parameter ") + name + " must be a string.");
  }
  return std::optional<std::string>(json::value_to<std::string>(*v));
}

SqsResult<std::string> RequiredString(const json::object& in, const char* name) {
  SqsResult<std::optional<std::string>> v = OptionalString(in, name);
  if (!v.ok()) return v.error();
  if (!v.value() || v.value()->empty()) return MissingParameter(name);
  return std::move(*v.value());
}

SqsResult<std::optional<int64_t>> OptionalInt(const json::object& in, const char* name, int64_t min,
                                              int64_t max) {
  const json::value* v = in.if_contains(name);
  if (!v || v->is_null()) return std::optional<int64_t>();
  std::optional<int64_t> n;
  std::string shown;
  if (v->is_int64()) {
    n = v->as_int64();
  } else if (v->is_uint64() && v->as_uint64() <= INT64_MAX) {
    n = static_cast<int64_t>(v->as_uint64());
  } else if (v->is_string()) {
    n = ParseInt(v->as_string());
  }
  shown = v->is_string() ? std::string(v->as_string()) : json::serialize(*v);
  if (!n || *n < min || *n > max) {
    return InvalidParameterValue("Value " + shown + " for parameter " + name +
                                 " is invalid. Reason: Must be between " + std::to_string(min) +
                                 " and " + std::to_string(max) + ", if provided.");
  }
  return std::optional<int64_t>(*n);
}

SqsResult<std::vector<std::string>> StringList(const json::object& in, const char* name) {
  std::vector<std::string> out;
  const json::value* v = in.if_contains(name);
  if (!v || v->is_null()) return out;
  if (!v->is_array()) {
    return InvalidParameterValue(std::string("Parameter ") + name + " must be a list of strings.");
  }
  for (const json::value& item : v->as_array()) {
    if (!item.is_string()) {
      return InvalidParameterValue(std::string("Parameter ") + name +
                                   " must be a list of strings.");
    }
    out.push_back(json::value_to<std::string>(item));
  }
  return out;
}

SqsResult<std::map<std::string, std::string>> StringMap(const json::object& in, const char* name) {
  std::map<std::string, std::string> out;
  const json::value* v = in.if_contains(name);
  if (!v || v->is_null()) return out;
  if (!v->is_object()) {
    return InvalidParameterValue(std::string("Parameter ") + name +
                                 " must be a map of strings to strings.");
  }
  for (const auto& [key, item] : v->as_object()) {
    if (!item.is_string()) {
      return InvalidParameterValue(std::string("Parameter ") + name + " has a value for " +
                                   std::string(key) + " that is not a string.");
    }
    out[std::string(key)] = json::value_to<std::string>(item);
  }
  return out;
}

SqsResult<std::vector<const json::object*>> ObjectList(const json::object& in, const char* name) {
  std::vector<const json::object*> out;
  const json::value* v = in.if_contains(name);
  if (!v || v->is_null()) return out;
  if (!v->is_array()) {
    return InvalidParameterValue(std::string("Parameter ") + name + " must be a list.");
  }
  for (const json::value& item : v->as_array()) {
    if (!item.is_object()) {
      return InvalidParameterValue(std::string("Parameter ") + name +
                                   " must be a list of structures.");
    }
    out.push_back(&item.as_object());
  }
  return out;
}

}  // namespace kumo::api::sqs
