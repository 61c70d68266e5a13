#pragma once
// Entry points of the kumo command-line client: every subcommand of the `kumo` binary except
// `serve`, which the binary's main handles itself. Single-threaded.

#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"

namespace kumo::cli {

// Called by main with the process's arguments; reads KUMO_ENDPOINT and uses the real streams.
int Main(int argc, char** argv);

// Main without the process globals: `args` excludes the program name, `default_endpoint` is used
// when --endpoint is absent. Tests call this with their own streams.
int Run(const std::vector<std::string>& args, Io io, std::string_view default_endpoint);

}  // namespace kumo::cli
