#pragma once
// Asynchronous invocations (Invoke with X-Amz-Invocation-Type: Event, schedules): each function's
// events wait in its own internal durable queue (store::QueueStore) and are run from there with
// the function's EventInvokeConfig: a function error or timeout is retried with a doubling delay
// up to MaximumRetryAttempts, a throttle or a platform failure is retried (not counted) until
// the event is MaximumEventAgeInSeconds old, and then a record goes to the on-failure
// destination (a kumo queue or another function); successes go to the on-success destination.
// An event leaves its queue only after it ran and its record, if any, was stored: whatever
// crashes, it runs at least once.
//
// Async work takes at most half of a function's concurrency limit (and half of the server's),
// so synchronous callers always keep the other half. Loop thread only.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "events/async_event.h"
#include "events/function_invoker.h"
#include "net/event_loop.h"
#include "store/event_invoke_config_store.h"
#include "store/queue_store.h"

namespace kumo::events {

struct AsyncInvokerOptions {
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
  // Delay before the first retry after a function error; doubles for the second. Lambda waits
  // about a minute; a local platform answers faster by default.
  int64_t retry_base_ms = 1000;
  // First delay after a throttle or platform failure; doubles up to throttle_max_ms.
  int64_t throttle_base_ms = 500;
  int64_t throttle_max_ms = 60000;
  int max_in_flight = 32;  // all functions together
};

class AsyncInvoker : public AsyncSink {
 public:
  // The settings for a function's events with `qualifier` ("$LATEST" for unqualified ones);
  // defaults when it has none.
  using ConfigLookup =
      std::function<store::EventInvokeConfig(const std::string& function, const std::string& qualifier)>;
  // A function's concurrency limit (its reserved concurrency, else the server's).
  using LimitLookup = std::function<int(const std::string& function)>;

  AsyncInvoker(net::EventLoop& loop, store::QueueStore& queues, FunctionInvoker& invoker,
               ConfigLookup configs, LimitLookup limits, AsyncInvokerOptions options);
  ~AsyncInvoker() override;

  // Resumes the functions whose queues hold events (after a restart).
  void Start();
  // Takes no new events out of the queues (shutdown); running ones finish or come back later.
  void Stop();
  void Enqueue(AsyncEvent event, std::optional<Cursor> cursor,
               std::function<void(Status)> done) override;
  // The function is gone: its pending events are dropped with its queue.
  void DropFunction(const std::string& function);

 private:
  struct Consumer {
    std::string function;
    std::string queue;
    int in_flight = 0;
    std::unique_ptr<net::Timer> timer;
    int64_t timer_at_ms = 0;  // 0: not armed
  };
  Consumer& ConsumerFor(const std::string& function);
  void Pump(Consumer& c);
  void PumpAll();
  void Run(Consumer& c, store::ReceivedMessage message);
  void OnResult(const std::string& function, store::ReceivedMessage message, AsyncEvent event,
                dispatch::InvokeResult result);
  // Sends `record` to a destination ARN, then calls `done` (also when it cannot: logged).
  void SendToDestination(const std::string& arn, const std::string& record,
                         std::function<void()> done);
  // Removes the message and frees its slot.
  void Finish(const std::string& function, const store::ReceivedMessage& message);
  void Retry(const std::string& function, const store::ReceivedMessage& message,
             const AsyncEvent& event, int64_t delay_ms);
  void Release(const std::string& function);
  int PerFunctionCap(const std::string& function) const;

  net::EventLoop& loop_;
  store::QueueStore& queues_;
  FunctionInvoker& invoker_;
  ConfigLookup configs_;
  LimitLookup limits_;
  AsyncInvokerOptions options_;
  std::map<std::string, std::unique_ptr<Consumer>> consumers_;  // by function
  int in_flight_ = 0;
  int listener_ = -1;
  bool stopped_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace kumo::events
