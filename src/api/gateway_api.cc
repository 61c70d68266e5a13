// Api's gateway configuration operations (kumo's own paths, /kumo/v1/...): a function's HTTP
// routes, the gateway's CORS, JWT authorizers and API keys. The gateway reads what these store.
#include <chrono>
#include <fstream>
#include <sstream>

#include "api/api.h"
#include "api/errors.h"
#include "api/request_json.h"
#include "api/request_path.h"
#include "api/validation.h"
#include "common/time_format.h"
#include "gateway/api_keys.h"
#include "gateway/cors.h"
#include "gateway/jwt.h"
#include "gateway/route_table.h"

namespace kumo::api {
namespace json = boost::json;
namespace {

net::HttpResponse NoContent() {
  net::HttpResponse r;
  r.status = 204;
  return r;
}

Error Invalid(const std::string& message) { return MakeError(ErrorCode::kInvalidArgument, message); }

json::object RouteJson(const store::RouteConfig& r, bool with_function) {
  json::object o{{"RouteKey", r.route_key}, {"Auth", r.auth}};
  if (r.rate_rps > 0 || r.rate_burst > 0) {
    o["RateLimit"] = json::object{{"RequestsPerSecond", r.rate_rps}, {"Burst", r.rate_burst}};
  }
  if (with_function) o["FunctionName"] = r.function_name;
  return o;
}

Result<std::vector<std::string>> StringList(const json::object& o, const char* key) {
  std::vector<std::string> out;
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return out;
  if (!v->is_array()) return Invalid(std::string(key) + " must be a list of strings");
  for (const auto& s : v->as_array()) {
    if (!s.is_string()) return Invalid(std::string(key) + " must be a list of strings");
    out.emplace_back(s.as_string());
  }
  return out;
}

double Number(const json::value& v) {
  return v.is_double() ? v.as_double() : v.is_int64() ? static_cast<double>(v.as_int64())
                                       : v.is_uint64() ? static_cast<double>(v.as_uint64())
                                                       : -1;
}

}  // namespace

bool Api::HandleGatewayConfig(net::HttpRequest& req, net::Responder& respond) {
  std::vector<std::string> p = SplitPath(req.path);
  if (p.size() < 3 || p[0] != "kumo" || p[1] != "v1") return false;
  const std::string& m = req.method;
  if (p.size() == 5 && p[2] == "functions" && p[4] == "routes") {
    if (m == "PUT") return PutRoutes(p[3], req, respond), true;
    if (m == "GET") return GetRoutes(p[3], respond), true;
  }
  if (p.size() == 3 && p[2] == "routes" && m == "GET") return GetRoutes("", respond), true;
  if (p.size() == 4 && p[2] == "gateway" && p[3] == "cors") {
    if (m == "PUT") return PutCors(req, respond), true;
    if (m == "GET" || m == "DELETE") {
      if (m == "DELETE") {
        auto deleted = gateway_.DeleteSetting("cors");
        return respond(deleted.ok() ? NoContent() : ErrorResponse(deleted.error())), true;
      }
      auto cors = gateway_.GetSetting("cors");
      if (!cors.ok()) return respond(ErrorResponse(cors.error())), true;
      return respond(net::HttpResponse::Json(200, cors->value_or("{}"))), true;
    }
  }
  if (p.size() >= 4 && p[2] == "gateway" && p[3] == "authorizers") {
    if (p.size() == 4 && m == "GET") return ListAuthorizers(respond), true;
    if (p.size() == 5 && m == "PUT") return PutAuthorizer(p[4], req, respond), true;
    if (p.size() == 5 && m == "DELETE") {
      auto deleted = gateway_.DeleteSetting("authorizer:" + p[4]);
      if (!deleted.ok() && deleted.error().code == ErrorCode::kNotFound) {
        return respond(ErrorResponse(
                   MakeError(ErrorCode::kNotFound, "Authorizer " + p[4] + " not found"))),
               true;
      }
      return respond(deleted.ok() ? NoContent() : ErrorResponse(deleted.error())), true;
    }
  }
  if (p.size() >= 3 && p[2] == "api-keys") {
    if (p.size() == 3 && m == "POST") return CreateApiKey(req, respond), true;
    if (p.size() == 3 && m == "GET") return ListApiKeys(respond), true;
    if (p.size() == 4 && m == "DELETE") {
      auto deleted = gateway_.DeleteApiKey(p[3]);
      return respond(deleted.ok() ? NoContent() : ErrorResponse(deleted.error())), true;
    }
  }
  return false;
}

void Api::PutRoutes(const std::string& name, const net::HttpRequest& req,
                    net::Responder& respond) {
  std::optional<json::object> parsed = ParseJsonBodyOrRespond(req, respond);
  if (!parsed) return;
  const json::object& body = *parsed;
  auto result = [&]() -> Result<std::vector<store::RouteConfig>> {
    KUMO_RETURN_IF_ERROR(Find(name));
    const json::value* list = body.if_contains("Routes");
    if (!list || !list->is_array()) return Invalid("Routes must be a list");
    std::vector<store::RouteConfig> routes;
    for (const auto& item : list->as_array()) {
      if (!item.is_object()) return Invalid("each route must be an object with a RouteKey");
      const json::object& o = item.as_object();
      store::RouteConfig r;
      r.function_name = name;
      KUMO_ASSIGN_OR_RETURN(auto key, StringField(o, "RouteKey"));
      if (!key) return Invalid("each route needs a RouteKey such as \"GET /items/{id}\"");
      KUMO_ASSIGN_OR_RETURN(gateway::RouteKey parsed_key, gateway::ParseRouteKey(*key));
      // Stored in canonical form (upper-case method) so equal routes compare equal.
      r.route_key = parsed_key.is_default ? "$default" : parsed_key.method + key->substr(key->find(' '));
      KUMO_ASSIGN_OR_RETURN(auto auth, StringField(o, "Auth"));
      r.auth = auth.value_or("none");
      if (r.auth.rfind("jwt:", 0) == 0) {
        KUMO_ASSIGN_OR_RETURN(auto authorizer, gateway_.GetSetting("authorizer:" + r.auth.substr(4)));
        if (!authorizer) return Invalid("route " + r.route_key + ": no authorizer " + r.auth.substr(4));
      } else if (r.auth != "none" && r.auth != "api_key") {
        return Invalid("route " + r.route_key + ": Auth must be none, api_key or jwt:<authorizer>");
      }
      if (const auto* limit = o.if_contains("RateLimit"); limit && !limit->is_null()) {
        if (!limit->is_object()) return Invalid("RateLimit must be an object");
        const json::object& l = limit->as_object();
        r.rate_rps = l.contains("RequestsPerSecond") ? Number(l.at("RequestsPerSecond")) : 0;
        r.rate_burst = l.contains("Burst") ? Number(l.at("Burst")) : r.rate_rps;
        if (r.rate_rps < 0 || r.rate_burst < 0) {
          return Invalid("RateLimit.RequestsPerSecond and Burst must be numbers of at least 0");
        }
      }
      routes.push_back(std::move(r));
    }
    KUMO_RETURN_IF_ERROR(gateway_.SetRoutes(name, routes));
    return gateway_.Routes(name);
  }();
  if (!result.ok()) return respond(ErrorResponse(result.error()));
  json::array out;
  for (const auto& r : *result) out.push_back(RouteJson(r, false));
  respond(net::HttpResponse::Json(200, json::serialize(json::object{{"Routes", std::move(out)}})));
}

void Api::GetRoutes(const std::string& name, net::Responder& respond) {
  if (!name.empty()) {
    if (auto found = Find(name); !found.ok()) return respond(ErrorResponse(found.error()));
  }
  auto routes = gateway_.Routes(name);
  if (!routes.ok()) return respond(ErrorResponse(routes.error()));
  json::array out;
  for (const auto& r : *routes) out.push_back(RouteJson(r, name.empty()));
  respond(net::HttpResponse::Json(200, json::serialize(json::object{{"Routes", std::move(out)}})));
}

void Api::PutCors(const net::HttpRequest& req, net::Responder& respond) {
  std::optional<json::object> parsed = ParseJsonBodyOrRespond(req, respond);
  if (!parsed) return;
  const json::object& body = *parsed;
  auto result = [&]() -> Result<std::string> {
    json::object cors;
    for (const char* key : {"AllowOrigins", "AllowMethods", "AllowHeaders", "ExposeHeaders"}) {
      KUMO_ASSIGN_OR_RETURN(auto list, StringList(body, key));
      json::array a;
      for (auto& s : list) a.emplace_back(s);
      cors[key] = std::move(a);
    }
    if (cors["AllowOrigins"].as_array().empty()) return Invalid("AllowOrigins must not be empty");
    const json::value* credentials = body.if_contains("AllowCredentials");
    if (credentials && !credentials->is_bool()) return Invalid("AllowCredentials must be true or false");
    cors["AllowCredentials"] = credentials && credentials->as_bool();
    KUMO_ASSIGN_OR_RETURN(auto max_age, IntField(body, "MaxAge"));
    if (max_age && (*max_age < 0 || *max_age > 86400)) {
      return Invalid("MaxAge must be between 0 and 86400 seconds");
    }
    cors["MaxAge"] = max_age.value_or(0);
    gateway::CorsConfig check;
    KUMO_ASSIGN_OR_RETURN(check.allow_origins, StringList(body, "AllowOrigins"));
    KUMO_ASSIGN_OR_RETURN(check.allow_methods, StringList(body, "AllowMethods"));
    KUMO_ASSIGN_OR_RETURN(check.allow_headers, StringList(body, "AllowHeaders"));
    KUMO_ASSIGN_OR_RETURN(check.expose_headers, StringList(body, "ExposeHeaders"));
    check.allow_credentials = credentials && credentials->as_bool();
    check.max_age = static_cast<int>(max_age.value_or(0));
    KUMO_RETURN_IF_ERROR(gateway::ValidateCorsConfig(check));
    std::string text = json::serialize(cors);
    KUMO_RETURN_IF_ERROR(gateway_.PutSetting("cors", text));
    return text;
  }();
  if (!result.ok()) return respond(ErrorResponse(result.error()));
  respond(net::HttpResponse::Json(200, *result));
}

void Api::PutAuthorizer(const std::string& name, const net::HttpRequest& req,
                        net::Responder& respond) {
  std::optional<json::object> parsed = ParseJsonBodyOrRespond(req, respond);
  if (!parsed) return;
  const json::object& body = *parsed;
  auto result = [&]() -> Status {
    KUMO_RETURN_IF_ERROR(ValidateFunctionName(name));  // same character rules
    gateway::JwtAuthorizerConfig config;
    KUMO_ASSIGN_OR_RETURN(auto issuer, StringField(body, "Issuer"));
    config.issuer = issuer.value_or("");
    KUMO_ASSIGN_OR_RETURN(config.audience, StringList(body, "Audience"));
    KUMO_ASSIGN_OR_RETURN(auto secret, StringField(body, "HS256Secret"));
    KUMO_ASSIGN_OR_RETURN(auto jwks_file, StringField(body, "JwksFile"));
    if (secret.has_value() == jwks_file.has_value()) {
      return Invalid("give exactly one of HS256Secret and JwksFile");
    }
    config.hs256_secret = secret.value_or("");
    if (jwks_file) {
      std::ifstream in(*jwks_file);
      if (!in) return Invalid("cannot read JwksFile " + *jwks_file);
      std::stringstream buf;
      buf << in.rdbuf();
      config.jwks_json = buf.str();
    }
    // Refused here rather than at the first request if it could never verify a token.
    KUMO_RETURN_IF_ERROR(gateway::JwtAuthorizer::Create(config));
    json::object stored{{"Issuer", config.issuer}};
    json::array audience;
    for (auto& a : config.audience) audience.emplace_back(a);
    stored["Audience"] = std::move(audience);
    if (secret) stored["HS256Secret"] = *secret;
    if (jwks_file) stored["JwksFile"] = *jwks_file;
    return gateway_.PutSetting("authorizer:" + name, json::serialize(stored));
  }();
  if (!result.ok()) return respond(ErrorResponse(result.error()));
  respond(net::HttpResponse::Json(200, json::serialize(json::object{{"Name", name}})));
}

void Api::ListAuthorizers(net::Responder& respond) {
  auto list = gateway_.ListSettings("authorizer:");
  if (!list.ok()) return respond(ErrorResponse(list.error()));
  json::array out;
  for (const auto& [key, value] : *list) {
    json::object o = json::parse(value).as_object();
    o.erase("HS256Secret");  // secrets are not echoed
    o["Name"] = key.substr(std::string("authorizer:").size());
    out.push_back(std::move(o));
  }
  respond(net::HttpResponse::Json(200, json::serialize(json::object{{"Items", std::move(out)}})));
}

void Api::CreateApiKey(const net::HttpRequest& req, net::Responder& respond) {
  std::optional<json::object> parsed = ParseJsonBodyOrRespond(req, respond);
  if (!parsed) return;
  auto name = StringField(*parsed, "Name");
  if (!name.ok()) return respond(ErrorResponse(name.error()));
  gateway::NewApiKey key = gateway::GenerateApiKey();
  store::ApiKeyRecord record{key.id, name->value_or(""), key.hash_hex, key.prefix,
                             Iso8601Millis(std::chrono::system_clock::now())};
  if (auto added = gateway_.AddApiKey(record); !added.ok()) {
    return respond(ErrorResponse(added.error()));
  }
  respond(net::HttpResponse::Json(
      201, json::serialize(json::object{{"Id", record.id},
                                        {"Name", record.name},
                                        {"Value", key.value},
                                        {"Prefix", record.prefix},
                                        {"CreatedDate", record.created}})));
}

void Api::ListApiKeys(net::Responder& respond) {
  auto keys = gateway_.ListApiKeys();
  if (!keys.ok()) return respond(ErrorResponse(keys.error()));
  json::array out;
  for (const auto& k : *keys) {
    out.push_back(json::object{
        {"Id", k.id}, {"Name", k.name}, {"Prefix", k.prefix}, {"CreatedDate", k.created}});
  }
  respond(net::HttpResponse::Json(200, json::serialize(json::object{{"Items", std::move(out)}})));
}

}  // namespace kumo::api
