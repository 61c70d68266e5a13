#include "gateway/api_keys.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "common/check.h"
#include "common/encoding.h"

namespace kumo::gateway {

namespace {

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  KUMO_CHECK(RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) == 1);
  return out;
}

// Base64 of a multiple of 3 bytes has no padding, so the URL-safe form is a character swap.
std::string Base64UrlNoPad(std::string_view data) {
  std::string out = Base64Encode(data);
  for (char& c : out) {
    if (c == '+') {
      c = '-';
    } else if (c == '/') {
      c = '_';
    }
  }
  return out;
}

}  // namespace

NewApiKey GenerateApiKey() {
  NewApiKey key;
  key.id = "k-" + HexEncode(RandomBytes(6));
  key.value = Base64UrlNoPad(RandomBytes(30));
  key.hash_hex = HashApiKey(key.value);
  key.prefix = key.value.substr(0, 6);
  return key;
}

std::string HashApiKey(std::string_view value) { return HexEncode(Sha256(value)); }

bool SameHash(std::string_view a_hex, std::string_view b_hex) {
  if (a_hex.size() != b_hex.size() || a_hex.empty()) return false;
  return CRYPTO_memcmp(a_hex.data(), b_hex.data(), a_hex.size()) == 0;
}

}  // namespace kumo::gateway
