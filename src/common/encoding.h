#pragma once
// Base64, hex and SHA-256 (OpenSSL underneath), and ids. Kept behind this header so OpenSSL and
// libuuid headers stay out of the rest of the code.

#include <optional>
#include <string>
#include <string_view>

namespace kumo {

std::string Base64Encode(std::string_view data);
// nullopt when the input is not valid base64 (whitespace is ignored).
std::optional<std::string> Base64Decode(std::string_view text);
std::string HexEncode(std::string_view data);
// Raw 32-byte digest.
std::string Sha256(std::string_view data);
// Raw 32-byte HMAC-SHA-256 of `data` under `key`.
std::string HmacSha256(std::string_view key, std::string_view data);
// `n` bytes from the kernel's CSPRNG (OpenSSL's RAND_bytes).
std::string RandomBytes(size_t n);
// A random RFC 4122 UUID in lower-case text, as Lambda uses for request ids.
std::string NewUuid();

}  // namespace kumo
