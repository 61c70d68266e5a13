#pragma once
// Checks of what users send in CreateFunction and UpdateFunctionConfiguration, with Lambda's
// limits. Each returns kInvalidArgument with a message that names the field.

#include <map>
#include <string>

#include "common/result.h"

namespace kumo::api {

Status ValidateFunctionName(const std::string& name);
Status ValidateRuntime(const std::string& runtime);
Status ValidateHandler(const std::string& runtime, const std::string& handler);
Status ValidateMemory(int64_t memory_mb);
Status ValidateTimeout(int64_t timeout_s);
Status ValidateEnvironment(const std::map<std::string, std::string>& variables);
Status ValidateDescription(const std::string& description);
// A function name as it appears in a path: a plain name, or an ARN or partial ARN
// ("arn:aws:lambda:us-east-1:000000000000:function:NAME[:QUALIFIER]", "000000000000:function:NAME")
// whose name part is returned; `qualifier` gets a ":QUALIFIER" suffix if present.
std::string NameFromPath(const std::string& text, std::string* qualifier);

}  // namespace kumo::api
