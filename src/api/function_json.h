#pragma once
// FunctionConfig <-> Lambda's JSON shapes.

#include <string>
#include <vector>

#include "store/function_config.h"

namespace kumo::api {

struct ArnContext {
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
};

std::string FunctionArn(const ArnContext& ctx, const std::string& name);
// Lambda's FunctionConfiguration object, serialized.
std::string FunctionConfigurationJson(const ArnContext& ctx, const store::FunctionConfig& config);
// GetFunction's {"Configuration": ..., "Code": ...}; `code_location` is a URL to the zip.
std::string GetFunctionJson(const ArnContext& ctx, const store::FunctionConfig& config,
                            const std::string& code_location);
// ListFunctions' page.
std::string ListFunctionsJson(const ArnContext& ctx,
                              const std::vector<store::FunctionConfig>& functions,
                              const std::string* next_marker);

// ListVersionsByFunction's page: {"Versions": [...], "NextMarker"}.
std::string ListVersionsJson(const ArnContext& ctx,
                             const std::vector<store::FunctionConfig>& versions,
                             const std::string* next_marker);

}  // namespace kumo::api
