#pragma once
// A check on the raw bytes of a zip that libarchive cannot make for us: libarchive cuts an
// entry name at its first NUL byte, so a name with a NUL is only visible in the zip's central
// directory. Pure; any thread.

#include <string_view>

#include "common/result.h"

namespace kumo::store {

// kInvalidArgument if a central directory record has a file name containing a NUL byte.
// A zip whose central directory cannot be found or walked passes: libarchive judges it next.
Status CheckCentralDirectoryNames(std::string_view zip);

}  // namespace kumo::store
