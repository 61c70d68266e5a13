#include "server/event_services.h"

#include "common/time_format.h"

#include <spdlog/spdlog.h>

namespace kumo::server {
namespace {

// How often messages past their queue's retention are dropped.
constexpr std::chrono::seconds kExpiryEvery{60};

// The scheduler's timers on the server's loop.
class LoopScheduleTimer : public events::ScheduleTimer {
 public:
  explicit LoopScheduleTimer(net::EventLoop& loop) : timer_(loop.NewTimer()) {}
  void Start(int64_t delay_ms, std::function<void()> callback) override {
    timer_->Start(std::chrono::milliseconds(delay_ms), std::move(callback));
  }
  void Cancel() override { timer_->Cancel(); }

 private:
  std::unique_ptr<net::Timer> timer_;
};

}  // namespace

EventServices::~EventServices() = default;

Result<std::unique_ptr<EventServices>> EventServices::Create(
    net::EventLoop& loop, store::FunctionStore& functions, store::BundleStore& bundles,
    dispatch::Dispatcher& dispatcher, api::Api& api, EventServicesOptions options) {
  std::unique_ptr<EventServices> s(new EventServices());
  s->loop_ = &loop;
  KUMO_ASSIGN_OR_RETURN(
      s->queues_, store::OpenSqliteQueueStore((options.data_dir / "events.db").string(),
                                              [&loop](std::function<void()> fn) {
                                                loop.Post(std::move(fn));
                                              }));
  KUMO_ASSIGN_OR_RETURN(s->invoke_configs_,
                        store::EventInvokeConfigStore::Open((options.data_dir / "kumo.db").string()));
  s->sqs_ = std::make_unique<api::SqsApi>(loop, *s->queues_, options.arn.region,
                                          options.arn.account_id);
  s->invoke_config_api_ = std::make_unique<api::EventInvokeApi>(*s->invoke_configs_, functions,
                                                                *s->queues_, options.arn);
  s->invoker_ =
      std::make_unique<api::EventFunctionInvoker>(functions, bundles, dispatcher, options.arn);
  events::AsyncInvokerOptions async_options;
  async_options.region = options.arn.region;
  async_options.account_id = options.arn.account_id;
  async_options.retry_base_ms = options.async_retry_base_ms;
  // Async work keeps to half the server's concurrency; synchronous callers keep the rest.
  async_options.max_in_flight = std::max(1, options.max_concurrency / 2);
  EventServices* raw = s.get();
  int server_max = options.max_concurrency;
  s->async_ = std::make_unique<events::AsyncInvoker>(
      loop, *s->queues_, *s->invoker_,
      [raw](const std::string& function, const std::string& qualifier) {
        return raw->invoke_config_api_->Lookup(function, qualifier);
      },
      [&dispatcher, server_max](const std::string& function) {
        return dispatcher.reservation(function).value_or(server_max);
      },
      async_options);

  KUMO_ASSIGN_OR_RETURN(s->schedules_,
                        store::ScheduleStore::Open((options.data_dir / "kumo.db").string()));
  events::SchedulerOptions schedule_options;
  schedule_options.region = options.arn.region;
  schedule_options.account_id = options.arn.account_id;
  schedule_options.missed = options.missed_schedules;
  s->scheduler_ = std::make_unique<events::Scheduler>(
      *s->schedules_, *s->async_,
      [raw](const std::string& key) { return raw->queues_->Cursor(key); },
      // A cursor moved without an event: the skip policy for missed firings.
      [raw](const std::string& key, const std::string& value) {
        if (Status set = raw->queues_->SetCursor(key, value); !set.ok()) {
          spdlog::warn("schedules: cursor {}: {}", key, set.error().message);
        }
      },
      [] { return NowEpochMillis(); },
      [&loop]() -> std::unique_ptr<events::ScheduleTimer> {
        return std::make_unique<LoopScheduleTimer>(loop);
      },
      schedule_options);
  s->scheduler_api_ = std::make_unique<api::SchedulerApi>(
      *s->schedules_, *s->scheduler_, options.arn.region, options.arn.account_id,
      [&functions](const std::string& name) { return functions.Get(name).ok(); });

  KUMO_ASSIGN_OR_RETURN(s->mappings_,
                        store::EsmStore::Open((options.data_dir / "kumo.db").string()));
  s->esm_ = std::make_unique<events::EsmManager>(*s->queues_, *s->invoker_,
                                                 events::EsmManager::LoopClock(loop),
                                                 options.arn.region, options.arn.account_id);
  s->esm_api_ = std::make_unique<api::EsmApi>(*s->mappings_, *s->esm_, *s->queues_, *s->invoker_,
                                              options.arn.region, options.arn.account_id);

  // SQS first: its query protocol posts forms to "/" and to queue URLs.
  api.AddExtension(
      [raw](net::HttpRequest& req, net::Responder& respond, const api::Api::Caller& caller) {
        std::string sender = caller.function.empty() ? "kumo" : "function:" + caller.function;
        return raw->sqs_->Handle(req, respond, sender);
      },
      /*open_to_instances=*/true);
  api.AddExtension(
      [raw](net::HttpRequest& req, net::Responder& respond, const api::Api::Caller&) {
        return raw->invoke_config_api_->Handle(req, respond);
      },
      /*open_to_instances=*/false);
  api.AddExtension(
      [raw](net::HttpRequest& req, net::Responder& respond, const api::Api::Caller&) {
        return raw->scheduler_api_->Handle(req, respond);
      },
      /*open_to_instances=*/false);
  api.AddExtension(
      [raw](net::HttpRequest& req, net::Responder& respond, const api::Api::Caller&) {
        return raw->esm_api_->Handle(req, respond);
      },
      /*open_to_instances=*/false);
  api.set_async_sink(s->async_.get());
  api.OnFunctionDeleted([raw](const std::string& name) {
    raw->async_->DropFunction(name);
    (void)raw->invoke_configs_->DeleteAllOf(name);
  });
  return s;
}

void EventServices::Start() {
  async_->Start();
  if (Status started = scheduler_->Start(); !started.ok()) {
    spdlog::warn("schedules: {}", started.error().message);
  }
  if (Status restored = esm_->RestoreAll(*mappings_); !restored.ok()) {
    spdlog::warn("event source mappings: {}", restored.error().message);
  }
  expiry_timer_ = loop_->NewTimer();
  ExpireAndRearm();
}

void EventServices::ExpireAndRearm() {
  queues_->ExpireOld(NowEpochMillis());
  expiry_timer_->Start(kExpiryEvery, [this] { ExpireAndRearm(); });
}

void EventServices::Stop() {
  if (expiry_timer_) expiry_timer_->Cancel();
  async_->Stop();
  esm_->StopAll();
  sqs_->Shutdown();
}

void EventServices::Flush() { queues_->Flush(); }

}  // namespace kumo::server
