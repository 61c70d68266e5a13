#include "events/esm_poller.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>

#include "common/encoding.h"

namespace kumo::events {
namespace {

// When the store says a message is due but Receive gave nothing (a message held back because its
// dead-letter queue is missing), wait this long instead of asking again at once.
constexpr int64_t kStuckRetryMs = 1000;
// After "function not found" no new batch is taken for this long; the failed batch itself comes
// back after its visibility timeout.
constexpr int64_t kMissingFunctionPauseMs = 10000;

struct Outcome {
  bool throttled = false;         // platform error: retry soon
  bool function_missing = false;  // platform error kNotFound
};

std::vector<std::string> ReceiptHandles(const std::vector<store::ReceivedMessage>& batch) {
  std::vector<std::string> handles;
  handles.reserve(batch.size());
  for (const auto& m : batch) handles.push_back(m.receipt_handle);
  return handles;
}

// What a finished invocation means for its messages, applied to the queue. Needs nothing of the
// poller, so it runs also after the poller is gone.
Outcome Settle(store::QueueStore& queues, const EsmPollerConfig& config, int64_t now,
               const std::vector<store::ReceivedMessage>& batch,
               const dispatch::InvokeResult& result) {
  Outcome outcome;
  if (result.platform_error) {
    if (result.platform_error->code == ErrorCode::kNotFound) {
      spdlog::warn("event source mapping {}: {}", config.uuid, result.platform_error->message);
      outcome.function_missing = true;
      return outcome;  // like a function error: back after the visibility timeout
    }
    // Throttled or kumo could not run it: not the messages' fault, so they are retried soon.
    for (const auto& m : batch) {
      // A message re-received meanwhile (visibility timeout shorter than the call) or gone
      // already refuses the change; it is then someone else's.
      (void)queues.ChangeVisibility(config.queue, m.receipt_handle, config.throttle_backoff_s, now);
    }
    outcome.throttled = true;
    return outcome;
  }
  if (result.function_error) {
    spdlog::debug("event source mapping {}: function error, {} messages return to {}", config.uuid,
                  batch.size(), config.queue);
    return outcome;
  }
  std::vector<std::string> handles;
  if (config.report_batch_item_failures) {
    std::vector<std::string> ids;
    ids.reserve(batch.size());
    for (const auto& m : batch) ids.push_back(m.message.id);
    BatchResponse response = ParseBatchResponse(result.payload, ids);
    if (response.kind == BatchResponse::Kind::kInvalid) {
      spdlog::warn("event source mapping {}: invalid batch response ({}); {} messages return",
                   config.uuid, response.reason, batch.size());
      return outcome;
    }
    for (const auto& m : batch) {
      if (std::find(response.failed_ids.begin(), response.failed_ids.end(), m.message.id) ==
          response.failed_ids.end()) {
        handles.push_back(m.receipt_handle);
      }
    }
  } else {
    handles = ReceiptHandles(batch);
  }
  if (handles.empty()) return outcome;
  queues.Delete(config.queue, std::move(handles),
                [uuid = config.uuid](Result<std::vector<Status>> deleted) {
                  if (!deleted.ok()) {
                    spdlog::warn("event source mapping {}: deleting processed messages: {}", uuid,
                                 deleted.error().message);
                  }
                });
  return outcome;
}

}  // namespace

EsmPoller::EsmPoller(EsmPollerConfig config, store::QueueStore& queues, FunctionInvoker& invoker,
                     EsmClock clock, std::weak_ptr<int> queues_alive)
    : config_(std::move(config)),
      queues_(queues),
      invoker_(invoker),
      clock_(std::move(clock)),
      queues_alive_(std::move(queues_alive)),
      timer_(clock_.new_timer()) {}

EsmPoller::~EsmPoller() { Stop(); }

void EsmPoller::Start() {
  running_ = true;
  Pump();
}

void EsmPoller::Wake() { Pump(); }

void EsmPoller::Stop() {
  if (!running_) return;
  running_ = false;
  timer_->Cancel();
  // Messages collected but never sent go back at once rather than after their timeout.
  int64_t now = clock_.now_ms();
  for (const auto* list : {&pending_.messages, &overflow_}) {
    for (const auto& m : *list) {
      (void)queues_.ChangeVisibility(config_.queue, m.receipt_handle, 0, now);
    }
  }
  pending_ = Pending{};
  overflow_.clear();
}

std::string EsmPoller::problem() const {
  return !queue_problem_.empty() ? queue_problem_ : function_problem_;
}

void EsmPoller::Pump() {
  // A function that answers synchronously re-enters here from Dispatch; the outer call loops
  // instead of recursing.
  if (pumping_) {
    repump_ = true;
    return;
  }
  pumping_ = true;
  do {
    repump_ = false;
    PumpOnce();
  } while (repump_);
  pumping_ = false;
}

void EsmPoller::PumpOnce() {
  if (!running_) return;
  int64_t now = clock_.now_ms();
  if (now >= resume_at_ms_) {
    while (in_flight_ < config_.max_concurrency) {
      if (!BatchReady(now) && (!TopUp(now) || !BatchReady(now))) break;
      Dispatch(now);
    }
  }
  ArmTimer(now);
}

bool EsmPoller::BatchReady(int64_t now) const {
  if (pending_.messages.empty()) return false;
  if (!overflow_.empty()) return true;
  if (static_cast<int>(pending_.messages.size()) >= config_.batch_size) return true;
  return now >= pending_.first_ms + config_.batching_window_ms;
}

bool EsmPoller::TopUp(int64_t now) {
  int want = std::min(config_.batch_size - static_cast<int>(pending_.messages.size()), 10000);
  if (want <= 0 || !overflow_.empty()) return true;
  auto received = queues_.Receive(config_.queue, want, -1, now);
  if (!received.ok()) {
    if (received.error().code == ErrorCode::kNotFound) {
      if (queue_problem_.empty()) {
        spdlog::warn("event source mapping {}: queue {} does not exist; idle until it does",
                     config_.uuid, config_.queue);
      }
      queue_problem_ = "PROBLEM: The event source queue " + config_.queue + " does not exist";
    } else {
      spdlog::warn("event source mapping {}: receiving from {}: {}", config_.uuid, config_.queue,
                   received.error().message);
    }
    return false;
  }
  queue_problem_.clear();
  for (store::ReceivedMessage& m : *received) Add(std::move(m), now);
  return true;
}

void EsmPoller::Add(store::ReceivedMessage message, int64_t now) {
  for (store::ReceivedMessage& held : overflow_) {
    if (held.message.id == message.message.id) {
      held = std::move(message);
      return;
    }
  }
  std::string record = SqsRecordJson(message, config_.source);
  if (auto again = pending_.index.find(message.message.id); again != pending_.index.end()) {
    size_t i = again->second;
    pending_.record_bytes = pending_.record_bytes - pending_.records[i].size() + record.size();
    pending_.records[i] = std::move(record);
    pending_.messages[i] = std::move(message);
    return;
  }
  if (!overflow_.empty()) {
    overflow_.push_back(std::move(message));
    return;
  }
  size_t count = pending_.messages.size() + 1;
  if (!pending_.messages.empty() &&
      SqsEventSize(count, pending_.record_bytes + record.size()) > config_.max_event_bytes) {
    overflow_.push_back(std::move(message));
    return;
  }
  if (pending_.messages.empty()) pending_.first_ms = now;
  pending_.record_bytes += record.size();
  pending_.index[message.message.id] = pending_.messages.size();
  pending_.records.push_back(std::move(record));
  pending_.messages.push_back(std::move(message));
}

void EsmPoller::Dispatch(int64_t now) {
  Pending batch = std::move(pending_);
  pending_ = Pending{};
  std::vector<store::ReceivedMessage> carried = std::move(overflow_);
  overflow_.clear();
  for (store::ReceivedMessage& m : carried) Add(std::move(m), now);

  dispatch::InvokeRequest request;
  request.request_id = NewUuid();
  request.payload = SqsEventJson(batch.records);
  ++in_flight_;
  std::weak_ptr<EsmPoller> weak = weak_from_this();
  store::QueueStore* queues = &queues_;
  invoker_.Invoke(config_.function, config_.qualifier, std::move(request),
                  [weak, queues, alive = queues_alive_, config = config_, now_ms = clock_.now_ms,
                   messages = std::move(batch.messages)](dispatch::InvokeResult result) {
                    if (alive.expired())
                      return;  // shutting down: the batch returns after its timeout
                    Outcome outcome = Settle(*queues, config, now_ms(), messages, result);
                    if (auto self = weak.lock()) {
                      self->OnBatchDone(outcome.throttled, outcome.function_missing);
                    }
                  });
}

void EsmPoller::OnBatchDone(bool throttled, bool function_missing) {
  --in_flight_;
  int64_t now = clock_.now_ms();
  if (throttled) {
    resume_at_ms_ = std::max(resume_at_ms_, now + config_.throttle_backoff_s * int64_t{1000});
  }
  if (function_missing) {
    function_problem_ = "PROBLEM: Function not found: " + config_.function;
    resume_at_ms_ = std::max(resume_at_ms_, now + kMissingFunctionPauseMs);
  } else if (!throttled) {
    function_problem_.clear();
  }
  Pump();
}

void EsmPoller::ArmTimer(int64_t now) {
  timer_->Cancel();
  if (!running_) return;
  std::optional<int64_t> at;
  if (now < resume_at_ms_) {
    at = resume_at_ms_;
  } else if (in_flight_ < config_.max_concurrency) {
    if (!pending_.messages.empty()) at = pending_.first_ms + config_.batching_window_ms;
    if (queue_problem_.empty()) {
      if (std::optional<int64_t> next = queues_.NextVisibleAt(config_.queue)) {
        int64_t due = *next > now ? *next : now + kStuckRetryMs;
        at = at ? std::min(*at, due) : due;
      }
    }
  }
  if (!at) return;
  std::weak_ptr<EsmPoller> weak = weak_from_this();
  timer_->Start(std::chrono::milliseconds(std::max<int64_t>(0, *at - now)), [weak] {
    if (auto self = weak.lock()) self->Pump();
  });
}

}  // namespace kumo::events
