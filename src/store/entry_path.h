#pragma once
// Checks the name of one zip entry before anything is written for it, and splits it into the
// folder names to walk from the bundle root. Pure; any thread.

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace kumo::store {

// The components of a safe relative entry name: "a/./b//c/" gives {"a", "b", "c"}.
// A name of the root itself (".", "./") gives an empty list. kInvalidArgument, naming the
// entry, for an empty name, a NUL, an absolute name, or any ".." component.
Result<std::vector<std::string>> SplitEntryPath(std::string_view name);

}  // namespace kumo::store
