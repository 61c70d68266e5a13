#include "cli/project_events.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace kumo::cli {
namespace {

constexpr std::string_view kMethods[] = {"GET",    "POST", "PUT",     "PATCH",
                                         "DELETE", "HEAD", "OPTIONS", "ANY"};

Error Invalid(std::string message) { return MakeError(ErrorCode::kInvalidArgument, message); }

bool IsParamName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

// Checks one path segment; `last` says whether a greedy {name+} is allowed here.
Status CheckSegment(std::string_view segment, bool last) {
  if (segment.empty()) return Invalid("a route path may not contain an empty segment (\"//\")");
  if (segment.front() == '{') {
    std::string_view name = segment.substr(1, segment.size() - 1);
    if (segment.back() != '}') return Invalid("a {parameter} must be a whole path segment");
    name.remove_suffix(1);
    if (!name.empty() && name.back() == '+') {
      if (!last) return Invalid("a greedy {name+} parameter must be the last path segment");
      name.remove_suffix(1);
    }
    if (!IsParamName(name)) {
      return Invalid("path parameter names use letters, digits, '_' and '-'");
    }
    return Ok();
  }
  for (char c : segment) {
    if (c == '{' || c == '}' || c == '?' || c == '#' ||
        std::isspace(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) < 0x20) {
      return Invalid("a route path may not contain '" + std::string(1, c) +
                     "' outside a whole {parameter} segment");
    }
  }
  return Ok();
}

Result<std::string> NormalizePath(std::string_view path) {
  std::string clean(path);
  if (clean.empty()) return Invalid("a route needs a path such as /items");
  if (clean.front() != '/') clean.insert(clean.begin(), '/');  // serverless's `http: GET items`
  if (clean.size() > 1 && clean.back() == '/') clean.pop_back();
  if (clean == "/") return clean;
  std::string_view rest = std::string_view(clean).substr(1);
  while (true) {
    size_t slash = rest.find('/');
    KUMO_RETURN_IF_ERROR(CheckSegment(rest.substr(0, slash), slash == std::string_view::npos));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return clean;
}

// The route and its options from the long form of an event.
Result<RouteSpec> ParseLongForm(const YamlReader& reader, const YAML::Node& key,
                                const YAML::Node& body) {
  KUMO_RETURN_IF_ERROR(
      reader.CheckKeys(body, "in an http event",
                       {"route", "method", "path", "auth", "authorizer", "private", "rateLimit"}));
  RouteSpec route;
  const YAML::Node route_node = body["route"];
  if (route_node && (body["method"] || body["path"])) {
    return reader.At(route_node, "give either route or method and path, not both");
  }
  if (route_node) {
    KUMO_ASSIGN_OR_RETURN(std::string text, reader.String(key, route_node, "route"));
    Result<std::string> normalized = NormalizeRouteKey(text);
    if (!normalized.ok()) return reader.At(route_node, normalized.error().message);
    route.route_key = *normalized;
  } else if (body["path"] || body["method"]) {
    if (!body["method"]) return reader.At(body, "an http event with a path needs a method");
    KUMO_ASSIGN_OR_RETURN(std::string method, reader.String(key, body["method"], "method"));
    std::string path = "/";
    if (body["path"]) {
      KUMO_ASSIGN_OR_RETURN(path, reader.String(key, body["path"], "path"));
    } else if (method != "*") {
      return reader.At(body, "an http event with a method needs a path");
    }
    Result<std::string> normalized =
        method == "*" && !body["path"] ? NormalizeRouteKey("*") : NormalizeRouteKey(method, path);
    if (!normalized.ok()) return reader.At(body, normalized.error().message);
    route.route_key = *normalized;
  } else {
    return reader.At(body, "an http event needs route: METHOD /path (or method: and path:)");
  }
  return route;
}

// auth:, authorizer: and private: of the long form, in that order of precedence.
Status ParseAuth(const YamlReader& reader, const YAML::Node& key, const YAML::Node& body,
                 RouteSpec& route) {
  int given = (body["auth"] ? 1 : 0) + (body["authorizer"] ? 1 : 0) + (body["private"] ? 1 : 0);
  if (given > 1) return reader.At(body, "give only one of auth, authorizer and private");
  if (const YAML::Node auth = body["auth"]) {
    KUMO_ASSIGN_OR_RETURN(std::string text, reader.String(key, auth, "auth"));
    bool jwt = text.rfind("jwt:", 0) == 0 && text.size() > 4;
    if (text == "apiKey") text = "api_key";
    if (text != "none" && text != "api_key" && !jwt) {
      return reader.At(auth, "auth must be none, api_key or jwt:<authorizer name>");
    }
    route.auth = text;
  }
  if (const YAML::Node authorizer = body["authorizer"]) {
    YAML::Node name_node = authorizer;
    if (authorizer.IsMap()) {
      KUMO_RETURN_IF_ERROR(reader.CheckKeys(authorizer, "in an authorizer reference", {"name"}));
      name_node = authorizer["name"];
      if (!name_node) return reader.At(authorizer, "an authorizer reference needs name:");
    }
    KUMO_ASSIGN_OR_RETURN(std::string name, reader.String(key, name_node, "authorizer"));
    route.auth = "jwt:" + name;
  }
  if (const YAML::Node is_private = body["private"]) {
    KUMO_ASSIGN_OR_RETURN(bool needs_key, reader.Bool(key, is_private, "private"));
    if (needs_key) route.auth = "api_key";
  }
  return Ok();
}

Status ParseRateLimit(const YamlReader& reader, const YAML::Node& key, const YAML::Node& node,
                      RouteSpec& route) {
  KUMO_RETURN_IF_ERROR(reader.ExpectMap(key, node, "rateLimit"));
  KUMO_RETURN_IF_ERROR(reader.CheckKeys(node, "in rateLimit", {"rps", "burst"}));
  if (!node["rps"]) return reader.At(node, "rateLimit needs rps: (requests per second)");
  RateLimitSpec limit;
  KUMO_ASSIGN_OR_RETURN(limit.requests_per_second, reader.Number(key, node["rps"], "rps"));
  // Without a burst, one second's worth of requests may arrive at once.
  limit.burst = std::max(1.0, std::ceil(limit.requests_per_second));
  if (node["burst"]) {
    KUMO_ASSIGN_OR_RETURN(limit.burst, reader.Number(key, node["burst"], "burst"));
  }
  route.rate_limit = limit;
  return Ok();
}

Result<RouteSpec> ParseHttpEvent(const YamlReader& reader, const YAML::Node& key,
                                 const YAML::Node& body) {
  if (body.IsMap()) {
    KUMO_ASSIGN_OR_RETURN(RouteSpec route, ParseLongForm(reader, key, body));
    KUMO_RETURN_IF_ERROR(ParseAuth(reader, key, body, route));
    if (body["rateLimit"])
      KUMO_RETURN_IF_ERROR(ParseRateLimit(reader, key, body["rateLimit"], route));
    return route;
  }
  KUMO_ASSIGN_OR_RETURN(std::string text, reader.String(key, body, key.Scalar()));
  Result<std::string> normalized = NormalizeRouteKey(text);
  if (!normalized.ok()) return reader.At(body, normalized.error().message);
  return RouteSpec{*normalized, "none", std::nullopt};
}

Status AddRoute(const YamlReader& reader, const YAML::Node& event, const YAML::Node& key,
                const YAML::Node& body, EventContext& context, FunctionSpec& spec) {
  KUMO_ASSIGN_OR_RETURN(RouteSpec route, ParseHttpEvent(reader, key, body));
  auto [it, inserted] = context.taken_routes.emplace(route.route_key, context.function);
  if (!inserted) {
    return reader.At(event, "route \"" + route.route_key + "\" is already used by function \"" +
                                it->second + "\"");
  }
  spec.routes.push_back(std::move(route));
  return Ok();
}

Status AddQueueEvent(const YamlReader& reader, const YAML::Node& event, const YAML::Node& key,
                     const YAML::Node& body, EventContext& context, FunctionSpec& spec) {
  KUMO_ASSIGN_OR_RETURN(SqsEventSpec sqs, ParseSqsEvent(reader, key, body, context));
  for (const SqsEventSpec& other : spec.sqs_events) {
    if (other.queue == sqs.queue) {
      std::string message = "function \"" + context.function +
                            "\" already has an sqs event for queue \"" + sqs.queue + "\"";
      return reader.At(event, message);
    }
  }
  spec.sqs_events.push_back(std::move(sqs));
  return Ok();
}

}  // namespace

Result<std::string> NormalizeRouteKey(std::string_view method, std::string_view path) {
  std::string upper(method);
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  if (upper == "*") upper = "ANY";
  if (std::find(std::begin(kMethods), std::end(kMethods), upper) == std::end(kMethods)) {
    return Invalid("unknown HTTP method \"" + std::string(method) +
                   "\" (expected GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY or *)");
  }
  KUMO_ASSIGN_OR_RETURN(std::string clean, NormalizePath(path));
  return upper + " " + clean;
}

Result<std::string> NormalizeRouteKey(std::string_view route) {
  if (route == "*" || route == "$default") return std::string("$default");
  size_t space = route.find(' ');
  if (space == std::string_view::npos) {
    return Invalid("a route is \"METHOD /path\" or $default, got \"" + std::string(route) + "\"");
  }
  std::string_view path = route.substr(space);
  while (!path.empty() && path.front() == ' ') path.remove_prefix(1);
  return NormalizeRouteKey(route.substr(0, space), path);
}

Status ParseEvents(const YamlReader& reader, const YAML::Node& key, const YAML::Node& events,
                   EventContext& context, FunctionSpec& spec) {
  if (!events.IsSequence()) {
    return reader.AtValue(key, events, "events must be a list (- http: GET /path)");
  }
  for (const YAML::Node& event : events) {
    if (!event.IsMap() || event.size() != 1) {
      return reader.At(event,
                       "an event must be one key: http, httpApi, sqs or schedule (e.g. - "
                       "http: GET /items)");
    }
    KUMO_RETURN_IF_ERROR(
        reader.CheckKeys(event, "in events", {"http", "httpApi", "sqs", "schedule"}));
    const YAML::Node kind = event.begin()->first;
    const YAML::Node body = event.begin()->second;
    if (kind.Scalar() == "sqs") {
      KUMO_RETURN_IF_ERROR(AddQueueEvent(reader, event, kind, body, context, spec));
    } else if (kind.Scalar() == "schedule") {
      KUMO_RETURN_IF_ERROR(ParseScheduleEvent(reader, kind, body, context, spec));
    } else {
      KUMO_RETURN_IF_ERROR(AddRoute(reader, event, kind, body, context, spec));
    }
  }
  std::sort(spec.routes.begin(), spec.routes.end(),
            [](const RouteSpec& a, const RouteSpec& b) { return a.route_key < b.route_key; });
  std::sort(spec.sqs_events.begin(), spec.sqs_events.end(),
            [](const SqsEventSpec& a, const SqsEventSpec& b) { return a.queue < b.queue; });
  return Ok();
}

}  // namespace kumo::cli
