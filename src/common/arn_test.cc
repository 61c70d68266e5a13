#include "common/arn.h"

#include <gtest/gtest.h>

namespace kumo {
namespace {

TEST(ArnTest, SplitsTheSixPartsAndKeepsColonsOfTheResource) {
  std::optional<Arn> fn = ParseArn("arn:aws:lambda:us-east-1:000000000000:function:f:live");
  ASSERT_TRUE(fn.has_value());
  EXPECT_EQ(fn->partition, "aws");
  EXPECT_EQ(fn->service, "lambda");
  EXPECT_EQ(fn->region, "us-east-1");
  EXPECT_EQ(fn->account_id, "000000000000");
  EXPECT_EQ(fn->resource, "function:f:live");
  EXPECT_EQ(ParseArn("arn:aws:sqs:us-east-1:1:q")->resource, "q");
}

TEST(ArnTest, RefusesWhatIsNotAnArn) {
  EXPECT_FALSE(ParseArn("").has_value());
  EXPECT_FALSE(ParseArn("arn:aws:sqs:us-east-1:1").has_value());
  EXPECT_FALSE(ParseArn("arn:aws:sqs:us-east-1:1:").has_value());
  EXPECT_FALSE(ParseArn("urn:aws:sqs:us-east-1:1:q").has_value());
  EXPECT_FALSE(ParseArn("arn:aws::us-east-1:1:q").has_value());
}

}  // namespace
}  // namespace kumo
