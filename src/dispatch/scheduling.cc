#include "dispatch/scheduling.h"

#include <algorithm>

namespace kumo::dispatch {

const char* ThrottleReasonName(Throttle t) {
  switch (t) {
    case Throttle::kReservedLimit:
      return "ReservedFunctionConcurrentInvocationLimitExceeded";
    case Throttle::kAccountLimit:
      return "ConcurrentInvocationLimitExceeded";
    case Throttle::kNone:
      break;
  }
  return "";
}

Throttle Admit(const ConcurrencySnapshot& s) {
  if (s.reserved) {
    return s.function_in_flight < *s.reserved ? Throttle::kNone : Throttle::kReservedLimit;
  }
  int unreserved_pool = std::max(0, s.max_concurrency - s.reserved_total);
  return s.unreserved_in_flight < unreserved_pool ? Throttle::kNone : Throttle::kAccountLimit;
}

std::optional<size_t> PickInstance(const std::vector<InstanceView>& instances) {
  std::optional<size_t> best;
  for (size_t i = 0; i < instances.size(); ++i) {
    const InstanceView& v = instances[i];
    if (!v.idle) continue;
    if (!best) {
      best = i;
      continue;
    }
    const InstanceView& b = instances[*best];
    if (v.provisioned != b.provisioned) {
      if (v.provisioned) best = i;
    } else if (v.last_used > b.last_used) {
      best = i;
    }
  }
  return best;
}

EvictionPlan PlanEvictions(std::vector<IdleInstanceInfo> idle, uint64_t used, uint64_t releasing,
                           uint64_t needed, uint64_t budget) {
  EvictionPlan plan;
  // Memory that will be free once what is being stopped is gone.
  uint64_t after = used - std::min(used, releasing);
  auto fits = [&] { return after + needed <= budget; };
  std::sort(idle.begin(), idle.end(), [](const IdleInstanceInfo& a, const IdleInstanceInfo& b) {
    return a.last_used < b.last_used;
  });
  for (const IdleInstanceInfo& candidate : idle) {
    if (fits()) break;
    plan.evict.push_back(candidate.handle);
    after -= std::min(after, candidate.memory_bytes);
  }
  plan.fits = fits();
  if (!plan.fits) plan.evict.clear();  // stopping some would not help: keep them warm
  return plan;
}

}  // namespace kumo::dispatch
