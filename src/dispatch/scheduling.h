#pragma once
// The dispatcher's decisions as pure functions over a snapshot of its state, so they are tested
// without processes or time: whether a call may start (concurrency limits), and which idle
// instances to stop when a new one would not fit the memory budget.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kumo::dispatch {

// Why a call was refused; the names are Lambda's TooManyRequestsException reasons.
enum class Throttle { kNone, kReservedLimit, kAccountLimit };
const char* ThrottleReasonName(Throttle t);

struct ConcurrencySnapshot {
  int max_concurrency = 1000;       // the server-wide limit
  int reserved_total = 0;           // sum of every function's reservation
  std::optional<int> reserved;      // this function's reservation, if it has one
  int function_in_flight = 0;       // this function's calls running or waiting now
  int unreserved_in_flight = 0;     // calls of functions without a reservation
};

// Whether one more call of the function may start. A function with a reservation is capped by
// it (0 throttles every call); the others share what is left of the server-wide limit.
Throttle Admit(const ConcurrencySnapshot& s);

// What PickInstance needs to know of one instance of a pool.
struct InstanceView {
  bool idle = false;
  bool provisioned = false;
  std::chrono::steady_clock::time_point last_used;
};

// The instance that serves the next waiting call: an idle provisioned one first (it is kept
// anyway), else the most recently used idle one, so the others reach their keep-alive and
// scale to zero. nullopt when none is idle.
std::optional<size_t> PickInstance(const std::vector<InstanceView>& instances);

struct IdleInstanceInfo {
  uint64_t memory_bytes = 0;
  std::chrono::steady_clock::time_point last_used;
  size_t handle = 0;  // the caller's reference to the instance
};

struct EvictionPlan {
  bool fits = false;           // after the evictions (and releases already under way)
  std::vector<size_t> evict;   // handles, least recently used first
};

// Chooses idle instances (of other functions) to stop so that `needed` bytes fit in `budget`,
// given `used` bytes held by live instances of which `releasing` are already being stopped.
// Takes the least recently used first and no more than necessary.
EvictionPlan PlanEvictions(std::vector<IdleInstanceInfo> idle, uint64_t used, uint64_t releasing,
                           uint64_t needed, uint64_t budget);

}  // namespace kumo::dispatch
