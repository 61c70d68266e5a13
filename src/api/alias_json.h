#pragma once
// AliasConfig <-> Lambda's AliasConfiguration JSON, and the request fields of CreateAlias and
// UpdateAlias. Pure functions; any thread. Only the api folder's .cc files include this (it
// brings Boost.JSON in).

#include <boost/json.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/function_json.h"
#include "common/result.h"
#include "store/function_config.h"

namespace kumo::api {

// "arn:aws:lambda:REGION:ACCOUNT:function:NAME:ALIAS".
std::string AliasArn(const ArnContext& ctx, const std::string& function_name,
                     const std::string& alias);
// {AliasArn, Name, FunctionVersion, Description, RoutingConfig?, RevisionId}; RoutingConfig only
// when the alias routes to a second version.
boost::json::object AliasConfigurationObject(const ArnContext& ctx,
                                             const store::AliasConfig& alias);
std::string AliasConfigurationJson(const ArnContext& ctx, const store::AliasConfig& alias);
// ListAliases' page: {"Aliases": [...], "NextMarker"}.
std::string ListAliasesJson(const ArnContext& ctx, const std::vector<store::AliasConfig>& aliases,
                            const std::string* next_marker);
// RoutingConfig.AdditionalVersionWeights of a request: nullopt when RoutingConfig is absent or
// null, an empty map when it has no weights; kInvalidArgument for wrong types.
Result<std::optional<std::map<std::string, double>>> RoutingField(const boost::json::object& body);

}  // namespace kumo::api
