#pragma once
// The environment map of a function as the JSON text the registry stores in one column. Pure
// functions; any thread.

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace kumo::store {

// A JSON object of string values, keys in map order.
std::string EncodeEnvironment(const std::map<std::string, std::string>& environment);
// nullopt if `text` is not a JSON object whose values are all strings.
std::optional<std::map<std::string, std::string>> DecodeEnvironment(std::string_view text);

}  // namespace kumo::store
