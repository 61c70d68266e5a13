#pragma once
// The instances of one revision of one function, and the invocations waiting for them. It hands
// each invocation to an idle warm instance, or starts a new one (a cold start) and lets the
// invocation wait for whichever instance becomes free first; it enforces the function's timeout,
// tells out-of-memory and crashed instances apart, writes Lambda's START/END/REPORT lines, and
// stops instances that stay idle for the keep-alive. Loop thread only.

#include <chrono>
#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <string>

#include "dispatch/instance.h"
#include "dispatch/invocation.h"
#include "dispatch/keep_alive.h"
#include "dispatch/scheduling.h"
#include "net/event_loop.h"
#include "sandbox/launcher.h"
#include "store/function_config.h"
#include "telemetry/log_store.h"

namespace kumo::dispatch {

struct DispatcherOptions {
  std::string runtimes_dir;  // host folder mounted at /opt/kumo
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
  std::chrono::milliseconds keep_alive = std::chrono::minutes(10);
  std::chrono::milliseconds init_timeout = std::chrono::seconds(10);
  int max_concurrency = 1000;  // calls running or waiting, all functions together
  uint64_t memory_budget = 8ull << 30;  // MemorySize of all live instances together
  // Instances in init at once, all functions together. Starting hundreds at the same moment
  // on a few cores makes every one of them slow (and late for its init timeout); a few at a
  // time serve a burst sooner. 0: twice the cores, at least 4.
  int max_starting = 0;
};

class FunctionPool;

// Memory is shared by all pools: a pool asks before starting an instance and is pumped again
// when memory frees up. Implemented by the Dispatcher.
class CapacityBroker {
 public:
  virtual ~CapacityBroker() = default;
  // True if an instance of `bytes` may start now: a start slot is free and the memory fits (both
  // are then counted). Otherwise idle instances of other pools may be stopped, and `pool` is
  // pumped again once a slot or memory frees.
  virtual bool AcquireMemory(FunctionPool* pool, uint64_t bytes) = 0;
  // An instance that AcquireMemory let start finished its init, or failed to.
  virtual void StartFinished() = 0;
  // An instance is gone; `evicted` if it was stopped by AcquireMemory.
  virtual void ReleaseMemory(uint64_t bytes, bool evicted) = 0;
  // An instance became idle: starved pools may now evict it.
  virtual void InstanceIdle() = 0;
};

// kumo's API as one function's instances see it: a handler that knows which function calls
// (each instance has its own API socket) and the credentials that function's SDKs sign with.
struct InstanceApi {
  net::HttpHandler handler;
  std::vector<std::pair<std::string, std::string>> env;  // AWS_ACCESS_KEY_ID and friends
};
using InstanceApiFactory = std::function<InstanceApi(const store::FunctionConfig& config)>;

// What pools share, owned by the Dispatcher.
struct PoolContext {
  net::EventLoop& loop;
  sandbox::Launcher& launcher;
  telemetry::LogStore& logs;
  const DispatcherOptions& options;
  const KeepAlivePolicy& keep_alive;
  CapacityBroker& capacity;
  InstanceApiFactory instance_api;  // kumo's API as served to instances, per function
  uint64_t next_instance = 1;
};

class FunctionPool : public PoolInstance::Owner {
 public:
  FunctionPool(PoolContext& context, store::FunctionConfig config, std::string code_dir);
  ~FunctionPool() override;

  const store::FunctionConfig& config() const { return config_; }
  void Invoke(InvokeRequest request, InvokeCallback done);
  // Takes no new work: queued invocations fail with `reason`, idle instances stop, busy ones stop
  // when their invocation ends (or at KillAll).
  void Drain(const Error& reason);
  // Asks every instance to stop (SIGTERM).
  void TerminateAll();
  // Stops every instance now; running invocations get an error.
  void KillAll(const std::string& reason);
  // Keeps `count` initialised instances ready (provisioned concurrency); 0 stops them.
  void SetProvisioned(int count);
  int provisioned_requested() const { return provisioned_target_; }
  // Provisioned instances that finished init.
  int ProvisionedReady() const;
  // Set when provisioned instances failed to initialise (the request is then dropped).
  const std::string& provisioned_failure() const { return provisioned_failure_; }
  // Idle instances that may be evicted, for the memory broker; `handle` indexes Evict().
  void CollectIdle(std::vector<IdleInstanceInfo>* out, std::vector<PoolInstance*>* handles) const;
  // Stops an idle instance to make room for another function.
  void Evict(PoolInstance* instance);
  // Tries again to start what is waiting (memory may have freed up).
  void Pump();
  bool has_waiting() const { return !waiting_.empty(); }
  bool empty() const { return instances_.empty(); }
  // Called (once the pool is drained) when its last instance is gone.
  void set_on_empty(std::function<void()> fn) { on_empty_ = std::move(fn); }

 private:
  struct Waiting {
    InvokeRequest request;
    InvokeCallback done;
  };

  // PoolInstance::Owner
  void OnReady(PoolInstance* instance) override;
  void OnHttpHead(PoolInstance* instance, Result<net::HttpResponse> response) override;
  void OnHttpBodyEnd(PoolInstance* instance, Status status) override;
  void OnResult(PoolInstance* instance, bool is_error, std::string body,
                std::string error_type) override;
  void OnInitError(PoolInstance* instance, std::string body, std::string error_type) override;
  void OnOutputLine(PoolInstance* instance, std::string line) override;
  void OnExit(PoolInstance* instance, int wait_status, bool oom_killed) override;

  // Starts one instance; false if memory does not allow it now.
  bool StartInstance(bool provisioned);
  void Assign(PoolInstance* instance, Waiting waiting);
  void Finish(PoolInstance* instance, bool is_error, std::string payload);
  void FailWaiting(Waiting waiting, const std::string& error_document);
  void MakeIdle(PoolInstance* instance);
  void Remove(PoolInstance* instance);
  void Log(const std::string& request_id, std::string line, std::string* invocation_log);
  sandbox::InstanceSpec BuildSpec(const std::string& instance_id, bool provisioned) const;

  PoolContext& ctx_;
  store::FunctionConfig config_;
  std::string code_dir_;
  std::string arn_;
  InstanceApi instance_api_;  // from ctx_.instance_api, made once per pool
  bool http_runtime_ = false;  // an HTTP server on $PORT, not a Runtime API client
  std::list<std::unique_ptr<PoolInstance>> instances_;
  std::deque<Waiting> waiting_;
  int starting_ = 0;  // on-demand instances still in init
  int provisioned_target_ = 0;
  std::string provisioned_failure_;  // why provisioned instances could not start, if they failed
  bool draining_ = false;
  std::function<void()> on_empty_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace kumo::dispatch
