#include "gateway/api_keys.h"

#include <gtest/gtest.h>

#include <set>

namespace kumo::gateway {
namespace {

bool AllOf(const std::string& s, const std::string& alphabet) {
  return s.find_first_not_of(alphabet) == std::string::npos;
}

const std::string kHex = "0123456789abcdef";
const std::string kBase64Url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

TEST(ApiKeysTest, GeneratedKeyHasTheDocumentedShape) {
  NewApiKey key = GenerateApiKey();
  ASSERT_EQ(key.id.size(), 14u);
  EXPECT_EQ(key.id.substr(0, 2), "k-");
  EXPECT_TRUE(AllOf(key.id.substr(2), kHex)) << key.id;
  EXPECT_EQ(key.value.size(), 40u);
  EXPECT_TRUE(AllOf(key.value, kBase64Url)) << key.value;
  EXPECT_EQ(key.hash_hex, HashApiKey(key.value));
  EXPECT_EQ(key.hash_hex.size(), 64u);
  EXPECT_EQ(key.prefix, key.value.substr(0, 6));
}

TEST(ApiKeysTest, KeysAreDistinct) {
  std::set<std::string> ids;
  std::set<std::string> values;
  for (int i = 0; i < 100; ++i) {
    NewApiKey key = GenerateApiKey();
    ids.insert(key.id);
    values.insert(key.value);
  }
  EXPECT_EQ(ids.size(), 100u);
  EXPECT_EQ(values.size(), 100u);
}

TEST(ApiKeysTest, HashIsHexSha256) {
  EXPECT_EQ(HashApiKey("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_NE(HashApiKey("abc"), HashApiKey("abd"));
}

TEST(ApiKeysTest, SameHash) {
  std::string h = HashApiKey("key-1");
  EXPECT_TRUE(SameHash(h, HashApiKey("key-1")));
  EXPECT_FALSE(SameHash(h, HashApiKey("key-2")));
  EXPECT_FALSE(SameHash(h, h.substr(0, 63)));
  EXPECT_FALSE(SameHash("", ""));
}

}  // namespace
}  // namespace kumo::gateway
