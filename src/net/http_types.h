#pragma once
// Plain HTTP request and response values that cross from the net library to its users, so that
// only src/net/ includes Beast.

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kumo::net {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive lookup; empty when absent.
std::string_view FindHeader(const Headers& headers, std::string_view name);

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query as sent
  std::string path;    // percent-decoded path without the query
  std::string query;   // raw query string, without '?'
  Headers headers;
  std::string body;
  std::string peer_ip;  // the client's address as the socket saw it

  std::string_view Header(std::string_view name) const { return FindHeader(headers, name); }
  // The decoded value of one query parameter, or empty.
  std::string QueryParam(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  Headers headers;
  std::string body;

  static HttpResponse Json(int status, std::string body);
};

// Sends the response for one request. Call it exactly once, on the loop thread; calling it after
// the client went away is harmless.
using Responder = std::function<void(HttpResponse)>;
using HttpHandler = std::function<void(HttpRequest&&, Responder)>;

std::string PercentDecode(std::string_view text);

}  // namespace kumo::net
