#pragma once
// The MaxItems query parameter of Lambda's list operations. Pure; any thread.

#include <string>

#include "common/result.h"

namespace kumo::api {

// `text` as MaxItems: `fallback` when empty, kInvalidArgument (Lambda's message) unless it is an
// integer in [1, 10000].
Result<int> ParseMaxItems(const std::string& text, int fallback);

}  // namespace kumo::api
