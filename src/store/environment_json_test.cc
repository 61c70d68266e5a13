#include "store/environment_json.h"

#include <gtest/gtest.h>

namespace kumo::store {
namespace {

TEST(EnvironmentJsonTest, RoundTripsAndIsAnObject) {
  std::map<std::string, std::string> env = {{"A", "x\"y"}, {"B", "ü\n"}};
  std::string text = EncodeEnvironment(env);
  EXPECT_EQ(text.front(), '{');
  EXPECT_EQ(DecodeEnvironment(text), env);
  EXPECT_EQ(EncodeEnvironment({}), "{}");
}

TEST(EnvironmentJsonTest, RejectsWhatIsNotAnObjectOfStrings) {
  EXPECT_FALSE(DecodeEnvironment("[]"));
  EXPECT_FALSE(DecodeEnvironment("{\"a\": 1}"));
  EXPECT_FALSE(DecodeEnvironment("{\"a\": "));
  EXPECT_FALSE(DecodeEnvironment(""));
}

}  // namespace
}  // namespace kumo::store
