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
  int max_instances = 256;  // all functions together; more concurrent calls wait
};

// What pools share, owned by the Dispatcher.
struct PoolContext {
  net::EventLoop& loop;
  sandbox::Launcher& launcher;
  telemetry::LogStore& logs;
  const DispatcherOptions& options;
  net::HttpHandler api_handler;  // kumo's API as served to instances
  int live_instances = 0;        // across pools, for max_instances
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
  // Stops every instance now; running invocations get an error.
  void KillAll(const std::string& reason);
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
  void OnResult(PoolInstance* instance, bool is_error, std::string body,
                std::string error_type) override;
  void OnInitError(PoolInstance* instance, std::string body, std::string error_type) override;
  void OnOutputLine(PoolInstance* instance, std::string line) override;
  void OnExit(PoolInstance* instance, int wait_status, bool oom_killed) override;

  void Pump();
  void StartInstance();
  void Assign(PoolInstance* instance, Waiting waiting);
  void Finish(PoolInstance* instance, bool is_error, std::string payload);
  void FailWaiting(Waiting waiting, const std::string& error_document);
  void MakeIdle(PoolInstance* instance);
  void Remove(PoolInstance* instance);
  void Log(const std::string& request_id, std::string line, std::string* invocation_log);
  sandbox::InstanceSpec BuildSpec(const std::string& instance_id) const;

  PoolContext& ctx_;
  store::FunctionConfig config_;
  std::string code_dir_;
  std::string arn_;
  std::list<std::unique_ptr<PoolInstance>> instances_;
  std::deque<Waiting> waiting_;
  int starting_ = 0;
  bool draining_ = false;
  std::function<void()> on_empty_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace kumo::dispatch
