#include "cli/version_requests.h"

#include <boost/json.hpp>

#include "cli/requests.h"

namespace kumo::cli {
namespace {

namespace json = boost::json;

constexpr std::chrono::seconds kTimeout{60};

HttpRequest Plain(std::string method, std::string target) {
  return HttpRequest{std::move(method), std::move(target), {}, "", kTimeout};
}

HttpRequest WithJson(std::string method, std::string target, const json::object& body) {
  return HttpRequest{std::move(method), std::move(target),
                     {{"Content-Type", "application/json"}}, json::serialize(body), kTimeout};
}

std::string PageQuery(std::string_view marker, int max_items) {
  std::string query = "?MaxItems=" + std::to_string(max_items);
  if (!marker.empty()) query += "&Marker=" + PercentEncode(marker);
  return query;
}

std::string AliasPath(std::string_view name, std::string_view alias) {
  return FunctionPath(name) + "/aliases/" + PercentEncode(alias);
}

json::object RoutingConfig(const AliasSpec& spec) {
  json::object weights;
  for (const auto& [version, weight] : spec.weights) weights[version] = weight;
  return json::object{{"AdditionalVersionWeights", std::move(weights)}};
}

// Lambda keeps reserved concurrency under the 2017-10-31 API but reads it under 2019-09-30.
std::string ConcurrencyPath(std::string_view api_version, std::string_view name) {
  std::string path = "/";
  path.append(api_version).append("/functions/").append(PercentEncode(name));
  return path.append("/concurrency");
}

}  // namespace

HttpRequest PublishVersionRequest(std::string_view name,
                                  const std::optional<std::string>& description) {
  json::object body;
  if (description) body["Description"] = *description;
  return WithJson("POST", FunctionPath(name) + "/versions", body);
}

HttpRequest ListVersionsRequest(std::string_view name, std::string_view marker, int max_items) {
  return Plain("GET", FunctionPath(name) + "/versions" + PageQuery(marker, max_items));
}

HttpRequest GetAliasRequest(std::string_view name, std::string_view alias) {
  return Plain("GET", AliasPath(name, alias));
}

HttpRequest CreateAliasRequest(const AliasSpec& spec) {
  json::object body{{"Name", spec.alias}, {"FunctionVersion", spec.version}};
  if (spec.description) body["Description"] = *spec.description;
  if (!spec.weights.empty()) body["RoutingConfig"] = RoutingConfig(spec);
  return WithJson("POST", FunctionPath(spec.function) + "/aliases", body);
}

HttpRequest UpdateAliasRequest(const AliasSpec& spec) {
  json::object body{{"FunctionVersion", spec.version}, {"RoutingConfig", RoutingConfig(spec)}};
  if (spec.description) body["Description"] = *spec.description;
  return WithJson("PUT", AliasPath(spec.function, spec.alias), body);
}

HttpRequest DeleteAliasRequest(std::string_view name, std::string_view alias) {
  return Plain("DELETE", AliasPath(name, alias));
}

HttpRequest ListAliasesRequest(std::string_view name, std::string_view marker, int max_items) {
  return Plain("GET", FunctionPath(name) + "/aliases" + PageQuery(marker, max_items));
}

HttpRequest PutConcurrencyRequest(std::string_view name, int reserved) {
  return WithJson("PUT", ConcurrencyPath("2017-10-31", name),
                  json::object{{"ReservedConcurrentExecutions", reserved}});
}

HttpRequest GetConcurrencyRequest(std::string_view name) {
  return Plain("GET", ConcurrencyPath("2019-09-30", name));
}

HttpRequest DeleteConcurrencyRequest(std::string_view name) {
  return Plain("DELETE", ConcurrencyPath("2017-10-31", name));
}

}  // namespace kumo::cli
