// Aliases in the SQLite store: create, read, update, delete, list, and what the store refuses.
#include <gtest/gtest.h>

#include "store/store_test_util.h"

namespace kumo::store {
namespace {

class AliasStoreTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ASSERT_TRUE(store_->Create(SampleFunction("f")).ok());
    ASSERT_EQ(Publish("f"), "1");
    SetCode("f", "B");
    ASSERT_EQ(Publish("f"), "2");
  }
};

std::vector<std::string> NamesOf(const FunctionStore::AliasPage& page) {
  std::vector<std::string> out;
  for (const auto& a : page.aliases) out.push_back(a.name);
  return out;
}

TEST_F(AliasStoreTest, CreateThenGetReturnsEveryField) {
  AliasConfig alias = SampleAlias("f", "live", "1");
  alias.additional_weights["2"] = 0.25;
  auto created = store_->CreateAlias(alias);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_FALSE(created->revision_id.empty());
  Reopen();
  auto got = store_->GetAlias("f", "live");
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->function_name, "f");
  EXPECT_EQ(got->name, "live");
  EXPECT_EQ(got->function_version, "1");
  EXPECT_EQ(got->description, "alias live");
  EXPECT_EQ(got->additional_weights, (std::map<std::string, double>{{"2", 0.25}}));
  EXPECT_EQ(got->revision_id, created->revision_id);
}

TEST_F(AliasStoreTest, AliasMayPointAtLatestWithoutRouting) {
  auto created = store_->CreateAlias(SampleAlias("f", "dev", "$LATEST"));
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(store_->GetAlias("f", "dev")->function_version, "$LATEST");
}

TEST_F(AliasStoreTest, DuplicateIsConflictAndKeepsTheFirst) {
  ASSERT_TRUE(store_->CreateAlias(SampleAlias("f", "live", "1")).ok());
  auto again = store_->CreateAlias(SampleAlias("f", "live", "2"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->GetAlias("f", "live")->function_version, "1");
  // The same name on another function is a different alias.
  ASSERT_TRUE(store_->Create(SampleFunction("g")).ok());
  EXPECT_TRUE(store_->CreateAlias(SampleAlias("g", "live", "$LATEST")).ok());
}

TEST_F(AliasStoreTest, VersionsAndFunctionMustExist) {
  EXPECT_EQ(store_->CreateAlias(SampleAlias("f", "a", "3")).error().code, ErrorCode::kNotFound);
  AliasConfig extra_missing = SampleAlias("f", "a", "1");
  extra_missing.additional_weights["9"] = 0.5;
  EXPECT_EQ(store_->CreateAlias(extra_missing).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->CreateAlias(SampleAlias("ghost", "a", "1")).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetAlias("f", "a").error().code, ErrorCode::kNotFound);
}

TEST_F(AliasStoreTest, StoreEnforcesNameAndRoutingRules) {
  EXPECT_EQ(store_->CreateAlias(SampleAlias("f", "123", "1")).error().code,
            ErrorCode::kInvalidArgument);
  AliasConfig too_heavy = SampleAlias("f", "a", "1");
  too_heavy.additional_weights["2"] = 1.5;
  EXPECT_EQ(store_->CreateAlias(too_heavy).error().code, ErrorCode::kInvalidArgument);
  AliasConfig on_latest = SampleAlias("f", "a", "$LATEST");
  on_latest.additional_weights["2"] = 0.5;
  EXPECT_EQ(store_->CreateAlias(on_latest).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->ListAliases("f", "", 10, std::nullopt)->aliases.size(), 0u);
}

TEST_F(AliasStoreTest, UpdateReplacesTargetsAndRevision) {
  auto created = store_->CreateAlias(SampleAlias("f", "live", "1"));
  ASSERT_TRUE(created.ok());
  AliasConfig changed = *created;
  changed.function_version = "2";
  changed.additional_weights = {{"1", 0.5}};
  changed.description = "";
  auto updated = store_->UpdateAlias(changed);
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_NE(updated->revision_id, created->revision_id);
  auto got = store_->GetAlias("f", "live");
  EXPECT_EQ(got->function_version, "2");
  EXPECT_EQ(got->additional_weights, (std::map<std::string, double>{{"1", 0.5}}));
  EXPECT_EQ(got->description, "");
  EXPECT_EQ(got->revision_id, updated->revision_id);
  // A refused update changes nothing.
  AliasConfig bad = *got;
  bad.function_version = "7";
  EXPECT_EQ(store_->UpdateAlias(bad).error().code, ErrorCode::kNotFound);
  bad = *got;
  bad.additional_weights = {{"2", 0.5}};
  EXPECT_EQ(store_->UpdateAlias(bad).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->GetAlias("f", "live")->revision_id, updated->revision_id);
  EXPECT_EQ(store_->UpdateAlias(SampleAlias("f", "ghost", "1")).error().code,
            ErrorCode::kNotFound);
}

TEST_F(AliasStoreTest, DeleteRemovesOnlyThatAlias) {
  ASSERT_TRUE(store_->CreateAlias(SampleAlias("f", "a", "1")).ok());
  ASSERT_TRUE(store_->CreateAlias(SampleAlias("f", "b", "2")).ok());
  ASSERT_TRUE(store_->DeleteAlias("f", "a").ok());
  EXPECT_EQ(store_->GetAlias("f", "a").error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(store_->GetAlias("f", "b").ok());
  EXPECT_EQ(store_->DeleteAlias("f", "a").error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(store_->CreateAlias(SampleAlias("f", "a", "2")).ok());
}

TEST_F(AliasStoreTest, ListPagesByNameWithOptionalVersionFilter) {
  for (const char* name : {"e", "b", "d", "a", "c"}) {
    ASSERT_TRUE(store_->CreateAlias(SampleAlias("f", name, name[0] <= 'b' ? "2" : "1")).ok());
  }
  AliasConfig canary = *store_->GetAlias("f", "e");
  canary.additional_weights = {{"2", 0.1}};
  ASSERT_TRUE(store_->UpdateAlias(canary).ok());
  auto first = store_->ListAliases("f", "", 2, std::nullopt);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(NamesOf(*first), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(first->next_marker, std::optional<std::string>("b"));
  auto second = store_->ListAliases("f", "b", 2, std::nullopt);
  EXPECT_EQ(NamesOf(*second), (std::vector<std::string>{"c", "d"}));
  auto third = store_->ListAliases("f", "d", 2, std::nullopt);
  EXPECT_EQ(NamesOf(*third), (std::vector<std::string>{"e"}));
  EXPECT_FALSE(third->next_marker);
  // Version 2 is served by a and b, and by e's routing.
  auto on_two = store_->ListAliases("f", "", 2, std::string("2"));
  EXPECT_EQ(NamesOf(*on_two), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(on_two->next_marker, std::optional<std::string>("b"));
  EXPECT_EQ(NamesOf(*store_->ListAliases("f", "b", 2, std::string("2"))),
            (std::vector<std::string>{"e"}));
  EXPECT_EQ(NamesOf(*store_->ListAliases("f", "", 10, std::string("1"))),
            (std::vector<std::string>{"c", "d", "e"}));
  EXPECT_EQ(store_->ListAliases("ghost", "", 10, std::nullopt).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->ListAliases("f", "", 0, std::nullopt).error().code,
            ErrorCode::kInvalidArgument);
}

TEST_F(AliasStoreTest, DeleteFunctionRemovesVersionsAliasesAndProvisioned) {
  ASSERT_TRUE(store_->CreateAlias(SampleAlias("f", "live", "1")).ok());
  ASSERT_TRUE(store_->PutProvisioned({"f", "live", 2, "t"}).ok());
  ASSERT_TRUE(store_->PutProvisioned({"f", "2", 1, "t"}).ok());
  ASSERT_TRUE(store_->Create(SampleFunction("other")).ok());
  ASSERT_EQ(Publish("other"), "1");
  ASSERT_TRUE(store_->CreateAlias(SampleAlias("other", "live", "1")).ok());
  ASSERT_TRUE(store_->PutProvisioned({"other", "live", 1, "t"}).ok());
  ASSERT_TRUE(store_->Delete("f").ok());
  Reopen();
  EXPECT_EQ(store_->Get("f").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetVersion("f", 1).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetAlias("f", "live").error().code, ErrorCode::kNotFound);
  auto all = store_->ListAllProvisioned();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(all->at(0).function_name, "other");
  EXPECT_TRUE(store_->GetAlias("other", "live").ok());
  EXPECT_TRUE(store_->GetVersion("other", 1).ok());
  // A new function of the same name starts from nothing: no aliases, versions from 1.
  ASSERT_TRUE(store_->Create(SampleFunction("f")).ok());
  EXPECT_EQ(store_->ListVersions("f", "", 10)->versions.size(), 1u);
  EXPECT_TRUE(store_->ListAliases("f", "", 10, std::nullopt)->aliases.empty());
  EXPECT_EQ(Publish("f"), "1");
}

}  // namespace
}  // namespace kumo::store
