#include "api/qualifier.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "store/alias_rules.h"

namespace kumo::api {
namespace {

constexpr size_t kMaxQualifierLength = 128;

Error QualifiedNotFound(const ArnContext& arn, const std::string& name,
                        const std::string& qualifier) {
  std::string target = FunctionArn(arn, name);
  if (!qualifier.empty()) target += ":" + qualifier;
  return MakeError(ErrorCode::kNotFound, "Function not found: " + target);
}

// Lambda's pattern for Qualifier: (|[a-zA-Z0-9$_-]+), at most 128 characters.
Status CheckQualifierPattern(const std::string& qualifier) {
  bool ok = qualifier.size() <= kMaxQualifierLength &&
            std::all_of(qualifier.begin(), qualifier.end(), [](unsigned char c) {
              return std::isalnum(c) != 0 || c == '$' || c == '_' || c == '-';
            });
  if (ok) return Ok();
  return MakeError(ErrorCode::kInvalidArgument,
                   "1 validation error detected: Value '" + qualifier +
                       "' at 'qualifier' failed to satisfy constraint: Member must satisfy "
                       "regular expression pattern: (|[a-zA-Z0-9$_-]+)");
}

// The configuration of "$LATEST" or a version number; absent ones become Lambda's not-found.
Result<store::FunctionConfig> LoadVersion(store::FunctionStore& store, const ArnContext& arn,
                                          const std::string& name, const std::string& version,
                                          const std::string& asked) {
  Result<store::FunctionConfig> found =
      version == "$LATEST" ? store.Get(name)
      : store::IsVersionNumber(version)
          ? store.GetVersion(name, std::stoll(version))
          : Result<store::FunctionConfig>(MakeError(ErrorCode::kNotFound, version));
  if (!found.ok() && found.error().code == ErrorCode::kNotFound) {
    return QualifiedNotFound(arn, name, asked);
  }
  return found;
}

Result<store::FunctionConfig> Resolve(store::FunctionStore& store, const ArnContext& arn,
                                      const std::string& name, const std::string& qualifier,
                                      std::optional<double> uniform01) {
  KUMO_RETURN_IF_ERROR(CheckQualifierPattern(qualifier));
  switch (ClassifyQualifier(qualifier)) {
    case QualifierKind::kLatest:
      return LoadVersion(store, arn, name, "$LATEST", qualifier);
    case QualifierKind::kVersion:
      return LoadVersion(store, arn, name, qualifier, qualifier);
    case QualifierKind::kAlias:
      break;
  }
  Result<store::AliasConfig> alias = store.GetAlias(name, qualifier);
  if (!alias.ok()) {
    if (alias.error().code == ErrorCode::kNotFound) return QualifiedNotFound(arn, name, qualifier);
    return alias.error();
  }
  std::string version =
      uniform01 ? ChooseAliasVersion(*alias, *uniform01) : alias->function_version;
  return LoadVersion(store, arn, name, version, qualifier);
}

}  // namespace

QualifierKind ClassifyQualifier(const std::string& qualifier) {
  if (qualifier.empty() || qualifier == "$LATEST") return QualifierKind::kLatest;
  if (store::IsVersionNumber(qualifier)) return QualifierKind::kVersion;
  return QualifierKind::kAlias;
}

std::string ChooseAliasVersion(const store::AliasConfig& alias, double uniform01) {
  // The store allows one additional version; walking them in order keeps this total anyway.
  double threshold = 0.0;
  for (const auto& [version, weight] : alias.additional_weights) {
    threshold += weight;
    if (uniform01 < threshold) return version;
  }
  return alias.function_version;
}

Result<store::FunctionConfig> ResolveQualifier(store::FunctionStore& store, const ArnContext& arn,
                                               const std::string& name,
                                               const std::string& qualifier, double uniform01) {
  return Resolve(store, arn, name, qualifier, uniform01);
}

Result<store::FunctionConfig> ResolvePrimary(store::FunctionStore& store, const ArnContext& arn,
                                             const std::string& name,
                                             const std::string& qualifier) {
  return Resolve(store, arn, name, qualifier, std::nullopt);
}

}  // namespace kumo::api
