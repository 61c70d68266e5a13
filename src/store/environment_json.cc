#include "store/environment_json.h"

#include <boost/json.hpp>

namespace kumo::store {

std::string EncodeEnvironment(const std::map<std::string, std::string>& environment) {
  boost::json::object object;
  for (const auto& [key, value] : environment) object[key] = value;
  return boost::json::serialize(object);
}

std::optional<std::map<std::string, std::string>> DecodeEnvironment(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(text, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  std::map<std::string, std::string> environment;
  for (const auto& [key, value] : parsed.get_object()) {
    if (!value.is_string()) return std::nullopt;
    environment.emplace(std::string(key), std::string(value.get_string()));
  }
  return environment;
}

}  // namespace kumo::store
