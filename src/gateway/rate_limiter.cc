#include "gateway/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace kumo::gateway {

namespace {

// Absorbs rounding in tokens += elapsed * rps so that exactly 1/rps seconds yields a token.
constexpr double kEpsilon = 1e-9;

// How many of the least recently used buckets each Take looks at for forgetting; a small
// constant keeps Take O(1) while idle buckets still drain steadily.
constexpr int kForgetPerTake = 2;

}  // namespace

RateLimiter::RateLimiter(size_t max_entries) : max_entries_(std::max<size_t>(max_entries, 1)) {}

std::string RateLimiter::BucketKey(std::string_view route_key, std::string_view api_key_id) {
  // A route key never holds '\n', so distinct pairs give distinct keys.
  std::string key(route_key);
  key += '\n';
  key += api_key_id;
  return key;
}

size_t RateLimiter::size() const {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

void RateLimiter::Refill(Bucket& bucket, const Limit& limit, int64_t now_ms) {
  if (now_ms > bucket.last_ms) {
    if (limit.rps > 0) {
      bucket.tokens += static_cast<double>(now_ms - bucket.last_ms) * limit.rps / 1000.0;
    }
    bucket.last_ms = now_ms;
  }
  bucket.tokens = std::min(bucket.tokens, limit.burst);
}

void RateLimiter::ForgetIdle(int64_t now_ms) {
  for (int i = 0; i < kForgetPerTake && !lru_.empty(); ++i) {
    auto it = buckets_.find(std::string(lru_.back()));
    Bucket& oldest = it->second;
    Refill(oldest, oldest.limit, now_ms);
    if (oldest.tokens + kEpsilon < oldest.limit.burst) return;
    lru_.pop_back();
    buckets_.erase(it);
  }
}

RateLimiter::Decision RateLimiter::Take(const std::string& key, const Limit& limit,
                                        int64_t now_ms) {
  std::lock_guard lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    ForgetIdle(now_ms);
    if (buckets_.size() >= max_entries_) {
      buckets_.erase(std::string(lru_.back()));
      lru_.pop_back();
    }
    it = buckets_.emplace(key, Bucket{std::max(limit.burst, 0.0), now_ms, limit, {}}).first;
    lru_.push_front(it->first);
    it->second.lru_pos = lru_.begin();
  } else {
    lru_.splice(lru_.begin(), lru_, it->second.lru_pos);
  }
  Bucket& bucket = it->second;
  bucket.limit = limit;
  Refill(bucket, limit, now_ms);
  if (bucket.tokens + kEpsilon >= 1.0) {
    bucket.tokens = std::max(bucket.tokens - 1.0, 0.0);
    return Decision{true, 0};
  }
  if (limit.rps <= 0 || limit.burst < 1.0) return Decision{false, 1};
  // Capped at a day so a tiny rate cannot overflow the int.
  double wait_s = std::min((1.0 - bucket.tokens) / limit.rps, 86400.0);
  return Decision{false, std::max(1, static_cast<int>(std::ceil(wait_s - kEpsilon)))};
}

}  // namespace kumo::gateway
