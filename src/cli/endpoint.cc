#include "cli/endpoint.h"

#include <algorithm>
#include <cctype>

namespace kumo::cli {
namespace {

Error Bad(std::string_view text, std::string_view why) {
  return MakeError(ErrorCode::kInvalidArgument,
                   "bad endpoint \"" + std::string(text) + "\": " + std::string(why));
}

bool ValidPort(std::string_view port) {
  if (port.empty() || port.size() > 5) return false;
  if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  int value = std::stoi(std::string(port));
  return value >= 1 && value <= 65535;
}

}  // namespace

Result<Endpoint> ParseEndpoint(std::string_view text) {
  constexpr std::string_view kScheme = "http://";
  if (text.substr(0, 8) == "https://") {
    return Bad(text, "https is not supported; use http://");
  }
  if (text.substr(0, kScheme.size()) != kScheme) {
    return Bad(text, "expected http://HOST:PORT");
  }
  std::string_view rest = text.substr(kScheme.size());
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.find_first_of("?#") != std::string_view::npos) {
    return Bad(text, "no query or fragment allowed");
  }
  if (authority.find('@') != std::string_view::npos) return Bad(text, "no user info allowed");

  Endpoint endpoint;
  std::string_view port = "80";
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return Bad(text, "unclosed [ in IPv6 host");
    endpoint.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Bad(text, "expected :PORT after ]");
      port = after.substr(1);
    }
  } else {
    size_t colon = authority.find(':');
    endpoint.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (endpoint.host.empty()) return Bad(text, "missing host");
  if (!ValidPort(port)) return Bad(text, "port must be a number from 1 to 65535");
  endpoint.port = std::string(port);
  endpoint.base_path = std::string(path);
  endpoint.url = std::string(text);
  return endpoint;
}

}  // namespace kumo::cli
