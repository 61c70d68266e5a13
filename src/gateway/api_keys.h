#pragma once
// API keys for gateway routes with Auth "api_key": generation and hashing only. The gateway
// stores the hash and shows the value once; these functions hold no state and any thread may
// call them.

#include <string>
#include <string_view>

namespace kumo::gateway {

struct NewApiKey {
  std::string id;        // "k-" + 12 hex digits, public
  std::string value;     // the secret the client sends in x-api-key; shown only once
  std::string hash_hex;  // lower-case hex SHA-256 of value, what gets stored
  std::string prefix;    // first 6 characters of value, to tell keys apart in listings
};

// 30 random bytes (240 bits) from the OpenSSL CSPRNG as 40 base64url characters. Aborts if the
// CSPRNG fails: handing out a guessable key is worse than stopping.
NewApiKey GenerateApiKey();

// Lower-case hex SHA-256 of a presented or generated key value.
std::string HashApiKey(std::string_view value);

// Compares two hex hashes in time that depends only on their lengths, so a caller looking a key
// up by hash does not leak how much of it matched.
bool SameHash(std::string_view a_hex, std::string_view b_hex);

}  // namespace kumo::gateway
