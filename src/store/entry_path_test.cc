#include "store/entry_path.h"

#include <gtest/gtest.h>

namespace kumo::store {
namespace {

using Parts = std::vector<std::string>;

TEST(EntryPathTest, SplitsSafeNames) {
  EXPECT_EQ(*SplitEntryPath("a"), Parts({"a"}));
  EXPECT_EQ(*SplitEntryPath("a/b/c.py"), Parts({"a", "b", "c.py"}));
  EXPECT_EQ(*SplitEntryPath("./a//b/./c/"), Parts({"a", "b", "c"}));
  EXPECT_EQ(*SplitEntryPath("..a/b..c/..."), Parts({"..a", "b..c", "..."}));
  EXPECT_EQ(*SplitEntryPath("./"), Parts({}));
}

TEST(EntryPathTest, RefusesEscapesAndOddNames) {
  for (const std::string& bad :
       std::vector<std::string>{"", "/abs", "//x", "..", "../x", "a/../../x", "a/..", "a/../b",
                                std::string("a\0b", 3)}) {
    auto parts = SplitEntryPath(bad);
    ASSERT_FALSE(parts.ok()) << bad;
    EXPECT_EQ(parts.error().code, ErrorCode::kInvalidArgument);
  }
  EXPECT_NE(SplitEntryPath("a/../../x").error().message.find("a/../../x"), std::string::npos);
  EXPECT_NE(SplitEntryPath("/abs").error().message.find("absolute"), std::string::npos);
}

}  // namespace
}  // namespace kumo::store
