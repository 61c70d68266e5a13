#include "gateway/rate_limiter.h"

#include <gtest/gtest.h>

namespace kumo::gateway {
namespace {

using Limit = RateLimiter::Limit;

TEST(RateLimiterTest, BurstThenRefuse) {
  RateLimiter limiter;
  Limit limit{1, 3};
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Take("r", limit, 1000).allowed) << i;
  RateLimiter::Decision refused = limiter.Take("r", limit, 1000);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_s, 1);
}

TEST(RateLimiterTest, RefillsAfterOneOverRps) {
  RateLimiter limiter;
  Limit limit{10, 1};
  EXPECT_TRUE(limiter.Take("r", limit, 0).allowed);
  EXPECT_FALSE(limiter.Take("r", limit, 50).allowed);
  EXPECT_FALSE(limiter.Take("r", limit, 99).allowed);
  EXPECT_TRUE(limiter.Take("r", limit, 100).allowed);
  EXPECT_FALSE(limiter.Take("r", limit, 100).allowed);
  // A long idle period refills only up to the burst.
  EXPECT_TRUE(limiter.Take("r", limit, 60'000).allowed);
  EXPECT_FALSE(limiter.Take("r", limit, 60'000).allowed);
}

TEST(RateLimiterTest, RetryAfterIsTimeUntilOneToken) {
  RateLimiter limiter;
  Limit limit{0.25, 1};  // one token every 4 s
  EXPECT_TRUE(limiter.Take("r", limit, 0).allowed);
  EXPECT_EQ(limiter.Take("r", limit, 0).retry_after_s, 4);
  EXPECT_EQ(limiter.Take("r", limit, 1000).retry_after_s, 3);
  EXPECT_EQ(limiter.Take("r", limit, 2500).retry_after_s, 2);  // 1.5 s left, rounded up
  EXPECT_EQ(limiter.Take("r", limit, 3999).retry_after_s, 1);
  EXPECT_TRUE(limiter.Take("r", limit, 4000).allowed);
}

TEST(RateLimiterTest, KeysAreIndependent) {
  RateLimiter limiter;
  Limit limit{1, 1};
  std::string a = RateLimiter::BucketKey("GET /items", "k-1");
  std::string b = RateLimiter::BucketKey("GET /items", "k-2");
  EXPECT_NE(a, b);
  EXPECT_TRUE(limiter.Take(a, limit, 0).allowed);
  EXPECT_FALSE(limiter.Take(a, limit, 0).allowed);
  EXPECT_TRUE(limiter.Take(b, limit, 0).allowed);
  EXPECT_TRUE(limiter.Take("POST /items", limit, 0).allowed);
}

TEST(RateLimiterTest, ClockSteppingBackRefillsNothing) {
  RateLimiter limiter;
  Limit limit{1, 1};
  EXPECT_TRUE(limiter.Take("r", limit, 10'000).allowed);
  EXPECT_FALSE(limiter.Take("r", limit, 0).allowed);
  EXPECT_FALSE(limiter.Take("r", limit, 10'500).allowed);
  EXPECT_TRUE(limiter.Take("r", limit, 11'000).allowed);
}

TEST(RateLimiterTest, ZeroBurstOrRateRefusesAll) {
  RateLimiter limiter;
  EXPECT_FALSE(limiter.Take("a", Limit{10, 0}, 0).allowed);
  EXPECT_FALSE(limiter.Take("a", Limit{10, 0}, 100'000).allowed);
  Limit no_refill{0, 1};
  EXPECT_TRUE(limiter.Take("b", no_refill, 0).allowed);
  RateLimiter::Decision d = limiter.Take("b", no_refill, 100'000);
  EXPECT_FALSE(d.allowed);
  EXPECT_GE(d.retry_after_s, 1);
}

TEST(RateLimiterTest, ForgetsFullIdleBuckets) {
  RateLimiter limiter;
  Limit limit{1, 1};
  EXPECT_TRUE(limiter.Take("a", limit, 0).allowed);
  EXPECT_TRUE(limiter.Take("b", limit, 0).allowed);
  EXPECT_EQ(limiter.size(), 2u);
  // At 5 s both have refilled: creating "c" forgets them, which changes nothing for them.
  EXPECT_TRUE(limiter.Take("c", limit, 5000).allowed);
  EXPECT_EQ(limiter.size(), 1u);
  EXPECT_TRUE(limiter.Take("a", limit, 5000).allowed);
  EXPECT_FALSE(limiter.Take("a", limit, 5000).allowed);
}

TEST(RateLimiterTest, CapsEntriesByEvictingLeastRecentlyUsed) {
  RateLimiter limiter(3);
  Limit slow{0.001, 1};
  for (const char* key : {"a", "b", "c"}) EXPECT_TRUE(limiter.Take(key, slow, 0).allowed);
  EXPECT_FALSE(limiter.Take("a", slow, 1).allowed);  // "a" is now the most recent
  EXPECT_TRUE(limiter.Take("d", slow, 2).allowed);   // evicts "b", the least recent
  EXPECT_EQ(limiter.size(), 3u);
  EXPECT_FALSE(limiter.Take("a", slow, 3).allowed);
  EXPECT_FALSE(limiter.Take("c", slow, 3).allowed);
  EXPECT_TRUE(limiter.Take("b", slow, 3).allowed);  // forgotten, so it starts full again
}

}  // namespace
}  // namespace kumo::gateway
