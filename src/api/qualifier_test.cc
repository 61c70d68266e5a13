// ResolveQualifier against a real store in a temporary file, and the weighted choice of an
// alias's version over deterministic draws.
#include "api/qualifier.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

namespace kumo::api {
namespace {

namespace fs = std::filesystem;

store::AliasConfig Canary(const std::string& primary, const std::string& extra, double weight) {
  store::AliasConfig alias;
  alias.function_name = "f";
  alias.name = "live";
  alias.function_version = primary;
  if (!extra.empty()) alias.additional_weights[extra] = weight;
  return alias;
}

TEST(ChooseAliasVersionTest, NoRoutingAlwaysPrimary) {
  store::AliasConfig alias = Canary("3", "", 0);
  for (double u : {0.0, 0.25, 0.5, 0.999999}) EXPECT_EQ(ChooseAliasVersion(alias, u), "3");
}

TEST(ChooseAliasVersionTest, DrawBelowWeightPicksAdditional) {
  store::AliasConfig alias = Canary("1", "2", 0.3);
  EXPECT_EQ(ChooseAliasVersion(alias, 0.0), "2");
  EXPECT_EQ(ChooseAliasVersion(alias, 0.2999), "2");
  EXPECT_EQ(ChooseAliasVersion(alias, 0.3), "1");
  EXPECT_EQ(ChooseAliasVersion(alias, 0.9999), "1");
}

TEST(ChooseAliasVersionTest, ShareOverEvenlySpreadDrawsMatchesWeight) {
  for (double weight : {0.0, 0.1, 0.3, 0.5, 0.75, 1.0}) {
    store::AliasConfig alias = Canary("1", "2", weight);
    constexpr int kDraws = 1000;
    int additional = 0;
    // Draws i/kDraws cover [0, 1) evenly, so the count is exact rather than statistical.
    for (int i = 0; i < kDraws; ++i) {
      if (ChooseAliasVersion(alias, static_cast<double>(i) / kDraws) == "2") ++additional;
    }
    EXPECT_EQ(additional, static_cast<int>(weight * kDraws + 0.5)) << "weight " << weight;
  }
}

TEST(ClassifyQualifierTest, Kinds) {
  EXPECT_EQ(ClassifyQualifier(""), QualifierKind::kLatest);
  EXPECT_EQ(ClassifyQualifier("$LATEST"), QualifierKind::kLatest);
  EXPECT_EQ(ClassifyQualifier("12"), QualifierKind::kVersion);
  EXPECT_EQ(ClassifyQualifier("live"), QualifierKind::kAlias);
  EXPECT_EQ(ClassifyQualifier("v1"), QualifierKind::kAlias);
}

class ResolveQualifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "kumo-qualifier-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    auto opened = store::FunctionStore::Open((dir_ / "kumo.db").string());
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(opened).value();
    store::FunctionConfig config;
    config.name = "f";
    config.runtime = "python3.12";
    config.handler = "app.handler";
    config.code_sha256 = "A";
    config.code_hex = "aa";
    ASSERT_TRUE(store_->Create(config).ok());
    ASSERT_TRUE(store_->PublishVersion("f", std::nullopt).ok());  // 1: code A
    config.code_sha256 = "B";
    config.code_hex = "bb";
    ASSERT_TRUE(store_->Update(config).ok());
    ASSERT_TRUE(store_->PublishVersion("f", std::nullopt).ok());  // 2: code B
    config.code_sha256 = "C";
    config.code_hex = "cc";
    ASSERT_TRUE(store_->Update(config).ok());  // $LATEST: code C
    ASSERT_TRUE(store_->CreateAlias(Canary("1", "2", 0.25)).ok());
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  Result<store::FunctionConfig> Resolve(const std::string& name, const std::string& qualifier,
                                        double u = 0.5) {
    return ResolveQualifier(*store_, arn_, name, qualifier, u);
  }

  fs::path dir_;
  std::unique_ptr<store::FunctionStore> store_;
  ArnContext arn_;
};

TEST_F(ResolveQualifierTest, LatestVersionsAndAlias) {
  for (const char* latest : {"", "$LATEST"}) {
    auto got = Resolve("f", latest);
    ASSERT_TRUE(got.ok()) << got.error().message;
    EXPECT_EQ(got->version, "$LATEST");
    EXPECT_EQ(got->code_hex, "cc");
  }
  auto v1 = Resolve("f", "1");
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->version, "1");
  EXPECT_EQ(v1->code_hex, "aa");
  EXPECT_EQ(Resolve("f", "2")->code_hex, "bb");
  auto primary = Resolve("f", "live", 0.25);
  ASSERT_TRUE(primary.ok());
  EXPECT_EQ(primary->version, "1");
  EXPECT_EQ(primary->code_hex, "aa");
  auto canary = Resolve("f", "live", 0.1);
  ASSERT_TRUE(canary.ok());
  EXPECT_EQ(canary->version, "2");
  EXPECT_EQ(canary->code_hex, "bb");
  EXPECT_EQ(ResolvePrimary(*store_, arn_, "f", "live")->version, "1");
}

TEST_F(ResolveQualifierTest, WeightedChoiceOverADeterministicSequence) {
  // A fixed pseudo-random sequence (a 64-bit LCG), as the caller's generator would supply.
  uint64_t state = 42;
  int canary = 0;
  constexpr int kCalls = 4000;
  for (int i = 0; i < kCalls; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    double u = static_cast<double>(state >> 11) / static_cast<double>(1ULL << 53);
    auto got = Resolve("f", "live", u);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->version == "2", u < 0.25);
    if (got->version == "2") ++canary;
  }
  EXPECT_NEAR(static_cast<double>(canary) / kCalls, 0.25, 0.03);
}

TEST_F(ResolveQualifierTest, AbsentThingsAreLambdasNotFound) {
  const std::string arn = "arn:aws:lambda:us-east-1:000000000000:function:";
  struct Case {
    std::string name, qualifier, message;
  } cases[] = {
      {"f", "3", "Function not found: " + arn + "f:3"},
      {"f", "nope", "Function not found: " + arn + "f:nope"},
      {"f", "0", "Function not found: " + arn + "f:0"},
      {"ghost", "", "Function not found: " + arn + "ghost"},
      {"ghost", "1", "Function not found: " + arn + "ghost:1"},
      {"ghost", "live", "Function not found: " + arn + "ghost:live"},
  };
  for (const Case& c : cases) {
    auto got = Resolve(c.name, c.qualifier);
    ASSERT_FALSE(got.ok()) << c.qualifier;
    EXPECT_EQ(got.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(got.error().message, c.message);
  }
  auto bad = Resolve("f", "a/b");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(ResolveQualifierTest, AliasFollowsUpdates) {
  store::AliasConfig moved = Canary("2", "", 0);
  ASSERT_TRUE(store_->UpdateAlias(moved).ok());
  for (double u : {0.0, 0.5}) EXPECT_EQ(Resolve("f", "live", u)->version, "2");
}

}  // namespace
}  // namespace kumo::api
