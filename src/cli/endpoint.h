#pragma once
// Where the kumo server is: parsed from --endpoint or KUMO_ENDPOINT.

#include <string>
#include <string_view>

#include "common/result.h"

namespace kumo::cli {

inline constexpr std::string_view kDefaultEndpoint = "http://127.0.0.1:9000";

struct Endpoint {
  std::string host;       // name or address; IPv6 without brackets
  std::string port;       // decimal, 1..65535
  std::string base_path;  // "" or a prefix such as "/kumo" (no trailing slash) put before each path
  std::string url;        // as the user wrote it, for messages
};

// Accepts http://HOST[:PORT][/PREFIX] (port 80 by default); IPv6 hosts go in brackets. https and
// other schemes fail, as do empty hosts and bad ports.
Result<Endpoint> ParseEndpoint(std::string_view text);

}  // namespace kumo::cli
