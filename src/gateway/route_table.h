#pragma once
// API Gateway HTTP API routing: route keys ("GET /items/{id}", "ANY /files/{path+}",
// "$default") and the choice of the most specific route for a request. Pure; no I/O.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace kumo::gateway {

struct RouteKey {
  std::string method;                 // upper case, or "ANY"; empty for $default
  std::vector<std::string> segments;  // path segments; "{id}" variables, "{path+}" greedy last
  bool is_default = false;
};

// Parses and validates a route key; kInvalidArgument with the reason.
Result<RouteKey> ParseRouteKey(const std::string& text);

struct RouteMatch {
  size_t index = 0;  // into the routes given to the table
  std::map<std::string, std::string> path_parameters;
};

class RouteTable {
 public:
  // `keys` in any order; the table keeps their indexes.
  explicit RouteTable(std::vector<RouteKey> keys) : keys_(std::move(keys)) {}
  // The most specific route for `method` and `path` (already percent-decoded): a route without
  // a greedy variable beats one with, then more literal segments win, then a longer path, then
  // an exact method beats ANY; $default catches the rest. nullopt: no route.
  std::optional<RouteMatch> Match(const std::string& method, const std::string& path) const;
  // Whether any route (other than $default) matches the path for some method: an OPTIONS
  // preflight for such a path is answered by CORS.
  bool AnyMethodMatches(const std::string& path) const;

 private:
  std::vector<RouteKey> keys_;
};

}  // namespace kumo::gateway
