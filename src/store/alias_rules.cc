#include "store/alias_rules.h"

#include <algorithm>
#include <cctype>

namespace kumo::store {
namespace {

constexpr size_t kMaxAliasNameLength = 128;

Error Invalid(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

bool AllDigits(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isdigit(c) != 0;
  });
}

}  // namespace

Status ValidateAliasName(const std::string& name) {
  bool chars_ok = std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '-' || c == '_';
  });
  if (name.empty() || name.size() > kMaxAliasNameLength || !chars_ok || AllDigits(name)) {
    return Invalid("1 validation error detected: Value '" + name +
                   "' at 'name' failed to satisfy constraint: Member must satisfy regular "
                   "expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+) and have length between 1 "
                   "and 128");
  }
  return Ok();
}

bool IsVersionNumber(const std::string& text) {
  return AllDigits(text) && text[0] != '0' && text.size() <= 18;
}

bool IsAliasTargetVersion(const std::string& version) {
  return version == "$LATEST" || IsVersionNumber(version);
}

Status ValidateAliasTargets(const AliasConfig& alias) {
  if (!IsAliasTargetVersion(alias.function_version)) {
    return Invalid("1 validation error detected: Value '" + alias.function_version +
                   "' at 'functionVersion' failed to satisfy constraint: Member must satisfy "
                   "regular expression pattern: (\\$LATEST|[0-9]+)");
  }
  if (alias.additional_weights.empty()) return Ok();
  if (alias.additional_weights.size() > 1) {
    return Invalid("Number of items in AdditionalVersionWeights must not be greater than 1");
  }
  const auto& [version, weight] = *alias.additional_weights.begin();
  if (!IsVersionNumber(version)) {
    return Invalid("1 validation error detected: Value '" + version +
                   "' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: "
                   "Map keys must satisfy constraint: [Member must satisfy regular expression "
                   "pattern: [0-9]+]");
  }
  // Written so that NaN fails too.
  if (!(weight >= 0.0 && weight <= 1.0)) {
    return Invalid("1 validation error detected: Value at 'routingConfig.additionalVersionWeights'"
                   " failed to satisfy constraint: Map value must satisfy constraint: [Member "
                   "must have value less than or equal to 1.0, Member must have value greater "
                   "than or equal to 0.0]");
  }
  if (alias.function_version == "$LATEST") {
    return Invalid("$LATEST is not supported for an alias pointing to more than 1 version");
  }
  if (version == alias.function_version) {
    return Invalid("Invalid function version " + version +
                   ". Function version " + version +
                   " is already included in routing configuration.");
  }
  return Ok();
}

}  // namespace kumo::store
