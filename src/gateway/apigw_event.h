#pragma once
// API Gateway HTTP API payload format 2.0: the event a function receives for an HTTP request,
// and the mapping of its result back to an HTTP response, as AWS documents them. Pure.

#include <cstdint>
#include <map>
#include <string>

#include "net/http_types.h"

namespace kumo::gateway {

struct EventContext {
  std::string route_key;  // as configured: "GET /items/{id}" or "$default"
  std::map<std::string, std::string> path_parameters;
  std::string request_id;
  int64_t time_epoch_ms = 0;
  std::string account_id = "000000000000";
  std::string api_id = "kumo";
  std::string domain_name;  // the Host the client used
  // JSON object text of verified JWT claims and its scopes, for requestContext.authorizer.jwt.
  std::string jwt_claims_json;
  std::string jwt_scopes_json;  // JSON array text, or empty
  std::string api_key_id;       // set when the route required an API key
};

// The event JSON for `req`.
std::string BuildEvent(const net::HttpRequest& req, const EventContext& ctx);

// The HTTP response for a function's successful result (the Invoke payload).
net::HttpResponse MapResult(const std::string& payload);

// Gateway errors in API Gateway's shape: {"message": "..."}.
net::HttpResponse GatewayError(int status, const std::string& message);

// "12/Mar/2020:19:03:58 +0000", requestContext.time's format.
std::string ClfTime(int64_t epoch_ms);

}  // namespace kumo::gateway
