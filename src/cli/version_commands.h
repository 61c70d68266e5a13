#pragma once
// The CLI's version, alias and concurrency commands: `kumo publish`, `kumo versions`,
// `kumo alias`, `kumo aliases` and `kumo concurrency`. Each returns the process exit code (0 ok,
// 1 failure with one "kumo: ..." line on err). Single-threaded, like the rest of the CLI.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/version_requests.h"
#include "common/result.h"

namespace kumo::cli {

struct ConcurrencyArgs {
  std::string name;
  std::optional<int> reserved;  // --reserved X
  bool clear = false;           // --clear
};

// Turns ["2=0.1"] into {"2": 0.1}; fails on a malformed entry or a weight outside [0, 1].
Result<std::map<std::string, double>> ParseWeights(const std::vector<std::string>& items);

int Publish(Transport& transport, const std::string& name,
            const std::optional<std::string>& description, Io io);
int ListVersions(Transport& transport, const std::string& name, Io io);
// Creates the alias, or updates it (version, routing, description if given) if it exists.
int SetAlias(Transport& transport, const AliasSpec& spec, Io io);
int RemoveAlias(Transport& transport, const std::string& name, const std::string& alias, Io io);
int ListAliases(Transport& transport, const std::string& name, Io io);
// Sets (--reserved), removes (--clear) or shows the function's reserved concurrency.
int Concurrency(Transport& transport, const ConcurrencyArgs& args, Io io);

}  // namespace kumo::cli
