#pragma once
// The `events:` list of a function in kumo.yaml: HTTP routes in the spellings serverless.yml users
// know (`http: GET /items/{id}`, `httpApi: 'GET /hello'`, `httpApi: {method: get, path: /x}`,
// `httpApi: '*'`) plus kumo's `{route: ..., auth: ..., rateLimit: ...}`. Single-threaded.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cli/yaml_reader.h"

namespace kumo::cli {

// "GET /items/{id}" in kumo's canonical form: upper-case method (ANY for `*`), a path that starts
// with '/' and has no trailing slash, `{param}` segments and at most a final `{name+}`; `*` and
// `$default` become "$default". The error message has no location (the caller adds it).
Result<std::string> NormalizeRouteKey(std::string_view method, std::string_view path);
Result<std::string> NormalizeRouteKey(std::string_view route);

// Parses the events of function `function`, appending its routes to `routes`. `taken` maps each
// route key already used in the file to its function, so a key used twice is reported here.
Status ParseEvents(const YamlReader& reader, const YAML::Node& key, const YAML::Node& events,
                   const std::string& function, std::map<std::string, std::string>& taken,
                   std::vector<RouteSpec>& routes);

}  // namespace kumo::cli
