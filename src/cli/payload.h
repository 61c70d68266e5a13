#pragma once
// Reads the payload of `kumo invoke --payload`.

#include <istream>
#include <string>
#include <string_view>

#include "common/result.h"

namespace kumo::cli {

// `arg` is inline JSON, "@PATH" for a file's content or "-" for all of `in`. The result must
// parse as JSON, since Lambda rejects anything else; an empty argument means "{}".
Result<std::string> ResolvePayload(std::string_view arg, std::istream& in);

}  // namespace kumo::cli
