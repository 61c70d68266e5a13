#include "gateway/apigw_event.h"

#include <time.h>

#include <boost/json.hpp>
#include <cctype>
#include <cstdio>

#include "common/encoding.h"

namespace kumo::gateway {
namespace json = boost::json;
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

// Bodies API Gateway passes as text; everything else is base64 with isBase64Encoded.
bool IsTextual(std::string_view content_type) {
  std::string t = Lower(std::string(content_type));
  return t.empty() || t.rfind("text/", 0) == 0 || t.find("json") != std::string::npos ||
         t.find("xml") != std::string::npos || t.find("javascript") != std::string::npos ||
         t.find("x-www-form-urlencoded") != std::string::npos;
}

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int extra = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
    if (extra < 0 || (extra > 0 && i + extra >= s.size())) return false;
    for (int k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    }
    i += extra + 1;
  }
  return true;
}

}  // namespace

std::string ClfTime(int64_t epoch_ms) {
  time_t secs = static_cast<time_t>(epoch_ms / 1000);
  tm parts{};
  gmtime_r(&secs, &parts);
  char buf[64];
  strftime(buf, sizeof(buf), "%d/%b/%Y:%H:%M:%S +0000", &parts);
  return buf;
}

std::string BuildEvent(const net::HttpRequest& req, const EventContext& ctx) {
  json::object event;
  event["version"] = "2.0";
  event["routeKey"] = ctx.route_key;
  event["rawPath"] = req.target.substr(0, req.target.find('?'));
  event["rawQueryString"] = req.query;

  // Header names lower-cased; repeated headers joined with commas; cookies apart.
  json::object headers;
  json::array cookies;
  for (const auto& [name, value] : req.headers) {
    std::string key = Lower(name);
    if (key == "cookie") {
      std::string_view rest = value;
      while (!rest.empty()) {
        size_t semi = rest.find(';');
        std::string cookie = Trim(rest.substr(0, semi));
        if (!cookie.empty()) cookies.emplace_back(cookie);
        if (semi == std::string_view::npos) break;
        rest.remove_prefix(semi + 1);
      }
      continue;
    }
    if (auto* existing = headers.if_contains(key)) {
      *existing = std::string(existing->as_string()) + "," + value;
    } else {
      headers[key] = value;
    }
  }
  if (!cookies.empty()) event["cookies"] = std::move(cookies);
  event["headers"] = std::move(headers);

  // Query parameters decoded; repeated ones comma-joined, as format 2.0 does.
  if (!req.query.empty()) {
    json::object params;
    std::string_view rest = req.query;
    while (!rest.empty()) {
      size_t amp = rest.find('&');
      std::string_view pair = rest.substr(0, amp);
      size_t eq = pair.find('=');
      std::string key(pair.substr(0, eq));
      std::string value(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
      for (char& c : key) c = c == '+' ? ' ' : c;
      for (char& c : value) c = c == '+' ? ' ' : c;
      key = net::PercentDecode(key);
      value = net::PercentDecode(value);
      if (!key.empty()) {
        if (auto* existing = params.if_contains(key)) {
          *existing = std::string(existing->as_string()) + "," + value;
        } else {
          params[key] = value;
        }
      }
      if (amp == std::string_view::npos) break;
      rest.remove_prefix(amp + 1);
    }
    if (!params.empty()) event["queryStringParameters"] = std::move(params);
  }

  json::object context;
  context["accountId"] = ctx.account_id;
  context["apiId"] = ctx.api_id;
  if (!ctx.jwt_claims_json.empty()) {
    json::object jwt;
    jwt["claims"] = json::parse(ctx.jwt_claims_json);
    jwt["scopes"] = ctx.jwt_scopes_json.empty() ? json::value(nullptr)
                                                : json::parse(ctx.jwt_scopes_json);
    context["authorizer"] = json::object{{"jwt", std::move(jwt)}};
  } else if (!ctx.api_key_id.empty()) {
    context["authorizer"] = json::object{{"apiKeyId", ctx.api_key_id}};
  }
  std::string domain = ctx.domain_name.empty() ? std::string(req.Header("Host")) : ctx.domain_name;
  context["domainName"] = domain;
  context["domainPrefix"] = domain.substr(0, domain.find('.'));
  json::object http;
  http["method"] = req.method;
  http["path"] = req.path;
  http["protocol"] = "HTTP/1.1";
  http["sourceIp"] = req.peer_ip;
  http["userAgent"] = std::string(req.Header("User-Agent"));
  context["http"] = std::move(http);
  context["requestId"] = ctx.request_id;
  context["routeKey"] = ctx.route_key;
  context["stage"] = "$default";
  context["time"] = ClfTime(ctx.time_epoch_ms);
  context["timeEpoch"] = ctx.time_epoch_ms;
  event["requestContext"] = std::move(context);

  if (!ctx.path_parameters.empty()) {
    json::object params;
    for (const auto& [k, v] : ctx.path_parameters) params[k] = v;
    event["pathParameters"] = std::move(params);
  }
  bool base64 = false;
  if (!req.body.empty()) {
    base64 = !IsTextual(req.Header("Content-Type")) || !ValidUtf8(req.body);
    event["body"] = base64 ? Base64Encode(req.body) : req.body;
  }
  event["isBase64Encoded"] = base64;
  return json::serialize(event);
}

net::HttpResponse GatewayError(int status, const std::string& message) {
  return net::HttpResponse::Json(status, json::serialize(json::object{{"message", message}}));
}

net::HttpResponse MapResult(const std::string& payload) {
  boost::system::error_code ec;
  json::value v = json::parse(payload, ec);
  const json::object* o = (!ec && v.is_object()) ? &v.as_object() : nullptr;
  if (!o || !o->contains("statusCode")) {
    // Valid JSON without statusCode: a 200 application/json answer of that JSON.
    if (ec) return GatewayError(502, "Internal Server Error");
    return net::HttpResponse::Json(200, payload);
  }
  net::HttpResponse r;
  const json::value& status = o->at("statusCode");
  if (!status.is_int64() && !status.is_uint64()) return GatewayError(502, "Internal Server Error");
  int64_t code = status.is_int64() ? status.as_int64() : static_cast<int64_t>(status.as_uint64());
  if (code < 100 || code > 599) return GatewayError(502, "Internal Server Error");
  r.status = static_cast<int>(code);
  bool has_type = false;
  if (const auto* headers = o->if_contains("headers"); headers && headers->is_object()) {
    for (const auto& h : headers->as_object()) {
      std::string value = h.value().is_string() ? std::string(h.value().as_string())
                                                : json::serialize(h.value());
      if (Lower(std::string(h.key())) == "content-type") has_type = true;
      r.headers.emplace_back(std::string(h.key()), value);
    }
  }
  if (const auto* cookies = o->if_contains("cookies"); cookies && cookies->is_array()) {
    for (const auto& c : cookies->as_array()) {
      if (c.is_string()) r.headers.emplace_back("Set-Cookie", std::string(c.as_string()));
    }
  }
  if (const auto* body = o->if_contains("body"); body && !body->is_null()) {
    r.body = body->is_string() ? std::string(body->as_string()) : json::serialize(*body);
    const auto* b64 = o->if_contains("isBase64Encoded");
    if (b64 && b64->is_bool() && b64->as_bool()) {
      auto decoded = Base64Decode(r.body);
      if (!decoded) return GatewayError(502, "Internal Server Error");
      r.body = std::move(*decoded);
    }
  }
  if (!has_type && !r.body.empty()) r.headers.emplace_back("Content-Type", "application/json");
  return r;
}

}  // namespace kumo::gateway
