#pragma once
// An alias's AdditionalVersionWeights as the JSON text the registry stores in one column
// ({"2": 0.3}). Pure functions; any thread.

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace kumo::store {

std::string EncodeRouting(const std::map<std::string, double>& weights);
// nullopt if `text` is not a JSON object whose values are all numbers.
std::optional<std::map<std::string, double>> DecodeRouting(std::string_view text);

}  // namespace kumo::store
