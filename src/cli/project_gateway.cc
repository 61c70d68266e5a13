#include "cli/project_gateway.h"

#include <algorithm>
#include <cctype>

namespace kumo::cli {
namespace {

// One setting that may be spelled two ways; giving both is an error.
YAML::Node Either(const YAML::Node& map, const char* kumo_name, const char* other_name) {
  return map[kumo_name] ? map[kumo_name] : map[other_name];
}

Status NotBoth(const YamlReader& reader, const YAML::Node& map, const char* a, const char* b) {
  if (map[a] && map[b]) {
    return reader.At(map[b], std::string("give ") + a + " or " + b + ", not both");
  }
  return Ok();
}

bool IsAuthorizerName(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

Result<AuthorizerSpec> ParseAuthorizer(const YamlReader& reader, const YAML::Node& key,
                                       const YAML::Node& value,
                                       const std::filesystem::path& base_dir) {
  AuthorizerSpec spec;
  spec.name = key.Scalar();
  std::string where = "in authorizer \"" + spec.name + "\"";
  if (!IsAuthorizerName(spec.name)) {
    return reader.At(key, "authorizer names use 1 to 64 letters, digits, '-' and '_'");
  }
  KUMO_RETURN_IF_ERROR(reader.ExpectMap(key, value, "authorizer \"" + spec.name + "\""));
  KUMO_RETURN_IF_ERROR(reader.CheckKeys(
      value, where, {"issuer", "issuerUrl", "audience", "hs256Secret", "jwksFile"}));
  KUMO_RETURN_IF_ERROR(NotBoth(reader, value, "issuer", "issuerUrl"));
  YAML::Node issuer = Either(value, "issuer", "issuerUrl");
  if (!issuer) return reader.At(key, "authorizer \"" + spec.name + "\" needs issuer:");
  KUMO_ASSIGN_OR_RETURN(spec.issuer, reader.String(key, issuer, "issuer"));
  if (!value["audience"]) return reader.At(key, "authorizer \"" + spec.name + "\" needs audience:");
  KUMO_ASSIGN_OR_RETURN(spec.audience, reader.StringList(key, value["audience"], "audience"));
  if (value["hs256Secret"].IsDefined() == value["jwksFile"].IsDefined()) {
    return reader.At(
        key, "authorizer \"" + spec.name + "\" needs exactly one of hs256Secret: and jwksFile:");
  }
  if (value["hs256Secret"]) {
    KUMO_ASSIGN_OR_RETURN(spec.hs256_secret,
                          reader.String(key, value["hs256Secret"], "hs256Secret"));
    if (spec.hs256_secret.empty()) return reader.At(value["hs256Secret"], "hs256Secret is empty");
  } else {
    KUMO_ASSIGN_OR_RETURN(std::string file, reader.String(key, value["jwksFile"], "jwksFile"));
    std::filesystem::path path =
        std::filesystem::path(file).is_absolute() ? std::filesystem::path(file) : base_dir / file;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      return reader.At(value["jwksFile"], "jwksFile " + file + " does not exist");
    }
    spec.jwks_file = std::filesystem::absolute(path).lexically_normal().string();
  }
  return spec;
}

}  // namespace

Result<CorsSpec> ParseCors(const YamlReader& reader, const YAML::Node& key,
                           const YAML::Node& value) {
  KUMO_RETURN_IF_ERROR(reader.ExpectMap(key, value, "cors"));
  KUMO_RETURN_IF_ERROR(reader.CheckKeys(
      value, "in cors",
      {"allowOrigins", "allowMethods", "allowHeaders", "exposeHeaders", "allowCredentials",
       "maxAge", "allowedOrigins", "allowedMethods", "allowedHeaders", "exposedResponseHeaders"}));
  CorsSpec cors;
  struct ListField {
    const char* name;
    const char* other;
    std::vector<std::string>* target;
  };
  for (const ListField& field :
       {ListField{"allowOrigins", "allowedOrigins", &cors.allow_origins},
        ListField{"allowMethods", "allowedMethods", &cors.allow_methods},
        ListField{"allowHeaders", "allowedHeaders", &cors.allow_headers},
        ListField{"exposeHeaders", "exposedResponseHeaders", &cors.expose_headers}}) {
    KUMO_RETURN_IF_ERROR(NotBoth(reader, value, field.name, field.other));
    if (YAML::Node list = Either(value, field.name, field.other)) {
      KUMO_ASSIGN_OR_RETURN(*field.target, reader.StringList(key, list, field.name));
    }
  }
  for (std::string& method : cors.allow_methods) {
    std::transform(method.begin(), method.end(), method.begin(), ::toupper);
  }
  if (value["allowCredentials"]) {
    KUMO_ASSIGN_OR_RETURN(cors.allow_credentials,
                          reader.Bool(key, value["allowCredentials"], "allowCredentials"));
  }
  if (value["maxAge"]) {
    KUMO_ASSIGN_OR_RETURN(
        int64_t max_age,
        reader.Integer(key, value["maxAge"], 0, 86400,
                       "maxAge must be a whole number of seconds from 0 to 86400"));
    cors.max_age = static_cast<int>(max_age);
  }
  return cors;
}

Result<std::vector<AuthorizerSpec>> ParseAuthorizers(const YamlReader& reader,
                                                     const YAML::Node& key, const YAML::Node& value,
                                                     const std::filesystem::path& base_dir) {
  KUMO_RETURN_IF_ERROR(reader.ExpectMap(key, value, "authorizers"));
  std::vector<AuthorizerSpec> authorizers;
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (!it->first.IsScalar()) return reader.At(it->first, "authorizer names must be plain names");
    KUMO_ASSIGN_OR_RETURN(AuthorizerSpec spec,
                          ParseAuthorizer(reader, it->first, it->second, base_dir));
    for (const AuthorizerSpec& other : authorizers) {
      if (other.name == spec.name) {
        return reader.At(it->first, "duplicate authorizer \"" + spec.name + "\"");
      }
    }
    authorizers.push_back(std::move(spec));
  }
  std::sort(authorizers.begin(), authorizers.end(),
            [](const AuthorizerSpec& a, const AuthorizerSpec& b) { return a.name < b.name; });
  return authorizers;
}

}  // namespace kumo::cli
