// Lambda's alias rules as pure checks.
#include "store/alias_rules.h"

#include <gtest/gtest.h>

#include <limits>

#include "store/store_test_util.h"

namespace kumo::store {
namespace {

AliasConfig Alias(const std::string& version, std::map<std::string, double> weights = {}) {
  AliasConfig alias = SampleAlias("f", "live", version);
  alias.additional_weights = std::move(weights);
  return alias;
}

TEST(AliasRulesTest, Names) {
  for (const std::string& ok : {std::string("live"), std::string("1a"), std::string("a1"),
                                std::string("A-b_c"), std::string("-"), std::string(128, 'x')}) {
    EXPECT_TRUE(ValidateAliasName(ok).ok()) << ok;
  }
  for (const std::string& bad :
       {std::string(""), std::string("1"), std::string("123"), std::string(129, 'x'),
        std::string("a.b"), std::string("a b"), std::string("$LATEST"), std::string("a:b")}) {
    Status status = ValidateAliasName(bad);
    ASSERT_FALSE(status.ok()) << bad;
    EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(AliasRulesTest, VersionNumbers) {
  EXPECT_TRUE(IsVersionNumber("1"));
  EXPECT_TRUE(IsVersionNumber("42"));
  EXPECT_FALSE(IsVersionNumber("0"));
  EXPECT_FALSE(IsVersionNumber("01"));
  EXPECT_FALSE(IsVersionNumber(""));
  EXPECT_FALSE(IsVersionNumber("$LATEST"));
  EXPECT_FALSE(IsVersionNumber("1a"));
  EXPECT_FALSE(IsVersionNumber(std::string(30, '9')));
  EXPECT_TRUE(IsAliasTargetVersion("$LATEST"));
  EXPECT_TRUE(IsAliasTargetVersion("3"));
  EXPECT_FALSE(IsAliasTargetVersion("live"));
}

TEST(AliasRulesTest, RoutingAccepted) {
  EXPECT_TRUE(ValidateAliasTargets(Alias("1")).ok());
  EXPECT_TRUE(ValidateAliasTargets(Alias("$LATEST")).ok());
  EXPECT_TRUE(ValidateAliasTargets(Alias("1", {{"2", 0.0}})).ok());
  EXPECT_TRUE(ValidateAliasTargets(Alias("1", {{"2", 0.3}})).ok());
  // Lambda documents the weight's range as 0.0 to 1.0 inclusive.
  EXPECT_TRUE(ValidateAliasTargets(Alias("1", {{"2", 1.0}})).ok());
}

TEST(AliasRulesTest, RoutingRefused) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<AliasConfig> bad = {
      Alias("live"),                           // not a version
      Alias(""),                               // empty version
      Alias("1", {{"2", 0.1}, {"3", 0.1}}),    // two additional versions
      Alias("1", {{"2", 1.5}}),                // weight above 1
      Alias("1", {{"2", -0.1}}),               // weight below 0
      Alias("1", {{"2", nan}}),                // not a number
      Alias("1", {{"1", 0.5}}),                // same as the primary
      Alias("$LATEST", {{"2", 0.5}}),          // routing from $LATEST
      Alias("1", {{"$LATEST", 0.5}}),          // routing to $LATEST
      Alias("1", {{"x", 0.5}}),                // not a version
  };
  for (const AliasConfig& alias : bad) {
    Status status = ValidateAliasTargets(alias);
    ASSERT_FALSE(status.ok()) << alias.function_version;
    EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
    EXPECT_FALSE(status.error().message.empty());
  }
}

}  // namespace
}  // namespace kumo::store
