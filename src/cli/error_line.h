#pragma once
// Turns what went wrong into the single line the CLI prints on stderr (without the "kumo: "
// prefix), so every command reports failures the same way.

#include <string>
#include <string_view>

#include "cli/transport.h"

namespace kumo::cli {

// For a reply with an error status: Lambda puts the exception name in X-Amzn-ErrorType and
// {"Type","Message"} in the body. `function_name` (may be empty) turns a 404 into
// `function "NAME" not found`.
std::string DescribeErrorReply(const HttpReply& reply, std::string_view function_name);

// Collapses newlines and tabs so a message from the server cannot break the one-line rule.
std::string OneLine(std::string_view text);

}  // namespace kumo::cli
