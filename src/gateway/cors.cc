#include "gateway/cors.h"

#include <algorithm>
#include <cctype>

namespace kumo::gateway {

namespace {

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

bool ContainsNoCase(const std::vector<std::string>& list, std::string_view item) {
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& s) { return EqualsNoCase(s, item); });
}

bool HasStar(const std::vector<std::string>& list) {
  return std::find(list.begin(), list.end(), "*") != list.end();
}

bool IsSchemeWildcard(std::string_view pattern) {
  return pattern == "https://*" || pattern == "http://*";
}

// RFC 7230 token characters: what method and header names are made of.
bool IsToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

// scheme "://" host [":" port], nothing else: no path, no wildcard, no spaces.
bool IsExactOrigin(std::string_view o) {
  size_t sep = o.find("://");
  if (sep == std::string_view::npos || sep == 0) return false;
  std::string_view scheme = o.substr(0, sep);
  std::string_view host = o.substr(sep + 3);
  if (!std::isalpha(static_cast<unsigned char>(scheme[0])) || host.empty()) return false;
  bool scheme_ok = std::all_of(scheme.begin(), scheme.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
  });
  bool host_ok = std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == ':' ||
           c == '[' || c == ']' || c == '_';
  });
  return scheme_ok && host_ok;
}

bool OriginMatches(std::string_view pattern, std::string_view origin) {
  if (pattern == "*") return true;
  if (IsSchemeWildcard(pattern)) {
    std::string_view prefix = pattern.substr(0, pattern.size() - 1);  // "https://"
    return origin.size() > prefix.size() && EqualsNoCase(origin.substr(0, prefix.size()), prefix);
  }
  return EqualsNoCase(pattern, origin);
}

// The Access-Control-Allow-Origin value for origin, or empty when it is not allowed. An exact
// entry wins over wildcards so a credentialed config never answers "*".
std::string AllowOriginValue(const CorsConfig& config, std::string_view origin) {
  if (origin.empty()) return "";
  bool exact = false;
  bool any = false;
  bool scheme = false;
  for (const std::string& pattern : config.allow_origins) {
    if (!OriginMatches(pattern, origin)) continue;
    if (pattern == "*") {
      any = true;
    } else if (IsSchemeWildcard(pattern)) {
      scheme = true;
    } else {
      exact = true;
    }
  }
  if (exact || scheme) return std::string(origin);
  return any ? "*" : "";
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

// The names in an Access-Control-Request-Headers value, lower-cased.
std::vector<std::string> SplitHeaderList(std::string_view value) {
  std::vector<std::string> out;
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item.empty()) continue;
    std::string name(item);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.push_back(std::move(name));
  }
  return out;
}

Status Invalid(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

}  // namespace

Status ValidateCorsConfig(const CorsConfig& config) {
  for (const std::string& o : config.allow_origins) {
    bool wildcard = o == "*" || IsSchemeWildcard(o);
    if (!wildcard && !IsExactOrigin(o)) return Invalid("AllowOrigins: bad origin \"" + o + "\"");
    if (wildcard && config.allow_credentials) {
      return Invalid("AllowCredentials needs exact origins, not \"" + o + "\"");
    }
  }
  for (const std::string& m : config.allow_methods) {
    if (!IsToken(m)) return Invalid("AllowMethods: bad method \"" + m + "\"");
  }
  for (const auto* list : {&config.allow_headers, &config.expose_headers}) {
    for (const std::string& h : *list) {
      if (!IsToken(h)) return Invalid("bad header name \"" + h + "\"");
    }
  }
  if (config.max_age < 0) return Invalid("MaxAge must not be negative");
  return Ok();
}

bool IsPreflight(std::string_view method, std::string_view origin,
                 std::string_view access_control_request_method) {
  return method == "OPTIONS" && !origin.empty() && !access_control_request_method.empty();
}

CorsHeaders PreflightHeaders(const CorsConfig& config, std::string_view origin,
                             std::string_view request_method, std::string_view request_headers) {
  std::string allow_origin = AllowOriginValue(config, origin);
  if (allow_origin.empty() || request_method.empty()) return {};
  bool any_method = HasStar(config.allow_methods);
  if (!any_method && !ContainsNoCase(config.allow_methods, request_method)) return {};
  std::vector<std::string> requested = SplitHeaderList(request_headers);
  bool any_header = HasStar(config.allow_headers);
  for (const std::string& h : requested) {
    if (!any_header && !ContainsNoCase(config.allow_headers, h)) return {};
  }
  CorsHeaders out;
  out.emplace_back("Access-Control-Allow-Origin", allow_origin);
  // With credentials a browser reads "*" literally, so wildcards are answered by echoing what
  // was asked for.
  out.emplace_back("Access-Control-Allow-Methods",
                   any_method ? std::string(request_method) : Join(config.allow_methods));
  std::string allow_headers = any_header ? Join(requested) : Join(config.allow_headers);
  if (!allow_headers.empty()) out.emplace_back("Access-Control-Allow-Headers", allow_headers);
  if (config.allow_credentials) out.emplace_back("Access-Control-Allow-Credentials", "true");
  if (config.max_age > 0) {
    out.emplace_back("Access-Control-Max-Age", std::to_string(config.max_age));
  }
  if (allow_origin != "*") out.emplace_back("Vary", "Origin");
  return out;
}

CorsHeaders ResponseHeaders(const CorsConfig& config, std::string_view origin) {
  CorsHeaders out;
  if (config.allow_origins.empty()) return out;
  std::string allow_origin = AllowOriginValue(config, origin);
  if (!allow_origin.empty()) {
    out.emplace_back("Access-Control-Allow-Origin", allow_origin);
    if (config.allow_credentials) out.emplace_back("Access-Control-Allow-Credentials", "true");
    if (!config.expose_headers.empty()) {
      out.emplace_back("Access-Control-Expose-Headers", Join(config.expose_headers));
    }
  }
  out.emplace_back("Vary", "Origin");
  return out;
}

}  // namespace kumo::gateway
