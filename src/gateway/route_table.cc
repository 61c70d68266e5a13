#include "gateway/route_table.h"

#include <set>
#include <tuple>

namespace kumo::gateway {
namespace {

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    if (slash > start) out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

bool IsVariable(const std::string& s) { return s.size() > 2 && s.front() == '{' && s.back() == '}'; }
bool IsGreedy(const std::string& s) { return IsVariable(s) && s[s.size() - 2] == '+'; }
std::string VariableName(const std::string& s) {
  return s.substr(1, s.size() - (IsGreedy(s) ? 3 : 2));
}

// Matches one route against path segments; fills params. Literal segments compare exactly.
bool MatchSegments(const RouteKey& key, const std::vector<std::string>& parts,
                   std::map<std::string, std::string>* params) {
  const auto& segs = key.segments;
  for (size_t i = 0; i < segs.size(); ++i) {
    if (IsGreedy(segs[i])) {
      if (i >= parts.size()) return false;  // a greedy variable takes at least one segment
      std::string rest;
      for (size_t j = i; j < parts.size(); ++j) rest += (j > i ? "/" : "") + parts[j];
      (*params)[VariableName(segs[i])] = rest;
      return true;
    }
    if (i >= parts.size()) return false;
    if (IsVariable(segs[i])) {
      (*params)[VariableName(segs[i])] = parts[i];
    } else if (segs[i] != parts[i]) {
      return false;
    }
  }
  return segs.size() == parts.size();
}

}  // namespace

Result<RouteKey> ParseRouteKey(const std::string& text) {
  RouteKey key;
  if (text == "$default") {
    key.is_default = true;
    return key;
  }
  size_t space = text.find(' ');
  if (space == std::string::npos) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "route \"" + text + "\" must be \"METHOD /path\" or \"$default\"");
  }
  std::string method = text.substr(0, space);
  for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  static const std::set<std::string> kMethods = {"GET",    "POST", "PUT",     "PATCH",
                                                 "DELETE", "HEAD", "OPTIONS", "ANY"};
  if (!kMethods.count(method)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "route \"" + text + "\": unknown method " + method +
                         " (GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or ANY)");
  }
  std::string path = text.substr(space + 1);
  if (path.empty() || path[0] != '/') {
    return MakeError(ErrorCode::kInvalidArgument,
                     "route \"" + text + "\": the path must start with /");
  }
  key.method = method;
  key.segments = Split(path);
  std::set<std::string> names;
  for (size_t i = 0; i < key.segments.size(); ++i) {
    const std::string& s = key.segments[i];
    bool braces = s.find('{') != std::string::npos || s.find('}') != std::string::npos;
    if (braces && !IsVariable(s)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "route \"" + text + "\": a variable must be a whole segment like {id}");
    }
    if (IsGreedy(s) && i + 1 != key.segments.size()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "route \"" + text + "\": a greedy variable {name+} must be the last segment");
    }
    if (IsVariable(s)) {
      std::string name = VariableName(s);
      if (name.empty() || !names.insert(name).second) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "route \"" + text + "\": variable names must be present and distinct");
      }
    }
  }
  return key;
}

std::optional<RouteMatch> RouteTable::Match(const std::string& method,
                                            const std::string& path) const {
  std::vector<std::string> parts = Split(path);
  std::optional<RouteMatch> best;
  // Higher is more specific: (no greedy, literal segments, segments, exact method).
  std::tuple<int, int, int, int> best_rank{-1, -1, -1, -1};
  std::optional<size_t> fallback;
  for (size_t i = 0; i < keys_.size(); ++i) {
    const RouteKey& key = keys_[i];
    if (key.is_default) {
      fallback = i;
      continue;
    }
    if (key.method != "ANY" && key.method != method) continue;
    std::map<std::string, std::string> params;
    if (!MatchSegments(key, parts, &params)) continue;
    int literals = 0;
    bool greedy = false;
    for (const auto& s : key.segments) {
      if (!IsVariable(s)) ++literals;
      if (IsGreedy(s)) greedy = true;
    }
    std::tuple<int, int, int, int> rank{greedy ? 0 : 1, literals,
                                        static_cast<int>(key.segments.size()),
                                        key.method == "ANY" ? 0 : 1};
    if (rank > best_rank) {
      best_rank = rank;
      best = RouteMatch{i, std::move(params)};
    }
  }
  if (!best && fallback) best = RouteMatch{*fallback, {}};
  return best;
}

bool RouteTable::AnyMethodMatches(const std::string& path) const {
  std::vector<std::string> parts = Split(path);
  for (const RouteKey& key : keys_) {
    std::map<std::string, std::string> params;
    if (!key.is_default && MatchSegments(key, parts, &params)) return true;
  }
  return false;
}

}  // namespace kumo::gateway
