#pragma once
// The event side of the server, built and wired in one place: the durable queue store
// (events.db), the SQS-compatible API, asynchronous invocations with their EventInvokeConfig
// API. serve.cc makes one after the Api and before listening. Loop thread only.

#include <filesystem>
#include <memory>
#include <string>

#include "api/api.h"
#include "api/event_function_invoker.h"
#include "api/event_invoke_api.h"
#include "api/sqs/sqs_api.h"
#include "api/esm_api.h"
#include "api/scheduler_api.h"
#include "events/esm_manager.h"
#include "store/esm_store.h"
#include "events/scheduler.h"
#include "store/schedule_store.h"
#include "events/async_invoker.h"
#include "store/event_invoke_config_store.h"
#include "store/queue_store.h"

namespace kumo::server {

struct EventServicesOptions {
  std::filesystem::path data_dir;
  api::ArnContext arn;
  int max_concurrency = 1000;
  int64_t async_retry_base_ms = 1000;
  events::MissedPolicy missed_schedules = events::MissedPolicy::kSkip;
};

class EventServices {
 public:
  static Result<std::unique_ptr<EventServices>> Create(
      net::EventLoop& loop, store::FunctionStore& functions, store::BundleStore& bundles,
      dispatch::Dispatcher& dispatcher, api::Api& api, EventServicesOptions options);
  ~EventServices();

  // Starts consuming what is already queued (after a restart).
  void Start();
  // Stops taking new events out of queues and answers waiting long polls.
  void Stop();
  // Commits everything written so far (before the process exits).
  void Flush();

 private:
  EventServices() = default;
  void ExpireAndRearm();

  std::unique_ptr<store::QueueStore> queues_;
  std::unique_ptr<store::EventInvokeConfigStore> invoke_configs_;
  std::unique_ptr<api::SqsApi> sqs_;
  std::unique_ptr<api::EventInvokeApi> invoke_config_api_;
  std::unique_ptr<api::EventFunctionInvoker> invoker_;
  std::unique_ptr<events::AsyncInvoker> async_;
  std::unique_ptr<store::ScheduleStore> schedules_;
  std::unique_ptr<events::Scheduler> scheduler_;
  std::unique_ptr<api::SchedulerApi> scheduler_api_;
  std::unique_ptr<store::EsmStore> mappings_;
  std::unique_ptr<events::EsmManager> esm_;
  std::unique_ptr<api::EsmApi> esm_api_;
  std::unique_ptr<net::Timer> expiry_timer_;
  net::EventLoop* loop_ = nullptr;
};

}  // namespace kumo::server
