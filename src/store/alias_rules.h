#pragma once
// Lambda's rules for alias names, the version an alias points to and its routing
// (AdditionalVersionWeights), checked without touching storage. Pure functions; any thread.
// Whether the versions exist is the store's check.

#include <string>

#include "common/result.h"
#include "store/function_config.h"

namespace kumo::store {

// 1-128 characters of [a-zA-Z0-9-_], not all digits (so it cannot be mistaken for a version).
Status ValidateAliasName(const std::string& name);
// A version as an alias may name it: "$LATEST" or a number.
bool IsAliasTargetVersion(const std::string& version);
// True for a published version's number as text: digits only, no leading zero.
bool IsVersionNumber(const std::string& text);
// FunctionVersion and RoutingConfig together: at most one additional version, a published
// number other than FunctionVersion, weight in [0.0, 1.0], and no routing on $LATEST.
Status ValidateAliasTargets(const AliasConfig& alias);

}  // namespace kumo::store
