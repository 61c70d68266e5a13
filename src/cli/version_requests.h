#pragma once
// Builds the HTTP requests of the version, alias and concurrency commands (Lambda's paths).
// Pure functions, so the exact bytes each command sends are unit-tested.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "cli/transport.h"

namespace kumo::cli {

// What `kumo alias NAME ALIAS --version V [--weight V2=W] [--description D]` sets.
struct AliasSpec {
  std::string function;
  std::string alias;
  std::string version;
  std::map<std::string, double> weights;  // additional version -> share of calls
  std::optional<std::string> description;
};

HttpRequest PublishVersionRequest(std::string_view name, const std::optional<std::string>& description);
HttpRequest ListVersionsRequest(std::string_view name, std::string_view marker, int max_items);
HttpRequest GetAliasRequest(std::string_view name, std::string_view alias);
HttpRequest CreateAliasRequest(const AliasSpec& spec);
// Sets the version and the routing (replacing any earlier weights), and the description if given.
HttpRequest UpdateAliasRequest(const AliasSpec& spec);
HttpRequest DeleteAliasRequest(std::string_view name, std::string_view alias);
HttpRequest ListAliasesRequest(std::string_view name, std::string_view marker, int max_items);
HttpRequest PutConcurrencyRequest(std::string_view name, int reserved);
HttpRequest GetConcurrencyRequest(std::string_view name);
HttpRequest DeleteConcurrencyRequest(std::string_view name);

}  // namespace kumo::cli
