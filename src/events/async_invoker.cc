#include "events/async_invoker.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "common/arn.h"
#include "common/encoding.h"
#include "common/time_format.h"
#include "events/destination_record.h"

namespace kumo::events {
namespace {

constexpr std::string_view kAsyncPrefix = "~async:";
// Longer than any function may run (Lambda's maximum timeout is 900 s): a message comes back
// on its own only if kumo lost track of it, which after a restart Start() handles at once.
constexpr int kVisibilityS = 930;

store::QueueConfig InternalQueue(const std::string& name) {
  store::QueueConfig q;
  q.name = name;
  q.visibility_timeout_s = kVisibilityS;
  // Longer than the largest MaximumEventAgeInSeconds (6 h): events expire by their age rule,
  // never silently by retention.
  q.retention_s = 7 * 3600;
  return q;
}

std::string QualifiedArn(const AsyncInvokerOptions& o, const AsyncEvent& e,
                         const std::string& executed) {
  std::string qualifier = e.qualifier.empty() ? executed : e.qualifier;
  if (qualifier.empty()) qualifier = "$LATEST";
  return "arn:aws:lambda:" + o.region + ":" + o.account_id + ":function:" + e.function_name + ":" +
         qualifier;
}

}  // namespace

AsyncInvoker::AsyncInvoker(net::EventLoop& loop, store::QueueStore& queues,
                           FunctionInvoker& invoker, ConfigLookup configs, LimitLookup limits,
                           AsyncInvokerOptions options)
    : loop_(loop),
      queues_(queues),
      invoker_(invoker),
      configs_(std::move(configs)),
      limits_(std::move(limits)),
      options_(std::move(options)) {
  listener_ = queues_.AddListener([this, alive = alive_](const std::string& queue) {
    if (!*alive || stopped_) return;
    if (queue.rfind(kAsyncPrefix, 0) != 0) return;
    Pump(ConsumerFor(queue.substr(kAsyncPrefix.size())));
  });
}

AsyncInvoker::~AsyncInvoker() {
  *alive_ = false;
  queues_.RemoveListener(listener_);
}

void AsyncInvoker::Start() {
  int64_t now = NowEpochMillis();
  for (const std::string& queue : queues_.ListQueues(std::string(kAsyncPrefix))) {
    // Events that were running when kumo stopped run again now (at least once).
    (void)queues_.ReleaseInFlight(queue, now);
    Pump(ConsumerFor(queue.substr(kAsyncPrefix.size())));
  }
}

void AsyncInvoker::Stop() {
  stopped_ = true;
  for (auto& [name, c] : consumers_) c->timer.reset();
}

AsyncInvoker::Consumer& AsyncInvoker::ConsumerFor(const std::string& function) {
  auto& slot = consumers_[function];
  if (!slot) {
    slot = std::make_unique<Consumer>();
    slot->function = function;
    slot->queue = AsyncQueueName(function);
    slot->timer = loop_.NewTimer();
  }
  return *slot;
}

void AsyncInvoker::Enqueue(AsyncEvent event, std::optional<Cursor> cursor,
                           std::function<void(Status)> done) {
  if (!invoker_.Exists(event.function_name)) {
    return done(MakeError(ErrorCode::kNotFound, "Function not found: " + event.function_name));
  }
  std::string queue = AsyncQueueName(event.function_name);
  int64_t now = NowEpochMillis();
  if (!queues_.GetQueue(queue).ok()) {
    auto created = queues_.CreateQueue(InternalQueue(queue), now);
    if (!created.ok()) return done(created.error());
  }
  if (event.enqueued_ms == 0) event.enqueued_ms = now;
  store::NewMessage message;
  message.body = AsyncEventToJson(event);
  message.delay_s = 0;
  message.sender_id = event.source;
  if (cursor) {
    queues_.SendWithCursor(queue, std::move(message), cursor->key, cursor->value, now,
                           [done = std::move(done)](Result<store::SentMessage> sent) {
                             done(sent.ok() ? Ok() : Status(sent.error()));
                           });
    return;
  }
  std::vector<store::NewMessage> batch;
  batch.push_back(std::move(message));
  queues_.Send(queue, std::move(batch), now,
               [done = std::move(done)](Result<std::vector<store::SentMessage>> sent) {
                 done(sent.ok() ? Ok() : Status(sent.error()));
               });
}

void AsyncInvoker::DropFunction(const std::string& function) {
  consumers_.erase(function);
  Status dropped = queues_.DeleteQueue(AsyncQueueName(function));
  if (!dropped.ok() && dropped.error().code != ErrorCode::kNotFound) {
    spdlog::warn("async: dropping the events of {}: {}", function, dropped.error().message);
  }
}

int AsyncInvoker::PerFunctionCap(const std::string& function) const {
  int limit = limits_ ? limits_(function) : options_.max_in_flight * 2;
  return std::max(1, limit / 2);
}

void AsyncInvoker::PumpAll() {
  for (auto& [name, c] : consumers_) Pump(*c);
}

void AsyncInvoker::Pump(Consumer& c) {
  if (stopped_) return;
  int64_t now = NowEpochMillis();
  while (in_flight_ < options_.max_in_flight && c.in_flight < PerFunctionCap(c.function)) {
    int room = std::min(options_.max_in_flight - in_flight_, PerFunctionCap(c.function) - c.in_flight);
    auto received = queues_.Receive(c.queue, std::min(room, 10), kVisibilityS, now);
    if (!received.ok() || received->empty()) break;
    for (store::ReceivedMessage& m : *received) Run(c, std::move(m));
  }
  // Wake up when the next delayed retry becomes due.
  std::optional<int64_t> next = queues_.NextVisibleAt(c.queue);
  if (next && (c.timer_at_ms == 0 || *next < c.timer_at_ms)) {
    c.timer_at_ms = *next;
    std::string function = c.function;
    c.timer->Start(std::chrono::milliseconds(std::max<int64_t>(0, *next - now) + 1),
                   [this, function, alive = alive_] {
                     if (!*alive) return;
                     auto it = consumers_.find(function);
                     if (it == consumers_.end()) return;
                     it->second->timer_at_ms = 0;
                     Pump(*it->second);
                   });
  }
}

void AsyncInvoker::Run(Consumer& c, store::ReceivedMessage message) {
  ++c.in_flight;
  ++in_flight_;
  auto parsed = AsyncEventFromJson(message.message.content.body);
  if (!parsed.ok()) {
    spdlog::warn("async: dropping an unreadable event of {}: {}", c.function,
                 parsed.error().message);
    return Finish(c.function, message);
  }
  AsyncEvent event = std::move(parsed).value();
  store::EventInvokeConfig config =
      configs_(event.function_name, event.qualifier.empty() ? "$LATEST" : event.qualifier);
  int64_t now = NowEpochMillis();
  if (now - event.enqueued_ms > int64_t{config.maximum_event_age_s} * 1000) {
    DestinationRecord record;
    record.timestamp_ms = now;
    record.request_id = event.request_id;
    record.function_arn = QualifiedArn(options_, event, "");
    record.condition = "EventAgeExceeded";
    record.approximate_invoke_count = event.attempts;
    record.request_payload = event.payload;
    if (!event.last_error.empty()) {
      record.has_response = true;
      record.function_error = event.last_error_type;
      record.response_payload = event.last_error;
    }
    spdlog::info("async: event {} of {} is older than {} s: not run again", event.request_id,
                 event.function_name, config.maximum_event_age_s);
    std::string function = c.function;
    if (config.on_failure.empty()) return Finish(function, message);
    return SendToDestination(config.on_failure, DestinationRecordJson(record),
                             [this, function, message] { Finish(function, message); });
  }
  dispatch::InvokeRequest request;
  request.request_id = event.request_id;
  request.payload = event.payload;
  std::string function = c.function;
  std::string qualifier = event.qualifier;
  invoker_.Invoke(function, qualifier, std::move(request),
                  [this, alive = alive_, function, message = std::move(message),
                   event = std::move(event)](dispatch::InvokeResult result) mutable {
                    if (!*alive) return;
                    OnResult(function, std::move(message), std::move(event), std::move(result));
                  });
}

void AsyncInvoker::OnResult(const std::string& function, store::ReceivedMessage message,
                            AsyncEvent event, dispatch::InvokeResult result) {
  store::EventInvokeConfig config =
      configs_(event.function_name, event.qualifier.empty() ? "$LATEST" : event.qualifier);
  int64_t now = NowEpochMillis();
  if (result.platform_error) {
    if (result.platform_error->code == ErrorCode::kNotFound) {
      spdlog::info("async: event {} dropped: {}", event.request_id,
                   result.platform_error->message);
      return Finish(function, message);
    }
    // Throttled, shutting down, no capacity: not the function's fault, so not an attempt.
    int shift = std::min(message.message.receive_count - event.attempts - 1, 16);
    int64_t delay = std::min(options_.throttle_max_ms,
                             options_.throttle_base_ms << std::max(0, shift));
    return Retry(function, message, event, delay);
  }
  DestinationRecord record;
  record.timestamp_ms = now;
  record.request_id = event.request_id;
  record.function_arn = QualifiedArn(options_, event, result.executed_version);
  record.request_payload = event.payload;
  record.has_response = true;
  record.executed_version = result.executed_version;
  record.response_payload = result.payload;
  if (!result.function_error) {
    record.condition = "Success";
    record.approximate_invoke_count = event.attempts + 1;
    if (config.on_success.empty()) return Finish(function, message);
    return SendToDestination(config.on_success, DestinationRecordJson(record),
                             [this, function, message] { Finish(function, message); });
  }
  ++event.attempts;
  event.last_error = result.payload;
  event.last_error_type = "Unhandled";
  if (event.attempts > config.maximum_retry_attempts) {
    record.condition = "RetriesExhausted";
    record.approximate_invoke_count = event.attempts;
    record.function_error = "Unhandled";
    if (config.on_failure.empty()) return Finish(function, message);
    return SendToDestination(config.on_failure, DestinationRecordJson(record),
                             [this, function, message] { Finish(function, message); });
  }
  Retry(function, message, event, options_.retry_base_ms << (event.attempts - 1));
}

void AsyncInvoker::SendToDestination(const std::string& arn, const std::string& record,
                                     std::function<void()> done) {
  std::optional<Arn> parsed = ParseArn(arn);
  if (!parsed) {
    spdlog::warn("async: destination {} is not an ARN; record dropped", arn);
    return done();
  }
  const std::string& rest = parsed->resource;
  if (parsed->service == "sqs") {
    store::NewMessage message;
    message.body = record;
    message.sender_id = "lambda";
    std::vector<store::NewMessage> batch;
    batch.push_back(std::move(message));
    queues_.Send(rest, std::move(batch), NowEpochMillis(),
                 [arn, done = std::move(done)](Result<std::vector<store::SentMessage>> sent) {
                   if (!sent.ok()) {
                     spdlog::warn("async: destination {}: {}", arn, sent.error().message);
                   }
                   done();
                 });
    return;
  }
  if (parsed->service == "lambda" && rest.rfind("function:", 0) == 0) {
    std::string name = rest.substr(9);
    std::string qualifier;
    if (size_t colon = name.find(':'); colon != std::string::npos) {
      qualifier = name.substr(colon + 1);
      name.resize(colon);
    }
    AsyncEvent next;
    next.request_id = NewUuid();
    next.function_name = name;
    next.qualifier = qualifier;
    next.payload = record;
    next.source = "lambda-destination";
    Enqueue(std::move(next), std::nullopt, [arn, done = std::move(done)](Status s) {
      if (!s.ok()) spdlog::warn("async: destination {}: {}", arn, s.error().message);
      done();
    });
    return;
  }
  spdlog::warn("async: destination {} is neither a queue nor a function; record dropped", arn);
  done();
}

void AsyncInvoker::Finish(const std::string& function, const store::ReceivedMessage& message) {
  queues_.Delete(AsyncQueueName(function), {message.receipt_handle},
                 [this, alive = alive_, function](Result<std::vector<Status>>) {
                   if (*alive) Release(function);
                 });
}

void AsyncInvoker::Retry(const std::string& function, const store::ReceivedMessage& message,
                         const AsyncEvent& event, int64_t delay_ms) {
  // The store's delays are whole seconds; round up so a retry never comes early.
  int delay_s = static_cast<int>((delay_ms + 999) / 1000);
  queues_.Requeue(AsyncQueueName(function), message.receipt_handle, AsyncEventToJson(event),
                  delay_s, NowEpochMillis(),
                  [this, alive = alive_, function](Result<bool>) {
                    if (*alive) Release(function);
                  });
}

void AsyncInvoker::Release(const std::string& function) {
  --in_flight_;
  auto it = consumers_.find(function);
  if (it != consumers_.end()) --it->second->in_flight;
  PumpAll();
}

}  // namespace kumo::events
