#include "dispatch/dispatcher.h"

namespace kumo::dispatch {

Dispatcher::Dispatcher(net::EventLoop& loop, sandbox::Launcher& launcher,
                       telemetry::LogStore& logs, DispatcherOptions options)
    : options_(std::move(options)), ctx_{loop, launcher, logs, options_, nullptr} {}

Dispatcher::~Dispatcher() = default;

void Dispatcher::Invoke(const store::FunctionConfig& config, const std::string& code_dir,
                        InvokeRequest request, InvokeCallback done) {
  if (shutting_down_) {
    InvokeResult r;
    r.request_id = request.request_id;
    r.platform_error = MakeError(ErrorCode::kUnavailable, "kumo is shutting down");
    done(std::move(r));
    return;
  }
  auto it = pools_.find(config.name);
  if (it != pools_.end() && it->second->config().revision_id != config.revision_id) {
    RetirePool(std::move(it->second));
    pools_.erase(it);
    it = pools_.end();
  }
  if (it == pools_.end()) {
    it = pools_.emplace(config.name, std::make_unique<FunctionPool>(ctx_, config, code_dir)).first;
  }
  it->second->Invoke(std::move(request), std::move(done));
}

void Dispatcher::Retire(const std::string& function_name) {
  auto it = pools_.find(function_name);
  if (it == pools_.end()) return;
  RetirePool(std::move(it->second));
  pools_.erase(it);
}

void Dispatcher::RetirePool(std::unique_ptr<FunctionPool> pool) {
  FunctionPool* raw = pool.get();
  raw->set_on_empty([this, raw] {
    retiring_.erase(raw);
    MaybeFinishShutdown();
  });
  retiring_.emplace(raw, std::move(pool));
  raw->Drain(MakeError(ErrorCode::kUnavailable, "function was updated while waiting; retry"));
}

void Dispatcher::Shutdown(std::chrono::milliseconds grace, std::function<void()> done) {
  shutting_down_ = true;
  shutdown_done_ = std::move(done);
  while (!pools_.empty()) {
    auto it = pools_.begin();
    std::unique_ptr<FunctionPool> pool = std::move(it->second);
    pools_.erase(it);
    FunctionPool* raw = pool.get();
    raw->set_on_empty([this, raw] {
      retiring_.erase(raw);
      MaybeFinishShutdown();
    });
    retiring_.emplace(raw, std::move(pool));
    raw->Drain(MakeError(ErrorCode::kUnavailable, "kumo is shutting down"));
  }
  grace_timer_ = ctx_.loop.NewTimer();
  grace_timer_->Start(grace, [this] {
    for (auto& [raw, pool] : retiring_) pool->KillAll("kumo is shutting down");
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
