#pragma once
// The CLI's API key commands: `kumo api-key create NAME`, `kumo api-key ls` and
// `kumo api-key rm ID`, against kumo's own /kumo/v1/api-keys. Each returns the process exit code
// (0 ok, 1 failure with one "kumo: ..." line on err). Single-threaded, like the rest of the CLI.

#include <string>
#include <string_view>

#include "cli/commands.h"
#include "cli/transport.h"

namespace kumo::cli {

// The requests, pure so the exact bytes each command sends are unit-tested.
HttpRequest CreateApiKeyRequest(std::string_view name);
HttpRequest ListApiKeysRequest();
HttpRequest DeleteApiKeyRequest(std::string_view id);

// Prints the new key's Id and Value; the server keeps only a hash, so this is the one chance to
// see the value.
int CreateApiKey(Transport& transport, const std::string& name, Io io);
// A table of ID NAME PREFIX CREATED; never the values, which the server no longer has.
int ListApiKeys(Transport& transport, Io io);
// Revokes the key: gateway routes with api_key auth refuse it from then on.
int RevokeApiKey(Transport& transport, const std::string& id, Io io);

}  // namespace kumo::cli
