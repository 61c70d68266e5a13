#include "dispatch/dispatcher.h"

#include <algorithm>
#include <thread>

namespace kumo::dispatch {
namespace {

// Time between SIGTERM and SIGKILL for instances at shutdown.
constexpr std::chrono::milliseconds kTerminateGrace{500};

}  // namespace

const char* StartTypeName(StartType t) {
  switch (t) {
    case StartType::kCold:
      return "cold";
    case StartType::kProvisioned:
      return "provisioned";
    case StartType::kWarm:
      break;
  }
  return "warm";
}

Dispatcher::Dispatcher(net::EventLoop& loop, sandbox::Launcher& launcher,
                       telemetry::LogStore& logs, DispatcherOptions options,
                       std::unique_ptr<KeepAlivePolicy> keep_alive)
    : options_(std::move(options)),
      keep_alive_(keep_alive ? std::move(keep_alive)
                             : std::make_unique<FixedKeepAlive>(options_.keep_alive)),
      ctx_{loop, launcher, logs, options_, *keep_alive_, *this, nullptr} {
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  max_starting_ = options_.max_starting > 0 ? options_.max_starting
                                            : std::max(4, static_cast<int>(2 * cores));
}

Dispatcher::~Dispatcher() {
  *alive_ = false;
  // Pools go first: their instances report memory back to this object as they go.
  retiring_.clear();
  pools_.clear();
}

FunctionPool* Dispatcher::PoolFor(const store::FunctionConfig& config,
                                  const std::string& code_dir) {
  std::string key = PoolKey(config.name, config.version);
  auto it = pools_.find(key);
  if (it != pools_.end() && it->second->config().revision_id != config.revision_id) {
    RetirePool(std::move(it->second),
               MakeError(ErrorCode::kUnavailable, "function was updated while waiting; retry"));
    pools_.erase(it);
    it = pools_.end();
  }
  if (it == pools_.end()) {
    it = pools_.emplace(key, std::make_unique<FunctionPool>(ctx_, config, code_dir)).first;
  }
  return it->second.get();
}

void Dispatcher::Invoke(const store::FunctionConfig& config, const std::string& code_dir,
                        InvokeRequest request, InvokeCallback done) {
  if (shutting_down_) {
    InvokeResult r;
    r.request_id = request.request_id;
    r.platform_error = MakeError(ErrorCode::kUnavailable, "kumo is shutting down");
    done(std::move(r));
    return;
  }
  ConcurrencySnapshot snapshot;
  snapshot.max_concurrency = options_.max_concurrency;
  snapshot.reserved_total = reserved_total_;
  auto reservation = reservations_.find(config.name);
  if (reservation != reservations_.end()) snapshot.reserved = reservation->second;
  snapshot.function_in_flight = in_flight_[config.name];
  snapshot.unreserved_in_flight = unreserved_in_flight_;
  Throttle throttle = Admit(snapshot);
  if (throttle != Throttle::kNone) {
    InvokeResult r;
    r.request_id = request.request_id;
    r.platform_error = MakeError(ErrorCode::kTooManyRequests, "Rate Exceeded.");
    r.throttle_reason = ThrottleReasonName(throttle);
    done(std::move(r));
    return;
  }
  bool reserved = snapshot.reserved.has_value();
  ++in_flight_[config.name];
  if (!reserved) ++unreserved_in_flight_;
  // The call counts until it is answered, whichever way that happens.
  InvokeCallback counted = [this, alive = alive_, name = config.name, reserved,
                            done = std::move(done)](InvokeResult result) {
    if (*alive) {
      if (--in_flight_[name] == 0) in_flight_.erase(name);
      if (!reserved) --unreserved_in_flight_;
    }
    done(std::move(result));
  };
  PoolFor(config, code_dir)->Invoke(std::move(request), std::move(counted));
}

void Dispatcher::SetReservation(const std::string& function_name, std::optional<int> reserved) {
  auto it = reservations_.find(function_name);
  if (it != reservations_.end()) {
    reserved_total_ -= it->second;
    reservations_.erase(it);
  }
  if (reserved) {
    reservations_[function_name] = *reserved;
    reserved_total_ += *reserved;
  }
}

void Dispatcher::SetProvisioned(const store::FunctionConfig& config, const std::string& code_dir,
                                int count) {
  if (shutting_down_) return;
  PoolFor(config, code_dir)->SetProvisioned(count);
}

ProvisionedStatus Dispatcher::GetProvisionedStatus(const std::string& function_name,
                                                   const std::string& version) const {
  ProvisionedStatus status;
  auto it = pools_.find(PoolKey(function_name, version));
  if (it == pools_.end()) return status;
  status.requested = it->second->provisioned_requested();
  status.ready = it->second->ProvisionedReady();
  status.failure = it->second->provisioned_failure();
  return status;
}

void Dispatcher::Retire(const std::string& function_name, const std::string& version) {
  for (auto it = pools_.begin(); it != pools_.end();) {
    const store::FunctionConfig& c = it->second->config();
    if (c.name == function_name && (version.empty() || c.version == version)) {
      RetirePool(std::move(it->second),
                 MakeError(ErrorCode::kUnavailable, "function was updated while waiting; retry"));
      it = pools_.erase(it);
    } else {
      ++it;
    }
  }
}

void Dispatcher::RetirePool(std::unique_ptr<FunctionPool> pool, const Error& reason) {
  FunctionPool* raw = pool.get();
  raw->set_on_empty([this, raw] {
    starved_.erase(raw);
    retiring_.erase(raw);
    MaybeFinishShutdown();
  });
  retiring_.emplace(raw, std::move(pool));
  raw->Drain(reason);
}

bool Dispatcher::AcquireMemory(FunctionPool* pool, uint64_t bytes) {
  if (starting_ >= max_starting_) {
    starved_.insert(pool);
    return false;
  }
  if (memory_used_ + bytes <= options_.memory_budget) {
    memory_used_ += bytes;
    ++starting_;
    starved_.erase(pool);
    return true;
  }
  std::vector<IdleInstanceInfo> idle;
  std::vector<PoolInstance*> handles;
  std::vector<FunctionPool*> owners;
  auto collect = [&](FunctionPool* other) {
    if (other == pool) return;
    other->CollectIdle(&idle, &handles);
    owners.resize(handles.size(), other);
  };
  for (auto& [key, other] : pools_) collect(other.get());
  for (auto& [raw, other] : retiring_) collect(other.get());
  EvictionPlan plan =
      PlanEvictions(idle, memory_used_, memory_releasing_, bytes, options_.memory_budget);
  for (size_t handle : plan.evict) {
    memory_releasing_ += handles[handle]->memory_bytes;
    owners[handle]->Evict(handles[handle]);
  }
  // Either evictions are under way or nothing can be freed yet: wait for memory to come back.
  starved_.insert(pool);
  return false;
}

void Dispatcher::ReleaseMemory(uint64_t bytes, bool evicted) {
  memory_used_ -= std::min(memory_used_, bytes);
  if (evicted) memory_releasing_ -= std::min(memory_releasing_, bytes);
  PumpStarvedLater();
}

void Dispatcher::StartFinished() {
  if (starting_ > 0) --starting_;
  PumpStarvedLater();
}

void Dispatcher::InstanceIdle() {
  if (!starved_.empty()) PumpStarvedLater();
}

void Dispatcher::PumpStarvedLater() {
  if (starved_.empty() || pump_posted_) return;
  pump_posted_ = true;
  // Posted: we may be inside a pool's own callbacks.
  ctx_.loop.Post([this, alive = alive_] {
    if (!*alive) return;
    pump_posted_ = false;
    std::set<FunctionPool*> starved = std::move(starved_);
    starved_.clear();
    for (FunctionPool* pool : starved) pool->Pump();
  });
}

void Dispatcher::Shutdown(std::chrono::milliseconds grace, std::function<void()> done) {
  shutting_down_ = true;
  shutdown_done_ = std::move(done);
  while (!pools_.empty()) {
    auto it = pools_.begin();
    std::unique_ptr<FunctionPool> pool = std::move(it->second);
    pools_.erase(it);
    RetirePool(std::move(pool), MakeError(ErrorCode::kUnavailable, "kumo is shutting down"));
  }
  grace_timer_ = ctx_.loop.NewTimer();
  grace_timer_->Start(grace, [this] {
    for (auto& [raw, pool] : retiring_) pool->TerminateAll();
    grace_timer_->Start(kTerminateGrace, [this] {
      for (auto& [raw, pool] : retiring_) pool->KillAll("kumo is shutting down");
    });
  });
  MaybeFinishShutdown();
}

void Dispatcher::MaybeFinishShutdown() {
  if (!shutting_down_ || !retiring_.empty() || !shutdown_done_) return;
  grace_timer_.reset();
  auto done = std::move(shutdown_done_);
  shutdown_done_ = nullptr;
  ctx_.loop.Post(std::move(done));
}

}  // namespace kumo::dispatch
