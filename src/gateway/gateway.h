#pragma once
// The API gateway: serves HTTP routes on its own listener and turns each request into an
// invocation with API Gateway's HTTP API event (payload format 2.0), applying the route's auth
// (API key or JWT), rate limit and the gateway's CORS, and maps the function's result back.
// Reads its configuration from the GatewayStore and rebuilds its tables when it changed.
// Writes one JSON access-log line per request. Loop thread only.

#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "dispatch/dispatcher.h"
#include "gateway/apigw_event.h"
#include "gateway/cors.h"
#include "gateway/jwt.h"
#include "gateway/rate_limiter.h"
#include "gateway/route_table.h"
#include "net/http_types.h"
#include "store/function_config.h"
#include "store/gateway_store.h"

namespace kumo::gateway {

struct FunctionTarget {
  store::FunctionConfig config;
  std::string code_dir;
};
// Looks a function up by name ($LATEST); kNotFound if it is gone.
using FunctionResolver = std::function<Result<FunctionTarget>(const std::string& name)>;

struct GatewayOptions {
  std::string account_id = "000000000000";
  std::string access_log_path;  // empty: no access log
  size_t max_body_bytes = 6 * 1024 * 1024;  // Lambda's synchronous payload limit
};

class Gateway {
 public:
  Gateway(store::GatewayStore& store, dispatch::Dispatcher& dispatcher, FunctionResolver resolve,
          GatewayOptions options);
  ~Gateway();

  void Handle(net::HttpRequest&& req, net::Responder respond);

 private:
  struct Route {
    store::RouteConfig config;
    RouteKey key;
  };
  // What the access log says of a request besides the request itself.
  struct Finished {
    std::string route_key;
    std::string function;
    bool preflight = false;  // answered by CORS itself: no response CORS headers added
  };

  // A request on its way to a function, until it is answered.
  struct PendingCall {
    std::string request_id;
    int64_t started_ms = 0;
    Finished what;
    net::Responder respond;
    bool answered = false;
  };

  void Refresh();
  void Invoke(const FunctionTarget& target, const EventContext& ctx,
              std::shared_ptr<net::HttpRequest> kept, std::shared_ptr<PendingCall> call);
  // Answers once; later answers (an invocation ending after its streamed answer) are dropped.
  void Reply(const net::HttpRequest& req, PendingCall& call, net::HttpResponse response);
  // Answers `response` (with CORS headers when they apply) and logs the access line.
  void Answer(const net::HttpRequest& req, const std::string& request_id, int64_t started_ms,
              const Finished& what, net::HttpResponse response, net::Responder& respond);

  store::GatewayStore& store_;
  dispatch::Dispatcher& dispatcher_;
  FunctionResolver resolve_;
  GatewayOptions options_;
  FILE* access_log_ = nullptr;

  // Rebuilt from the store when its generation changes.
  uint64_t loaded_generation_ = 0;
  std::vector<Route> routes_;
  std::unique_ptr<RouteTable> table_;
  std::optional<CorsConfig> cors_;
  std::map<std::string, std::unique_ptr<JwtAuthorizer>> authorizers_;
  std::map<std::string, std::string> api_keys_;  // hash -> key id
  RateLimiter limiter_;
};

}  // namespace kumo::gateway
