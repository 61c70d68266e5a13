// Published versions in the SQLite store: numbering, immutability, the unchanged-$LATEST rule,
// paging and deletion.
#include <gtest/gtest.h>

#include "store/store_test_util.h"

namespace kumo::store {
namespace {

using VersionStoreTest = StoreTest;

std::vector<std::string> VersionsOf(const FunctionStore::VersionPage& page) {
  std::vector<std::string> out;
  for (const auto& v : page.versions) out.push_back(v.version);
  return out;
}

TEST_F(VersionStoreTest, PublishCopiesLatestIntoVersionOne) {
  FunctionConfig latest = SampleFunction("f");
  latest.reserved_concurrency = 7;
  ASSERT_TRUE(store_->Create(latest).ok());
  auto published = store_->PublishVersion("f", std::nullopt);
  ASSERT_TRUE(published.ok()) << published.error().message;
  EXPECT_TRUE(published->created);
  const FunctionConfig& v1 = published->config;
  EXPECT_EQ(v1.version, "1");
  EXPECT_EQ(v1.name, "f");
  EXPECT_EQ(v1.runtime, latest.runtime);
  EXPECT_EQ(v1.handler, latest.handler);
  EXPECT_EQ(v1.description, latest.description);
  EXPECT_EQ(v1.memory_mb, latest.memory_mb);
  EXPECT_EQ(v1.timeout_s, latest.timeout_s);
  EXPECT_EQ(v1.environment, latest.environment);
  EXPECT_EQ(v1.code_sha256, latest.code_sha256);
  EXPECT_EQ(v1.code_hex, latest.code_hex);
  EXPECT_EQ(v1.code_size, latest.code_size);
  EXPECT_FALSE(v1.revision_id.empty());
  EXPECT_NE(v1.revision_id, latest.revision_id);
  EXPECT_FALSE(v1.last_modified.empty());
  auto got = store_->GetVersion("f", 1);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->version, "1");
  EXPECT_EQ(got->code_hex, "hex-A");
  EXPECT_EQ(got->revision_id, v1.revision_id);
  // Concurrency is per function, so a version reports its function's.
  EXPECT_EQ(got->reserved_concurrency, std::optional<int>(7));
  EXPECT_EQ(store_->Get("f")->version, "$LATEST");
}

TEST_F(VersionStoreTest, DescriptionOverridesOnlyTheVersion) {
  ASSERT_TRUE(store_->Create(SampleFunction("f")).ok());
  auto published = store_->PublishVersion("f", std::string("first release"));
  ASSERT_TRUE(published.ok());
  EXPECT_EQ(published->config.description, "first release");
  EXPECT_EQ(store_->GetVersion("f", 1)->description, "first release");
  EXPECT_EQ(store_->Get("f")->description, "desc of f");
}

TEST_F(VersionStoreTest, UnchangedLatestReturnsTheNewestVersion) {
  ASSERT_TRUE(store_->Create(SampleFunction("f")).ok());
  EXPECT_EQ(Publish("f"), "1");
  auto again = store_->PublishVersion("f", std::string("other text"));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->config.version, "1");
  EXPECT_EQ(again->config.description, "desc of f");
  // Each kind of change publishes anew.
  auto change = [&](auto mutate) {
    auto config = store_->Get("f");
    ASSERT_TRUE(config.ok());
    mutate(*config);
    ASSERT_TRUE(store_->Update(*config).ok());
  };
  change([](FunctionConfig& c) { c.environment["B"] = "2"; });
  EXPECT_EQ(Publish("f"), "2");
  change([](FunctionConfig& c) { c.memory_mb = 512; });
  EXPECT_EQ(Publish("f"), "3");
  change([](FunctionConfig& c) { c.timeout_s = 5; });
  EXPECT_EQ(Publish("f"), "4");
  change([](FunctionConfig& c) { c.handler = "other.handler"; });
  EXPECT_EQ(Publish("f"), "5");
  SetCode("f", "B");
  EXPECT_EQ(Publish("f"), "6");
  // Only the newest version counts: going back to an older state still publishes.
  SetCode("f", "A");
  EXPECT_EQ(Publish("f"), "7");
  EXPECT_EQ(Publish("f"), "7");
}

TEST_F(VersionStoreTest, VersionsAreImmutableWhenLatestChanges) {
  ASSERT_TRUE(store_->Create(SampleFunction("f")).ok());
  EXPECT_EQ(Publish("f"), "1");
  FunctionConfig changed = *store_->Get("f");
  changed.memory_mb = 1024;
  changed.environment = {{"NEW", "x"}};
  changed.code_sha256 = "sha-B";
  changed.code_hex = "hex-B";
  ASSERT_TRUE(store_->Update(changed).ok());
  auto v1 = store_->GetVersion("f", 1);
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->memory_mb, 256);
  EXPECT_EQ(v1->environment, (std::map<std::string, std::string>{{"A", "1"}}));
  EXPECT_EQ(v1->code_hex, "hex-A");
  EXPECT_EQ(store_->Get("f")->memory_mb, 1024);
}

TEST_F(VersionStoreTest, NumbersAreNeverReusedAfterDelete) {
  ASSERT_TRUE(store_->Create(SampleFunction("f")).ok());
  EXPECT_EQ(Publish("f"), "1");
  SetCode("f", "B");
  EXPECT_EQ(Publish("f"), "2");
  ASSERT_TRUE(store_->DeleteVersion("f", 2).ok());
  EXPECT_EQ(store_->GetVersion("f", 2).error().code, ErrorCode::kNotFound);
  // $LATEST now differs from the newest remaining version (1), and 2 is spent.
  EXPECT_EQ(Publish("f"), "3");
  Reopen();
  SetCode("f", "C");
  EXPECT_EQ(Publish("f"), "4");
}

TEST_F(VersionStoreTest, MissingFunctionOrVersionIsNotFound) {
  EXPECT_EQ(store_->PublishVersion("ghost", std::nullopt).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetVersion("ghost", 1).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->ListVersions("ghost", "", 10).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->DeleteVersion("ghost", 1).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(store_->Create(SampleFunction("f")).ok());
  EXPECT_EQ(store_->GetVersion("f", 1).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->DeleteVersion("f", 1).error().code, ErrorCode::kNotFound);
}

TEST_F(VersionStoreTest, ListPagesLatestFirstThenAscending) {
  ASSERT_TRUE(store_->Create(SampleFunction("f")).ok());
  for (int i = 1; i <= 5; ++i) {
    SetCode("f", "code" + std::to_string(i));
    ASSERT_EQ(Publish("f"), std::to_string(i));
  }
  std::vector<std::vector<std::string>> pages;
  std::vector<std::optional<std::string>> markers;
  std::string marker;
  for (int i = 0; i < 3; ++i) {
    auto page = store_->ListVersions("f", marker, 2);
    ASSERT_TRUE(page.ok()) << page.error().message;
    pages.push_back(VersionsOf(*page));
    markers.push_back(page->next_marker);
    if (page->next_marker) marker = *page->next_marker;
  }
  EXPECT_EQ(pages, (std::vector<std::vector<std::string>>{{"$LATEST", "1"}, {"2", "3"},
                                                          {"4", "5"}}));
  EXPECT_EQ(markers, (std::vector<std::optional<std::string>>{"1", "3", std::nullopt}));
  auto all = store_->ListVersions("f", "", 50);
  EXPECT_EQ(VersionsOf(*all),
            (std::vector<std::string>{"$LATEST", "1", "2", "3", "4", "5"}));
  EXPECT_EQ(all->versions[3].code_hex, "hex-code3");
  EXPECT_FALSE(all->next_marker);
  auto one = store_->ListVersions("f", "", 1);
  EXPECT_EQ(VersionsOf(*one), (std::vector<std::string>{"$LATEST"}));
  EXPECT_EQ(one->next_marker, std::optional<std::string>("$LATEST"));
  EXPECT_EQ(VersionsOf(*store_->ListVersions("f", "$LATEST", 1)),
            (std::vector<std::string>{"1"}));
  EXPECT_EQ(store_->ListVersions("f", "x", 1).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->ListVersions("f", "", 0).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(VersionStoreTest, ListOfUnpublishedFunctionIsLatestOnly) {
  ASSERT_TRUE(store_->Create(SampleFunction("f")).ok());
  auto page = store_->ListVersions("f", "", 1);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(VersionsOf(*page), (std::vector<std::string>{"$LATEST"}));
  EXPECT_FALSE(page->next_marker);
}

TEST_F(VersionStoreTest, DeleteRefusedWhileAnAliasRoutesToTheVersion) {
  ASSERT_TRUE(store_->Create(SampleFunction("f")).ok());
  EXPECT_EQ(Publish("f"), "1");
  SetCode("f", "B");
  EXPECT_EQ(Publish("f"), "2");
  ASSERT_TRUE(store_->CreateAlias(SampleAlias("f", "live", "1")).ok());
  AliasConfig canary = SampleAlias("f", "canary", "1");
  canary.additional_weights["2"] = 0.1;
  ASSERT_TRUE(store_->CreateAlias(canary).ok());
  Status primary = store_->DeleteVersion("f", 1);
  ASSERT_FALSE(primary.ok());
  EXPECT_EQ(primary.error().code, ErrorCode::kConflict);
  EXPECT_NE(primary.error().message.find("[canary, live]"), std::string::npos)
      << primary.error().message;
  Status extra = store_->DeleteVersion("f", 2);
  ASSERT_FALSE(extra.ok());
  EXPECT_EQ(extra.error().code, ErrorCode::kConflict);
  EXPECT_TRUE(store_->GetVersion("f", 2).ok());
  ASSERT_TRUE(store_->DeleteAlias("f", "canary").ok());
  EXPECT_TRUE(store_->DeleteVersion("f", 2).ok());
  EXPECT_EQ(store_->DeleteVersion("f", 1).error().code, ErrorCode::kConflict);
}

TEST_F(VersionStoreTest, ReferencedBundlesKeepsVersionCode) {
  ASSERT_TRUE(store_->Create(SampleFunction("f")).ok());
  EXPECT_EQ(Publish("f"), "1");
  SetCode("f", "B");
  EXPECT_EQ(*store_->ReferencedBundles(), (std::vector<std::string>{"hex-A", "hex-B"}));
  ASSERT_TRUE(store_->DeleteVersion("f", 1).ok());
  EXPECT_EQ(*store_->ReferencedBundles(), (std::vector<std::string>{"hex-B"}));
}

TEST_F(VersionStoreTest, VersionsSurviveReopen) {
  ASSERT_TRUE(store_->Create(SampleFunction("f")).ok());
  auto published = store_->PublishVersion("f", std::string("kept"));
  ASSERT_TRUE(published.ok());
  Reopen();
  auto got = store_->GetVersion("f", 1);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->description, "kept");
  EXPECT_EQ(got->revision_id, published->config.revision_id);
  EXPECT_EQ(got->last_modified, published->config.last_modified);
}

}  // namespace
}  // namespace kumo::store
