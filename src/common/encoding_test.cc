#include "common/encoding.h"

#include <gtest/gtest.h>

#include <vector>

namespace kumo {
namespace {

TEST(EncodingTest, Base64RoundTrips) {
  for (const std::string& s : std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    auto decoded = Base64Decode(Base64Encode(s));
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, s);
  }
  EXPECT_EQ(Base64Encode("hello"), "aGVsbG8=");
}

TEST(EncodingTest, Base64RejectsGarbage) {
  EXPECT_FALSE(Base64Decode("abc").has_value());
  EXPECT_FALSE(Base64Decode("a*bc").has_value());
  EXPECT_FALSE(Base64Decode("a=bc").has_value());
}

TEST(EncodingTest, Sha256MatchesKnownDigest) {
  EXPECT_EQ(HexEncode(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(EncodingTest, UuidsAreDistinct) {
  EXPECT_EQ(NewUuid().size(), 36u);
  EXPECT_NE(NewUuid(), NewUuid());
}

}  // namespace
}  // namespace kumo

#include "common/time_format.h"

namespace kumo {
namespace {

TEST(TimeFormatTest, FormatsLikeLambda) {
  auto t = std::chrono::system_clock::time_point(std::chrono::milliseconds(1764118923456));
  EXPECT_EQ(Iso8601Millis(t), "2025-11-26T01:02:03.456+0000");
  EXPECT_EQ(Iso8601MillisZ(t), "2025-11-26T01:02:03.456Z");
  EXPECT_EQ(DatePath(t), "2025/11/26");
  EXPECT_EQ(EpochMillis(t), 1764118923456);
}

}  // namespace
}  // namespace kumo

namespace kumo {
namespace {

TEST(EncodingTest, HmacSha256MatchesRfc4231) {
  // RFC 4231, test case 2.
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(EncodingTest, RandomBytesHaveTheLengthAndDiffer) {
  std::string a = RandomBytes(32), b = RandomBytes(32);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace kumo
