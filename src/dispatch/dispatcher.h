#pragma once
// Routes invocations to per-function pools. A pool serves one revision of a function's code and
// configuration; when a function is updated or deleted its pool is drained (idle instances stop
// at once, busy ones when their invocation ends) and a new pool serves the new revision.
// Loop thread only.

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "dispatch/function_pool.h"
#include "dispatch/invocation.h"
#include "store/function_config.h"

namespace kumo::dispatch {

class Dispatcher {
 public:
  Dispatcher(net::EventLoop& loop, sandbox::Launcher& launcher, telemetry::LogStore& logs,
             DispatcherOptions options);
  ~Dispatcher();

  // kumo's API as served inside instances (set before the first Invoke).
  void set_instance_api_handler(net::HttpHandler handler) { ctx_.api_handler = std::move(handler); }
  // Runs `config` (whose code is unpacked at code_dir) with the request.
  void Invoke(const store::FunctionConfig& config, const std::string& code_dir,
              InvokeRequest request, InvokeCallback done);
  // The function changed or is gone: its instances retire.
  void Retire(const std::string& function_name);
  // Stops taking work, lets running invocations finish for up to `grace`, then stops every
  // instance; calls `done` once all are gone.
  void Shutdown(std::chrono::milliseconds grace, std::function<void()> done);

 private:
  void RetirePool(std::unique_ptr<FunctionPool> pool);
  void MaybeFinishShutdown();

  DispatcherOptions options_;
  PoolContext ctx_;
  std::map<std::string, std::unique_ptr<FunctionPool>> pools_;
  std::map<FunctionPool*, std::unique_ptr<FunctionPool>> retiring_;
  bool shutting_down_ = false;
  std::function<void()> shutdown_done_;
  std::unique_ptr<net::Timer> grace_timer_;
};

}  // namespace kumo::dispatch
