#include "api/validation.h"

#include <gtest/gtest.h>

namespace kumo::api {
namespace {

TEST(ValidationTest, FunctionNames) {
  EXPECT_TRUE(ValidateFunctionName("my-fn_1").ok());
  EXPECT_FALSE(ValidateFunctionName("").ok());
  EXPECT_FALSE(ValidateFunctionName("bad name!").ok());
  EXPECT_FALSE(ValidateFunctionName(std::string(65, 'a')).ok());
  EXPECT_TRUE(ValidateFunctionName(std::string(64, 'a')).ok());
}

TEST(ValidationTest, RuntimeAndHandler) {
  EXPECT_TRUE(ValidateRuntime("python3.12").ok());
  EXPECT_FALSE(ValidateRuntime("java21").ok());
  EXPECT_FALSE(ValidateHandler("python3.12", "").ok());
  EXPECT_FALSE(ValidateHandler("python3.12", "nodot").ok());
  EXPECT_TRUE(ValidateHandler("python3.12", "app.handler").ok());
  EXPECT_TRUE(ValidateHandler("provided.al2023", "").ok());
}

TEST(ValidationTest, LimitsAndEnvironment) {
  EXPECT_FALSE(ValidateMemory(127).ok());
  EXPECT_TRUE(ValidateMemory(128).ok());
  EXPECT_TRUE(ValidateMemory(10240).ok());
  EXPECT_FALSE(ValidateMemory(10241).ok());
  EXPECT_FALSE(ValidateTimeout(0).ok());
  EXPECT_TRUE(ValidateTimeout(900).ok());
  EXPECT_FALSE(ValidateTimeout(901).ok());
  EXPECT_TRUE(ValidateEnvironment({{"TABLE", "x"}}).ok());
  EXPECT_FALSE(ValidateEnvironment({{"AWS_REGION", "x"}}).ok());
  EXPECT_FALSE(ValidateEnvironment({{"1X", "x"}}).ok());
  EXPECT_FALSE(ValidateEnvironment({{"X", std::string(5000, 'v')}}).ok());
}

TEST(ValidationTest, NamesFromArns) {
  std::string q;
  EXPECT_EQ(NameFromPath("fn", &q), "fn");
  EXPECT_EQ(q, "");
  EXPECT_EQ(NameFromPath("arn:aws:lambda:us-east-1:000000000000:function:fn:$LATEST", &q), "fn");
  EXPECT_EQ(q, "$LATEST");
  q.clear();
  EXPECT_EQ(NameFromPath("000000000000:function:fn", &q), "fn");
  EXPECT_EQ(q, "");
}

}  // namespace
}  // namespace kumo::api
