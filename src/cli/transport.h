#pragma once
// The one way the CLI talks to a kumo server: a blocking request/reply exchange. Commands take a
// Transport so unit tests can hand in a scripted fake; http_client.h holds the real one.

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace kumo::cli {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query, already percent-encoded
  HeaderList headers;
  std::string body;
  // How long the whole exchange may take; invocations and long polls need more than the default.
  std::chrono::seconds timeout{60};
};

struct HttpReply {
  int status = 0;
  HeaderList headers;
  std::string body;

  // The value of the first header called `name` (compared case-insensitively), or "".
  std::string Header(std::string_view name) const;
};

// Sends requests to one server. Called from the CLI's only thread.
class Transport {
 public:
  virtual ~Transport() = default;
  // Fails only when no HTTP reply arrived (connection refused, timeout, interrupted); any HTTP
  // status, including errors, is a successful exchange.
  virtual Result<HttpReply> Send(const HttpRequest& request) = 0;
  // From now on SIGINT ends the current or next Send instead of killing the process.
  virtual void CatchInterrupt() = 0;
  // True once a caught SIGINT has arrived.
  virtual bool Interrupted() const = 0;
};

}  // namespace kumo::cli
