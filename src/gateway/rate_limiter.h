#pragma once
// Per-route (and per-API-key) request rate limits for the gateway: one token bucket per key,
// refilled by elapsed time. Time is a parameter, so tests and callers choose the clock.

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace kumo::gateway {

// Token buckets keyed by strings such as BucketKey(route, api key id). Memory stays bounded:
// buckets that have refilled completely are forgotten (a new bucket starts full, so nothing
// changes), and beyond max_entries the least recently used bucket is dropped, which hands that
// key a fresh burst. Take may be called from any thread; one mutex guards all buckets.
class RateLimiter {
 public:
  struct Limit {
    double rps;    // tokens added per second; not positive means never refilled
    double burst;  // bucket capacity; below 1 refuses every request, as a zero burst does in AWS
  };
  struct Decision {
    bool allowed;
    int retry_after_s;  // when refused: whole seconds until one token is back (at least 1)
  };

  static constexpr size_t kDefaultMaxEntries = 100'000;

  explicit RateLimiter(size_t max_entries = kDefaultMaxEntries);

  // Takes one token from key's bucket at time now_ms (any monotonic millisecond clock; a clock
  // that steps back refills nothing).
  Decision Take(const std::string& key, const Limit& limit, int64_t now_ms);

  // The bucket key for a route and, when the route needs one, the caller's API key id.
  static std::string BucketKey(std::string_view route_key, std::string_view api_key_id);

  size_t size() const;

 private:
  struct Bucket {
    double tokens;
    int64_t last_ms;
    Limit limit;
    std::list<std::string_view>::iterator lru_pos;  // views the map's own key
  };

  static void Refill(Bucket& bucket, const Limit& limit, int64_t now_ms);
  void ForgetIdle(int64_t now_ms);

  const size_t max_entries_;
  mutable std::mutex mu_;
  // Guarded by mu_. lru_ holds views of buckets_' keys (stable: unordered_map nodes do not move),
  // most recently used first.
  std::unordered_map<std::string, Bucket> buckets_;
  std::list<std::string_view> lru_;
};

}  // namespace kumo::gateway
