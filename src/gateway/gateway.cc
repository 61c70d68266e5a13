#include "gateway/gateway.h"

#include <spdlog/spdlog.h>
#include <strings.h>

#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <sstream>

#include "common/encoding.h"
#include "common/time_format.h"
#include "dispatch/error_document.h"
#include "gateway/api_keys.h"
#include "gateway/apigw_event.h"

namespace kumo::gateway {
namespace json = boost::json;
namespace {

int64_t SteadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::vector<std::string> Strings(const json::object& o, const char* key) {
  std::vector<std::string> out;
  if (const auto* v = o.if_contains(key); v && v->is_array()) {
    for (const auto& s : v->as_array()) {
      if (s.is_string()) out.emplace_back(s.as_string());
    }
  }
  return out;
}

std::optional<CorsConfig> ParseCors(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const json::object& o = v.as_object();
  CorsConfig c;
  c.allow_origins = Strings(o, "AllowOrigins");
  c.allow_methods = Strings(o, "AllowMethods");
  c.allow_headers = Strings(o, "AllowHeaders");
  c.expose_headers = Strings(o, "ExposeHeaders");
  if (const auto* b = o.if_contains("AllowCredentials"); b && b->is_bool()) {
    c.allow_credentials = b->as_bool();
  }
  if (const auto* m = o.if_contains("MaxAge"); m && m->is_int64()) {
    c.max_age = static_cast<int>(m->as_int64());
  }
  return c;
}

Result<std::unique_ptr<JwtAuthorizer>> ParseAuthorizer(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return MakeError(ErrorCode::kInvalidArgument, "not a JSON object");
  const json::object& o = v.as_object();
  JwtAuthorizerConfig config;
  if (const auto* s = o.if_contains("Issuer"); s && s->is_string()) config.issuer = s->as_string();
  config.audience = Strings(o, "Audience");
  if (const auto* s = o.if_contains("HS256Secret"); s && s->is_string()) {
    config.hs256_secret = s->as_string();
  }
  if (const auto* f = o.if_contains("JwksFile"); f && f->is_string()) {
    std::ifstream in(std::string(f->as_string()));
    if (!in) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "cannot read JWKS file " + std::string(f->as_string()));
    }
    std::stringstream buf;
    buf << in.rdbuf();
    config.jwks_json = buf.str();
  }
  return JwtAuthorizer::Create(config);
}

}  // namespace

Gateway::Gateway(store::GatewayStore& store, dispatch::Dispatcher& dispatcher,
                 FunctionResolver resolve, GatewayOptions options)
    : store_(store),
      dispatcher_(dispatcher),
      resolve_(std::move(resolve)),
      options_(std::move(options)) {
  if (!options_.access_log_path.empty()) {
    access_log_ = std::fopen(options_.access_log_path.c_str(), "a");
    if (access_log_) setvbuf(access_log_, nullptr, _IOLBF, 0);
  }
}

Gateway::~Gateway() {
  if (access_log_) std::fclose(access_log_);
}

void Gateway::Refresh() {
  if (loaded_generation_ == store_.generation()) return;
  loaded_generation_ = store_.generation();
  routes_.clear();
  std::vector<RouteKey> keys;
  if (auto routes = store_.Routes(""); routes.ok()) {
    for (auto& r : *routes) {
      auto key = ParseRouteKey(r.route_key);
      if (!key.ok()) continue;  // the API validates keys; an old bad row is skipped, not fatal
      keys.push_back(*key);
      routes_.push_back(Route{std::move(r), std::move(*key)});
    }
  }
  table_ = std::make_unique<RouteTable>(std::move(keys));
  cors_.reset();
  if (auto cors = store_.GetSetting("cors"); cors.ok() && cors->has_value()) {
    cors_ = ParseCors(**cors);
  }
  authorizers_.clear();
  if (auto list = store_.ListSettings("authorizer:"); list.ok()) {
    for (const auto& [key, value] : *list) {
      auto authorizer = ParseAuthorizer(value);
      std::string name = key.substr(std::string("authorizer:").size());
      if (authorizer.ok()) {
        authorizers_[name] = std::move(authorizer.value());
      } else {
        spdlog::warn("gateway: authorizer {} unusable: {}", name, authorizer.error().message);
      }
    }
  }
  api_keys_.clear();
  if (auto keys_list = store_.ListApiKeys(); keys_list.ok()) {
    for (const auto& k : *keys_list) api_keys_[k.hash_hex] = k.id;
  }
}

void Gateway::Answer(const net::HttpRequest& req, const std::string& request_id,
                     int64_t started_ms, const Finished& what, net::HttpResponse response,
                     net::Responder& respond) {
  std::string origin(req.Header("Origin"));
  if (cors_ && !what.preflight) {
    // With CORS configured the gateway owns these headers, as API Gateway does.
    std::erase_if(response.headers, [](const auto& h) {
      return h.first.size() > 15 && strncasecmp(h.first.c_str(), "access-control-", 15) == 0;
    });
  }
  if (cors_ && !origin.empty() && !what.preflight) {
    for (auto& h : ResponseHeaders(*cors_, origin)) response.headers.push_back(std::move(h));
  }
  response.headers.emplace_back("apigw-requestid", request_id);
  if (access_log_) {
    json::object line{{"time", Iso8601MillisZ(std::chrono::system_clock::now())},
                      {"requestId", request_id},
                      {"ip", req.peer_ip},
                      {"method", req.method},
                      {"path", req.path},
                      {"route", what.route_key},
                      {"status", response.status},
                      {"latencyMs", SteadyMillis() - started_ms},
                      {"function", what.function}};
    std::string text = json::serialize(line);
    std::fprintf(access_log_, "%s\n", text.c_str());
  }
  respond(std::move(response));
}

void Gateway::Handle(net::HttpRequest&& req, net::Responder respond) {
  Refresh();
  int64_t started = SteadyMillis();
  std::string request_id = NewUuid();
  Finished what;
  std::string origin(req.Header("Origin"));
  std::string preflight_method(req.Header("Access-Control-Request-Method"));
  if (cors_ && req.method == "OPTIONS" && !origin.empty() && !preflight_method.empty()) {
    // The gateway answers CORS preflights itself, as API Gateway does when CORS is configured.
    net::HttpResponse r;
    r.status = 204;
    r.headers = PreflightHeaders(*cors_, origin, preflight_method,
                                 std::string(req.Header("Access-Control-Request-Headers")));
    what.preflight = true;
    what.route_key = "CORS preflight";
    return Answer(req, request_id, started, what, std::move(r), respond);
  }
  std::optional<RouteMatch> match = table_->Match(req.method, req.path);
  if (!match) return Answer(req, request_id, started, what, GatewayError(404, "Not Found"), respond);
  const Route& route = routes_[match->index];
  what.route_key = route.config.route_key;
  what.function = route.config.function_name;

  EventContext ctx;
  const std::string& auth = route.config.auth;
  if (auth == "api_key") {
    std::string key(req.Header("x-api-key"));
    if (key.empty()) {
      return Answer(req, request_id, started, what, GatewayError(401, "Unauthorized"), respond);
    }
    auto found = api_keys_.find(HashApiKey(key));
    if (found == api_keys_.end()) {
      return Answer(req, request_id, started, what, GatewayError(403, "Forbidden"), respond);
    }
    ctx.api_key_id = found->second;
  } else if (auth.rfind("jwt:", 0) == 0) {
    auto authorizer = authorizers_.find(auth.substr(4));
    if (authorizer == authorizers_.end()) {
      spdlog::warn("gateway: route {} names unknown authorizer {}", what.route_key, auth);
      return Answer(req, request_id, started, what, GatewayError(500, "Internal Server Error"),
                    respond);
    }
    std::string token = BearerToken(req.Header("Authorization"));
    auto claims = token.empty() ? Result<JwtClaims>(MakeError(ErrorCode::kInvalidArgument, "no token"))
                                : authorizer->second->Verify(token, NowEpochMillis() / 1000);
    if (!claims.ok()) {
      net::HttpResponse r = GatewayError(401, "Unauthorized");
      r.headers.emplace_back("www-authenticate",
                             "Bearer error=\"invalid_token\", error_description=\"" +
                                 claims.error().message + "\"");
      return Answer(req, request_id, started, what, std::move(r), respond);
    }
    json::object flat;
    for (const auto& [k, v] : claims->flat) flat[k] = v;
    ctx.jwt_claims_json = json::serialize(flat);
    json::array scopes;
    for (const auto& s : claims->scopes) scopes.emplace_back(s);
    if (!scopes.empty()) ctx.jwt_scopes_json = json::serialize(scopes);
  }
  if (route.config.rate_rps > 0 || route.config.rate_burst > 0) {
    RateLimiter::Decision d = limiter_.Take(
        RateLimiter::BucketKey(route.config.route_key, ctx.api_key_id),
        RateLimiter::Limit{route.config.rate_rps, route.config.rate_burst}, started);
    if (!d.allowed) {
      net::HttpResponse r = GatewayError(429, "Too Many Requests");
      r.headers.emplace_back("Retry-After", std::to_string(d.retry_after_s));
      return Answer(req, request_id, started, what, std::move(r), respond);
    }
  }
  auto target = resolve_(route.config.function_name);
  if (!target.ok()) {
    return Answer(req, request_id, started, what, GatewayError(500, "Internal Server Error"),
                  respond);
  }
  ctx.route_key = route.config.route_key;
  ctx.path_parameters = match->path_parameters;
  ctx.request_id = request_id;
  ctx.time_epoch_ms = NowEpochMillis();
  ctx.account_id = options_.account_id;
  // An HTTP-server function gets the client's request itself, its body streamed when the server
  // streams it, and answers it directly: no event, so no event size limit.
  bool http_function = target->config.runtime == "http";
  // The request is needed again for the answer (CORS, access log).
  auto kept = std::make_shared<net::HttpRequest>(std::move(req));
  auto call = std::make_shared<PendingCall>(
      PendingCall{request_id, started, std::move(what), std::move(respond)});
  if (!http_function && kept->body_stream) {
    // Other functions get the body inside their event: it is read whole first.
    auto stream = std::move(kept->body_stream);
    net::CollectBody(std::move(stream), options_.max_body_bytes,
                     [this, kept, call, ctx, target = std::move(target.value())](
                         Result<std::string> body) mutable {
                       if (!body.ok()) {
                         bool too_large = body.error().code == ErrorCode::kTooLarge;
                         return Reply(*kept, *call,
                                      too_large ? GatewayError(413, "Request Entity Too Large")
                                                : GatewayError(400, "Bad Request"));
                       }
                       kept->body = std::move(body.value());
                       Invoke(target, ctx, kept, call);
                     });
    return;
  }
  if (!http_function && kept->body.size() > options_.max_body_bytes) {
    return Reply(*kept, *call, GatewayError(413, "Request Entity Too Large"));
  }
  Invoke(*target, ctx, kept, call);
}

void Gateway::Reply(const net::HttpRequest& req, PendingCall& call, net::HttpResponse response) {
  if (call.answered) {
    if (response.body_stream) response.body_stream->Abort();  // nobody will read it
    return;
  }
  call.answered = true;
  Answer(req, call.request_id, call.started_ms, call.what, std::move(response), call.respond);
}

void Gateway::Invoke(const FunctionTarget& target, const EventContext& ctx,
                     std::shared_ptr<net::HttpRequest> kept, std::shared_ptr<PendingCall> call) {
  dispatch::InvokeRequest invoke;
  invoke.request_id = call->request_id;
  if (target.config.runtime == "http") {
    // Its connection-level headers are dropped by the forwarding client.
    invoke.http = kept;
    // Answered as soon as the function's header arrives; the body follows as it is written.
    invoke.http_head = [this, kept, call](net::HttpResponse response) {
      Reply(*kept, *call, std::move(response));
    };
  } else {
    invoke.payload = BuildEvent(*kept, ctx);
    kept->body.clear();
  }
  dispatcher_.Invoke(target.config, target.code_dir, std::move(invoke),
                     [this, kept, call](dispatch::InvokeResult result) {
                       // A streamed answer went out at its header; this only ends the call.
                       if (call->answered) return;
                       net::HttpResponse r;
                       if (result.platform_error) {
                         r = result.platform_error->code == ErrorCode::kTooManyRequests
                                 ? GatewayError(429, "Too Many Requests")
                                 : GatewayError(503, "Service Unavailable");
                       } else if (result.function_error) {
                         bool timeout =
                             dispatch::ErrorTypeOf(result.payload) == "Sandbox.Timedout";
                         r = timeout ? GatewayError(504, "Endpoint request timed out")
                                     : GatewayError(502, "Internal Server Error");
                       } else if (result.http) {
                         r = std::move(*result.http);
                       } else {
                         r = MapResult(result.payload);
                       }
                       Reply(*kept, *call, std::move(r));
                     });
}

}  // namespace kumo::gateway
