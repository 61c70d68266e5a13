#pragma once
// The `events:` list of a function in kumo.yaml: HTTP routes in the spellings serverless.yml users
// know (`http: GET /items/{id}`, `httpApi: 'GET /hello'`, `httpApi: {method: get, path: /x}`,
// `httpApi: '*'`) plus kumo's `{route: ..., auth: ..., rateLimit: ...}`, and the queue and
// schedule events of project_event_sources.h. Single-threaded.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cli/project_event_sources.h"
#include "cli/yaml_reader.h"

namespace kumo::cli {

// "GET /items/{id}" in kumo's canonical form: upper-case method (ANY for `*`), a path that starts
// with '/' and has no trailing slash, `{param}` segments and at most a final `{name+}`; `*` and
// `$default` become "$default". The error message has no location (the caller adds it).
Result<std::string> NormalizeRouteKey(std::string_view method, std::string_view path);
Result<std::string> NormalizeRouteKey(std::string_view route);

// Parses the events of `spec` (context.function), appending its routes, queue events and
// schedules. context.taken_routes and taken_schedules hold what earlier functions used, so a
// route or schedule name used twice is reported here.
Status ParseEvents(const YamlReader& reader, const YAML::Node& key, const YAML::Node& events,
                   EventContext& context, FunctionSpec& spec);

}  // namespace kumo::cli
