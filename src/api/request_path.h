#pragma once
// The segments of a request path, for the routers of the api folder's handlers.

#include <string>
#include <string_view>
#include <vector>

namespace kumo::api {

// "/2015-03-31/functions/f/code" -> {"2015-03-31", "functions", "f", "code"}; empty segments
// (doubled or trailing slashes) are dropped.
inline std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> parts;
  while (!path.empty()) {
    size_t slash = path.find('/');
    if (slash != 0) parts.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

}  // namespace kumo::api
