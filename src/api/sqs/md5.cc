#include "api/sqs/md5.h"

#include <openssl/evp.h>

#include <cstdint>

#include "common/encoding.h"

namespace kumo::api::sqs {
namespace {

void AppendLengthAndBytes(std::string& out, std::string_view bytes) {
  uint32_t n = static_cast<uint32_t>(bytes.size());
  out.push_back(static_cast<char>((n >> 24) & 0xFF));
  out.push_back(static_cast<char>((n >> 16) & 0xFF));
  out.push_back(static_cast<char>((n >> 8) & 0xFF));
  out.push_back(static_cast<char>(n & 0xFF));
  out.append(bytes);
}

}  // namespace

std::string Md5Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_md5(), nullptr);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

std::string Md5OfAttributes(const MessageAttributes& attributes) {
  if (attributes.empty()) return "";
  std::string encoded;
  for (const auto& [name, attribute] : attributes) {
    AppendLengthAndBytes(encoded, name);
    AppendLengthAndBytes(encoded, attribute.data_type);
    encoded.push_back(attribute.IsBinary() ? 2 : 1);
    AppendLengthAndBytes(encoded, attribute.value);
  }
  return Md5Hex(encoded);
}

}  // namespace kumo::api::sqs
