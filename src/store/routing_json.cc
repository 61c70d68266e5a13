#include "store/routing_json.h"

#include <boost/json.hpp>

namespace kumo::store {

std::string EncodeRouting(const std::map<std::string, double>& weights) {
  boost::json::object object;
  for (const auto& [version, weight] : weights) object[version] = weight;
  return boost::json::serialize(object);
}

std::optional<std::map<std::string, double>> DecodeRouting(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(text, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  std::map<std::string, double> weights;
  for (const auto& [version, weight] : parsed.get_object()) {
    if (!weight.is_number()) return std::nullopt;
    weights.emplace(std::string(version), weight.to_number<double>());
  }
  return weights;
}

}  // namespace kumo::store
