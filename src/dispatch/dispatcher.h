#pragma once
// Routes invocations to per-version pools, enforces the concurrency limits (server-wide and
// reserved per function) and shares the memory budget between pools, stopping idle instances of
// other functions, least recently used first, when a new instance would not fit. A pool serves
// one revision of one version; when $LATEST is updated its pool is drained (idle instances stop
// at once, busy ones when their invocation ends) and a new pool serves the new revision.
// Loop thread only.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "dispatch/function_pool.h"
#include "dispatch/invocation.h"
#include "dispatch/keep_alive.h"
#include "store/function_config.h"

namespace kumo::dispatch {

struct ProvisionedStatus {
  int requested = 0;
  int ready = 0;
  std::string failure;  // set when the instances could not initialise
};

class Dispatcher : public CapacityBroker {
 public:
  Dispatcher(net::EventLoop& loop, sandbox::Launcher& launcher, telemetry::LogStore& logs,
             DispatcherOptions options,
             std::unique_ptr<KeepAlivePolicy> keep_alive = nullptr);
  ~Dispatcher() override;

  // kumo's API as served inside each function's instances (set before the first Invoke).
  void set_instance_api(InstanceApiFactory factory) { ctx_.instance_api = std::move(factory); }
  // Runs `config` (a version's configuration, whose code is unpacked at code_dir).
  void Invoke(const store::FunctionConfig& config, const std::string& code_dir,
              InvokeRequest request, InvokeCallback done);
  // A function's reserved concurrency changed (nullopt: none). Also called at start for each.
  void SetReservation(const std::string& function_name, std::optional<int> reserved);
  int reserved_total() const { return reserved_total_; }
  // A function's reserved concurrency, if it has one.
  std::optional<int> reservation(const std::string& function_name) const {
    auto it = reservations_.find(function_name);
    if (it == reservations_.end()) return std::nullopt;
    return it->second;
  }
  int max_concurrency() const { return options_.max_concurrency; }
  // Keeps `count` instances of this version ready; 0 stops them.
  void SetProvisioned(const store::FunctionConfig& config, const std::string& code_dir, int count);
  ProvisionedStatus GetProvisionedStatus(const std::string& function_name,
                                         const std::string& version) const;
  // The function's instances retire: of one version, or of all when version is empty.
  void Retire(const std::string& function_name, const std::string& version = "");
  // Stops taking work, lets running invocations finish for up to `grace`, asks instances to
  // stop (SIGTERM), kills what is left shortly after; calls `done` once all are gone.
  void Shutdown(std::chrono::milliseconds grace, std::function<void()> done);

  // CapacityBroker
  bool AcquireMemory(FunctionPool* pool, uint64_t bytes) override;
  void ReleaseMemory(uint64_t bytes, bool evicted) override;
  void InstanceIdle() override;
  void StartFinished() override;

  uint64_t memory_used() const { return memory_used_; }

 private:
  static std::string PoolKey(const std::string& name, const std::string& version) {
    return name + ":" + version;
  }
  FunctionPool* PoolFor(const store::FunctionConfig& config, const std::string& code_dir);
  void RetirePool(std::unique_ptr<FunctionPool> pool, const Error& reason);
  void PumpStarvedLater();
  void MaybeFinishShutdown();

  DispatcherOptions options_;
  std::unique_ptr<KeepAlivePolicy> keep_alive_;
  PoolContext ctx_;
  std::map<std::string, std::unique_ptr<FunctionPool>> pools_;  // by PoolKey
  std::map<FunctionPool*, std::unique_ptr<FunctionPool>> retiring_;
  // Concurrency: calls running or waiting, per function and for unreserved functions together.
  std::map<std::string, int> in_flight_;
  int unreserved_in_flight_ = 0;
  std::map<std::string, int> reservations_;
  int reserved_total_ = 0;
  // Memory budget.
  uint64_t memory_used_ = 0;
  uint64_t memory_releasing_ = 0;
  int starting_ = 0;  // instances in init, all pools
  int max_starting_ = 4;
  std::set<FunctionPool*> starved_;
  bool pump_posted_ = false;
  bool shutting_down_ = false;
  std::function<void()> shutdown_done_;
  std::unique_ptr<net::Timer> grace_timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace kumo::dispatch
