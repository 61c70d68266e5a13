#include "cli/project_requests.h"

#include <algorithm>
#include <boost/json.hpp>

#include "cli/command_util.h"

namespace kumo::cli {
namespace {

namespace json = boost::json;

constexpr std::string_view kKumoFunctions = "/kumo/v1/functions/";
constexpr std::string_view kGateway = "/kumo/v1/gateway";

HttpRequest Json(std::string method, std::string target, const json::value& body) {
  HttpRequest request{std::move(method), std::move(target), {}, json::serialize(body)};
  request.headers = {{"Content-Type", "application/json"}};
  return request;
}

HttpRequest Get(std::string target) { return HttpRequest{"GET", std::move(target), {}, ""}; }

json::array StringArray(const std::vector<std::string>& items) {
  json::array array;
  for (const std::string& item : items) array.emplace_back(item);
  return array;
}

std::vector<std::string> Strings(const json::object& object, std::string_view key) {
  std::vector<std::string> items;
  const json::value* value = object.if_contains(key);
  if (value && value->is_array()) {
    for (const json::value& item : value->as_array()) {
      if (item.is_string()) items.emplace_back(item.as_string());
    }
  } else if (value && value->is_string()) {
    items.emplace_back(value->as_string());
  }
  return items;
}

double Number(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value && value->is_number() ? value->to_number<double>() : 0;
}

Result<json::object> ParseObject(std::string_view body) {
  boost::system::error_code ec;
  json::value value = json::parse(body, ec);
  if (ec || !value.is_object()) {
    return MakeError(ErrorCode::kInternal, "the server sent a reply that is not a JSON object");
  }
  return std::move(value.as_object());
}

}  // namespace

DeploySpec ProjectDeploySpec(const std::string& project, const FunctionSpec& spec) {
  DeploySpec deploy;
  deploy.name = spec.name;
  deploy.runtime = spec.runtime;
  deploy.handler = spec.handler;
  deploy.description = DescriptionFor(project, spec);
  deploy.memory_mb = spec.memory_mb;
  deploy.timeout_s = spec.timeout_s;
  deploy.environment = spec.environment;
  return deploy;
}

HttpRequest GetRoutesRequest(std::string_view name) {
  return Get(std::string(kKumoFunctions) + PercentEncode(name) + "/routes");
}

HttpRequest PutRoutesRequest(std::string_view name, const std::vector<RouteSpec>& routes) {
  json::array list;
  for (const RouteSpec& route : routes) {
    json::object entry{{"RouteKey", route.route_key}, {"Auth", route.auth}};
    if (route.rate_limit) {
      entry["RateLimit"] =
          json::object{{"RequestsPerSecond", route.rate_limit->requests_per_second},
                       {"Burst", route.rate_limit->burst}};
    }
    list.push_back(std::move(entry));
  }
  return Json("PUT", std::string(kKumoFunctions) + PercentEncode(name) + "/routes",
              json::object{{"Routes", std::move(list)}});
}

HttpRequest GetSettingsRequest(std::string_view name) {
  return Get(std::string(kKumoFunctions) + PercentEncode(name) + "/settings");
}

HttpRequest PutKeepAliveRequest(std::string_view name, int keep_alive_s) {
  return Json("PUT", std::string(kKumoFunctions) + PercentEncode(name) + "/settings",
              json::object{{"KeepAliveSeconds", keep_alive_s}});
}

HttpRequest GetCorsRequest() { return Get(std::string(kGateway) + "/cors"); }

HttpRequest PutCorsRequest(const CorsSpec& cors) {
  return Json("PUT", std::string(kGateway) + "/cors",
              json::object{{"AllowOrigins", StringArray(cors.allow_origins)},
                           {"AllowMethods", StringArray(cors.allow_methods)},
                           {"AllowHeaders", StringArray(cors.allow_headers)},
                           {"ExposeHeaders", StringArray(cors.expose_headers)},
                           {"AllowCredentials", cors.allow_credentials},
                           {"MaxAge", cors.max_age}});
}

HttpRequest ListAuthorizersRequest() { return Get(std::string(kGateway) + "/authorizers"); }

HttpRequest PutAuthorizerRequest(const AuthorizerSpec& authorizer) {
  json::object body{{"Issuer", authorizer.issuer}, {"Audience", StringArray(authorizer.audience)}};
  if (authorizer.jwks_file.empty()) {
    body["HS256Secret"] = authorizer.hs256_secret;
  } else {
    body["JwksFile"] = authorizer.jwks_file;
  }
  return Json("PUT", std::string(kGateway) + "/authorizers/" + PercentEncode(authorizer.name),
              body);
}

DeployedFunction DeployedFromConfiguration(const json::object& config) {
  DeployedFunction deployed;
  deployed.name = StringField(config, "FunctionName");
  deployed.description = StringField(config, "Description");
  deployed.runtime = StringField(config, "Runtime");
  deployed.handler = StringField(config, "Handler");
  deployed.memory_mb = static_cast<int>(IntField(config, "MemorySize", 0));
  deployed.timeout_s = static_cast<int>(IntField(config, "Timeout", 0));
  deployed.code_sha256 = StringField(config, "CodeSha256");
  const json::value* env = config.if_contains("Environment");
  const json::value* vars =
      env && env->is_object() ? env->as_object().if_contains("Variables") : nullptr;
  if (vars && vars->is_object()) {
    for (const auto& entry : vars->as_object()) {
      if (entry.value().is_string()) {
        deployed.environment[std::string(entry.key())] = std::string(entry.value().as_string());
      }
    }
  }
  return deployed;
}

Result<std::vector<RouteSpec>> RoutesFromReply(std::string_view body) {
  KUMO_ASSIGN_OR_RETURN(json::object reply, ParseObject(body));
  std::vector<RouteSpec> routes;
  const json::value* list = reply.if_contains("Routes");
  if (!list || !list->is_array()) {
    return MakeError(ErrorCode::kInternal, "the server's routes reply has no Routes list");
  }
  for (const json::value& item : list->as_array()) {
    if (!item.is_object()) continue;
    const json::object& entry = item.as_object();
    RouteSpec route;
    route.route_key = StringField(entry, "RouteKey");
    route.auth = StringField(entry, "Auth", "none");
    if (route.auth.empty()) route.auth = "none";
    const json::value* limit = entry.if_contains("RateLimit");
    if (limit && limit->is_object()) {
      route.rate_limit = RateLimitSpec{Number(limit->as_object(), "RequestsPerSecond"),
                                       Number(limit->as_object(), "Burst")};
    }
    routes.push_back(std::move(route));
  }
  std::sort(routes.begin(), routes.end(),
            [](const RouteSpec& a, const RouteSpec& b) { return a.route_key < b.route_key; });
  return routes;
}

Result<CorsSpec> CorsFromReply(std::string_view body) {
  KUMO_ASSIGN_OR_RETURN(json::object reply, ParseObject(body));
  CorsSpec cors;
  cors.allow_origins = Strings(reply, "AllowOrigins");
  cors.allow_methods = Strings(reply, "AllowMethods");
  cors.allow_headers = Strings(reply, "AllowHeaders");
  cors.expose_headers = Strings(reply, "ExposeHeaders");
  const json::value* credentials = reply.if_contains("AllowCredentials");
  cors.allow_credentials = credentials && credentials->is_bool() && credentials->as_bool();
  cors.max_age = static_cast<int>(IntField(reply, "MaxAge", 0));
  return cors;
}

Result<std::vector<DeployedAuthorizer>> AuthorizersFromReply(std::string_view body) {
  KUMO_ASSIGN_OR_RETURN(json::object reply, ParseObject(body));
  std::vector<DeployedAuthorizer> authorizers;
  const json::value* list = reply.if_contains("Authorizers");
  if (!list) list = reply.if_contains("Items");
  if (!list || !list->is_array()) {
    return MakeError(ErrorCode::kInternal, "the server's authorizers reply has no list");
  }
  for (const json::value& item : list->as_array()) {
    if (!item.is_object()) continue;
    const json::object& entry = item.as_object();
    authorizers.push_back(
        DeployedAuthorizer{StringField(entry, "Name"), StringField(entry, "Issuer"),
                           Strings(entry, "Audience"), StringField(entry, "JwksFile")});
  }
  return authorizers;
}

}  // namespace kumo::cli
