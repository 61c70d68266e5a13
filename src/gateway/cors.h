#pragma once
// CORS for the gateway, following API Gateway HTTP APIs: the gateway answers preflight OPTIONS
// requests itself and adds CORS headers to function responses (dropping any CORS headers the
// function set, as API Gateway ignores them when CORS is configured). Pure functions of the
// config and the request headers; any thread may call them.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace kumo::gateway {

struct CorsConfig {
  // "*", "https://*" or "http://*" (any origin of that scheme, the only wildcards API Gateway
  // documents), or exact origins such as "https://app.example.com:8443".
  std::vector<std::string> allow_origins;
  std::vector<std::string> allow_methods;   // "GET", ... or "*"
  std::vector<std::string> allow_headers;   // matched case-insensitively, or "*"
  std::vector<std::string> expose_headers;  // copied to Access-Control-Expose-Headers
  bool allow_credentials = false;
  int max_age = 0;  // seconds; 0 sends no Access-Control-Max-Age
};

using CorsHeaders = std::vector<std::pair<std::string, std::string>>;

// For the management API when a config is stored: rejects malformed origins (paths, "null",
// wildcards other than the three above), malformed methods or header names, a negative max age,
// and credentials combined with any wildcard origin (browsers refuse "*" with credentials, and
// echoing every origin with credentials would let any site act as the user).
Status ValidateCorsConfig(const CorsConfig& config);

// A preflight is an OPTIONS request carrying both Origin and Access-Control-Request-Method;
// any other OPTIONS request is routed to functions like other methods.
bool IsPreflight(std::string_view method, std::string_view origin,
                 std::string_view access_control_request_method);

// Headers for a preflight answer. Empty when the origin, the method or one of the requested
// headers is not allowed: the gateway then answers a plain 204 with no CORS headers and the
// browser fails the preflight. That is what API Gateway HTTP APIs are reported to do (AWS's CORS
// page does not say); a 403 would tell a script nothing more.
CorsHeaders PreflightHeaders(const CorsConfig& config, std::string_view origin,
                             std::string_view request_method, std::string_view request_headers);

// Headers to add to a routed response. "Vary: Origin" comes whenever CORS is configured, since
// the answer depends on the Origin header; the Access-Control-* headers only when origin is
// allowed.
CorsHeaders ResponseHeaders(const CorsConfig& config, std::string_view origin);

}  // namespace kumo::gateway
