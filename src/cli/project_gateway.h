#pragma once
// The gateway-wide parts of kumo.yaml: `cors:` and `authorizers:`. Both accept kumo's spelling
// and serverless.yml's (allowedOrigins, issuerUrl, ...). Single-threaded.

#include <filesystem>
#include <vector>

#include "cli/yaml_reader.h"

namespace kumo::cli {

Result<CorsSpec> ParseCors(const YamlReader& reader, const YAML::Node& key,
                           const YAML::Node& value);
// Relative jwksFile paths are resolved against `base_dir`. Sorted by name.
Result<std::vector<AuthorizerSpec>> ParseAuthorizers(const YamlReader& reader,
                                                     const YAML::Node& key, const YAML::Node& value,
                                                     const std::filesystem::path& base_dir);

}  // namespace kumo::cli
