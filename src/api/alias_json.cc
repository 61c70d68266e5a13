#include "api/alias_json.h"

namespace kumo::api {
namespace json = boost::json;

std::string AliasArn(const ArnContext& ctx, const std::string& function_name,
                     const std::string& alias) {
  return FunctionArn(ctx, function_name) + ":" + alias;
}

json::object AliasConfigurationObject(const ArnContext& ctx, const store::AliasConfig& alias) {
  json::object o;
  o["AliasArn"] = AliasArn(ctx, alias.function_name, alias.name);
  o["Name"] = alias.name;
  o["FunctionVersion"] = alias.function_version;
  o["Description"] = alias.description;
  if (!alias.additional_weights.empty()) {
    json::object weights;
    for (const auto& [version, weight] : alias.additional_weights) weights[version] = weight;
    o["RoutingConfig"] = json::object{{"AdditionalVersionWeights", std::move(weights)}};
  }
  o["RevisionId"] = alias.revision_id;
  return o;
}

std::string AliasConfigurationJson(const ArnContext& ctx, const store::AliasConfig& alias) {
  return json::serialize(AliasConfigurationObject(ctx, alias));
}

std::string ListAliasesJson(const ArnContext& ctx, const std::vector<store::AliasConfig>& aliases,
                            const std::string* next_marker) {
  json::array list;
  for (const auto& alias : aliases) list.push_back(AliasConfigurationObject(ctx, alias));
  json::object o;
  o["Aliases"] = std::move(list);
  if (next_marker) o["NextMarker"] = *next_marker;
  return json::serialize(o);
}

Result<std::optional<std::map<std::string, double>>> RoutingField(const json::object& body) {
  using Weights = std::map<std::string, double>;
  const json::value* routing = body.if_contains("RoutingConfig");
  if (!routing || routing->is_null()) return std::optional<Weights>();
  if (!routing->is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "RoutingConfig must be an object");
  }
  Weights weights;
  const json::value* entries = routing->as_object().if_contains("AdditionalVersionWeights");
  if (!entries || entries->is_null()) return std::optional<Weights>(weights);
  if (!entries->is_object()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "RoutingConfig.AdditionalVersionWeights must be an object");
  }
  for (const auto& entry : entries->as_object()) {
    if (!entry.value().is_number()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "The weight of version " + std::string(entry.key()) + " must be a number");
    }
    weights[std::string(entry.key())] = entry.value().to_number<double>();
  }
  return std::optional<Weights>(std::move(weights));
}

}  // namespace kumo::api
