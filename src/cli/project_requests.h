#pragma once
// The requests `kumo deploy` sends for a project beyond the ones in requests.h (routes,
// settings, CORS, authorizers) and the readers of their replies. Pure functions, so the exact
// bodies are unit-tested. Single-threaded.

#include <boost/json/object.hpp>
#include <string_view>
#include <vector>

#include "cli/project_plan.h"
#include "cli/requests.h"
#include "cli/transport.h"

namespace kumo::cli {

// The DeploySpec for CreateFunction / UpdateFunctionConfiguration: every setting is sent, so a
// setting removed from the file goes back to Lambda's default.
DeploySpec ProjectDeploySpec(const std::string& project, const FunctionSpec& spec);

HttpRequest GetRoutesRequest(std::string_view name);
HttpRequest PutRoutesRequest(std::string_view name, const std::vector<RouteSpec>& routes);
HttpRequest GetSettingsRequest(std::string_view name);
HttpRequest PutKeepAliveRequest(std::string_view name, int keep_alive_s);
HttpRequest GetCorsRequest();
HttpRequest PutCorsRequest(const CorsSpec& cors);
HttpRequest ListAuthorizersRequest();
HttpRequest PutAuthorizerRequest(const AuthorizerSpec& authorizer);

// The parts of a FunctionConfiguration object (as ListFunctions returns it) a project sets.
DeployedFunction DeployedFromConfiguration(const boost::json::object& configuration);
// {"Routes":[...]} as GET .../routes answers; sorted by route key.
Result<std::vector<RouteSpec>> RoutesFromReply(std::string_view body);
Result<CorsSpec> CorsFromReply(std::string_view body);
Result<std::vector<DeployedAuthorizer>> AuthorizersFromReply(std::string_view body);

}  // namespace kumo::cli
