#pragma once
// What a Qualifier (?Qualifier= or NAME:QUALIFIER) names, and the configuration that serves it:
// "" or "$LATEST", a published version number, or an alias (whose routing may send a share of
// calls to a second version). Stateless functions over the store; loop thread (the store's).

#include <string>

#include "api/function_json.h"
#include "common/result.h"
#include "store/function_config.h"
#include "store/function_store.h"

namespace kumo::api {

enum class QualifierKind { kLatest, kVersion, kAlias };

// kLatest for "" and "$LATEST", kVersion for a number, kAlias for anything else.
QualifierKind ClassifyQualifier(const std::string& qualifier);

// The version that serves one call to `alias`: the additional version when `uniform01` (a draw
// from [0, 1)) falls below its weight, otherwise alias.function_version. Pure.
std::string ChooseAliasVersion(const store::AliasConfig& alias, double uniform01);

// The configuration to run for NAME:QUALIFIER, with config.version "$LATEST" or the number that
// serves it (for an alias, chosen by ChooseAliasVersion with `uniform01`). kNotFound with
// Lambda's message ("Function not found: arn:...:function:NAME:QUALIFIER") when the function,
// version or alias is absent; kInvalidArgument for a qualifier Lambda's pattern refuses.
Result<store::FunctionConfig> ResolveQualifier(store::FunctionStore& store, const ArnContext& arn,
                                               const std::string& name,
                                               const std::string& qualifier, double uniform01);

// Like ResolveQualifier without routing: for an alias, its FunctionVersion (what GetFunction and
// GetFunctionConfiguration describe).
Result<store::FunctionConfig> ResolvePrimary(store::FunctionStore& store, const ArnContext& arn,
                                             const std::string& name,
                                             const std::string& qualifier);

}  // namespace kumo::api
