#pragma once
// Typed reads out of yaml-cpp nodes for the project file, where every failure carries the
// node's position as "FILE:LINE:COL: " (1-based, as editors count). Strings get ${env:NAME}
// substituted. Only parsing code includes this header (yaml-cpp stays out of the rest of the
// CLI). Single-threaded.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cli/project_file.h"
#include "common/result.h"

namespace kumo::cli {

class YamlReader {
 public:
  YamlReader(std::string label, const EnvLookup& env) : label_(std::move(label)), env_(env) {}

  // "FILE:LINE:COL: message" at `node` (or at `key` when the value is null, since yaml-cpp
  // places an empty value at the start of the next line).
  Error At(const YAML::Node& node, std::string_view message) const;
  // "FILE:LINE:COL" of `node` (just FILE when yaml-cpp has no mark).
  std::string Position(const YAML::Node& node) const;
  Error AtValue(const YAML::Node& key, const YAML::Node& value, std::string_view message) const;

  // Fails on a key of `map` that is not in `allowed` or that appears twice. `where` names the
  // map in the message ("in function \"items\"").
  Status CheckKeys(const YAML::Node& map, std::string_view where,
                   const std::vector<std::string_view>& allowed) const;

  // A scalar as text, with ${env:NAME} replaced. `what` names it in errors.
  Result<std::string> String(const YAML::Node& key, const YAML::Node& value,
                             std::string_view what) const;
  // A whole number in [min, max]; `range_message` is the error for anything else.
  Result<int64_t> Integer(const YAML::Node& key, const YAML::Node& value, int64_t min, int64_t max,
                          std::string_view range_message) const;
  // Seconds in [min, max], written as a whole number or a duration such as 90s, 15m, 2h or 4d;
  // `range_message` is the error for anything else.
  Result<int64_t> Seconds(const YAML::Node& key, const YAML::Node& value, int64_t min, int64_t max,
                          std::string_view range_message) const;
  Result<double> Number(const YAML::Node& key, const YAML::Node& value,
                        std::string_view what) const;
  Result<bool> Bool(const YAML::Node& key, const YAML::Node& value, std::string_view what) const;
  // A sequence of scalars, or one scalar taken as a list of one.
  Result<std::vector<std::string>> StringList(const YAML::Node& key, const YAML::Node& value,
                                              std::string_view what) const;
  // Fails unless `value` is a map.
  Status ExpectMap(const YAML::Node& key, const YAML::Node& value, std::string_view what) const;

  // Replaces each ${env:NAME} in `text`; any other ${...} is an error.
  Result<std::string> Substitute(const YAML::Node& at, const std::string& text) const;

 private:
  std::string label_;
  const EnvLookup& env_;
};

}  // namespace kumo::cli
