#pragma once
// One event source mapping at work: takes batches of messages from a queue and runs the function
// with each as an SQS event, then deletes what the function processed. Lambda's rules:
// - A batch goes out when it holds BatchSize messages, when MaximumBatchingWindowInSeconds has
//   passed since its first message (at once without a window), or when one more record would
//   take the event past 6 MB.
// - Success deletes the batch; with ReportBatchItemFailures a valid batchItemFailures list keeps
//   those messages (they return after the visibility timeout, and go to the queue's dead-letter
//   queue after maxReceiveCount). A function error, a timeout or an invalid batch response
//   deletes nothing. A throttle or a platform error makes the batch visible again after a short
//   backoff and pauses taking new batches for as long.
// - At most `max_concurrency` batches are in flight.
// It never polls in a loop: it wakes when the queue's listener says messages arrived (Wake), on
// a timer at the queue's next visibility change, at the end of a batching window, and when a
// batch finishes.
//
// Loop thread only. Create with std::make_shared: invocations hold a weak pointer, so a poller
// may be destroyed with batches in flight; those still finish (their messages are deleted or
// released) through the QueueStore for as long as `queues_alive` (held by the owner, who goes
// before the QueueStore) lives. A batch finishing later deletes nothing: it comes back after its
// visibility timeout.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "events/function_invoker.h"
#include "events/sqs_event.h"
#include "net/event_loop.h"
#include "store/queue_store.h"

namespace kumo::events {

// Time and timers, injected so that tests drive them by hand.
struct EsmClock {
  std::function<int64_t()> now_ms;  // milliseconds since the epoch
  std::function<std::unique_ptr<net::Timer>()> new_timer;
};

struct EsmPollerConfig {
  std::string uuid;
  std::string queue;  // the queue's name in the QueueStore
  SqsSource source;
  std::string function;
  std::string qualifier;
  int batch_size = 10;
  int64_t batching_window_ms = 0;
  bool report_batch_item_failures = false;
  int max_concurrency = 5;
  // Lambda's synchronous payload limit.
  size_t max_event_bytes = 6 * 1024 * 1024;
  // How long a throttled batch stays invisible, and the poller waits, before the next try.
  int throttle_backoff_s = 1;

  bool operator==(const EsmPollerConfig&) const = default;
};

class EsmPoller : public std::enable_shared_from_this<EsmPoller> {
 public:
  EsmPoller(EsmPollerConfig config, store::QueueStore& queues, FunctionInvoker& invoker,
            EsmClock clock, std::weak_ptr<int> queues_alive);
  ~EsmPoller();
  EsmPoller(const EsmPoller&) = delete;
  EsmPoller& operator=(const EsmPoller&) = delete;

  // Begins taking batches (call once, after construction).
  void Start();
  // Messages may be receivable now (the queue's listener fired).
  void Wake();
  // Takes no new batches; messages collected for a batch not yet sent become visible at once.
  // Batches in flight finish.
  void Stop();

  const EsmPollerConfig& config() const { return config_; }
  int in_flight() const { return in_flight_; }
  // Why the mapping cannot work right now ("" when it can): its queue does not exist, its
  // function was not found. Lambda reports such states as "PROBLEM: ...".
  std::string problem() const;

 private:
  struct Pending {
    std::vector<store::ReceivedMessage> messages;
    std::vector<std::string> records;
    std::unordered_map<std::string, size_t> index;  // message id -> position
    size_t record_bytes = 0;
    int64_t first_ms = 0;
  };

  void Pump();
  void PumpOnce();
  bool BatchReady(int64_t now) const;
  // Receives messages into the batch being collected; false when the queue is gone.
  bool TopUp(int64_t now);
  // Adds to `pending_`, or to `overflow_` once the event would grow past max_event_bytes. A
  // message received again while collected (a batching window longer than the visibility
  // timeout) replaces its older copy: only the newest receipt handle can delete it.
  void Add(store::ReceivedMessage message, int64_t now);
  void Dispatch(int64_t now);
  void ArmTimer(int64_t now);
  void OnBatchDone(bool throttled, bool function_missing);

  EsmPollerConfig config_;
  store::QueueStore& queues_;
  FunctionInvoker& invoker_;
  EsmClock clock_;
  std::weak_ptr<int> queues_alive_;
  std::unique_ptr<net::Timer> timer_;
  bool running_ = false;
  int in_flight_ = 0;
  int64_t resume_at_ms_ = 0;  // after a throttle, no new batch before this
  Pending pending_;
  // Received while the batch was full by size; they start the next batch.
  std::vector<store::ReceivedMessage> overflow_;
  bool pumping_ = false;  // inside Pump (guards re-entry from synchronous completions)
  bool repump_ = false;   // Pump was asked again meanwhile
  std::string queue_problem_;
  std::string function_problem_;
};

}  // namespace kumo::events
