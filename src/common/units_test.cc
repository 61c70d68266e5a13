#include "common/units.h"

#include <gtest/gtest.h>

namespace kumo {
namespace {

TEST(UnitsTest, Sizes) {
  EXPECT_EQ(ParseSize("8G"), 8ull << 30);
  EXPECT_EQ(ParseSize("512M"), 512ull << 20);
  EXPECT_EQ(ParseSize("512MiB"), 512ull << 20);
  EXPECT_EQ(ParseSize("1.5g"), 3ull << 29);
  EXPECT_EQ(ParseSize("4096"), 4096u);
  EXPECT_FALSE(ParseSize("G").has_value());
  EXPECT_FALSE(ParseSize("8X").has_value());
  EXPECT_FALSE(ParseSize("-1G").has_value());
}

TEST(UnitsTest, Durations) {
  EXPECT_EQ(ParseDuration("90s"), std::chrono::seconds(90));
  EXPECT_EQ(ParseDuration("10m"), std::chrono::minutes(10));
  EXPECT_EQ(ParseDuration("250ms"), std::chrono::milliseconds(250));
  EXPECT_EQ(ParseDuration("2"), std::chrono::seconds(2));
  EXPECT_EQ(ParseDuration("1h"), std::chrono::hours(1));
  EXPECT_FALSE(ParseDuration("soon").has_value());
  EXPECT_FALSE(ParseDuration("5d").has_value());
}

}  // namespace
}  // namespace kumo
