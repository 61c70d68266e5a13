#pragma once
// Keeps one EsmPoller per enabled event source mapping: restores them all at start, starts,
// restarts or stops one whenever the API changes its mapping, and passes the queue store's
// "messages may be receivable" notices to the pollers of that queue. Owns the pollers; the
// QueueStore and FunctionInvoker must outlive it and every invocation its pollers started.
// Loop thread only.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "events/esm_poller.h"
#include "net/event_loop.h"
#include "store/esm_store.h"
#include "store/queue_store.h"

namespace kumo::events {

class EsmManager {
 public:
  // Batches a mapping without ScalingConfig keeps in flight at once. Lambda starts an SQS mapping
  // with five concurrent batches too; more rarely helps on one machine, where the function's own
  // concurrency limit is what really bounds the work.
  static constexpr int kDefaultMaxConcurrency = 5;

  EsmManager(store::QueueStore& queues, FunctionInvoker& invoker, EsmClock clock,
             std::string region, std::string account_id);
  ~EsmManager();
  EsmManager(const EsmManager&) = delete;
  EsmManager& operator=(const EsmManager&) = delete;

  // The wall clock in epoch milliseconds and the loop's timers: what the server passes.
  static EsmClock LoopClock(net::EventLoop& loop);

  // Starts a poller for every enabled mapping of the store (at server start).
  Status RestoreAll(store::EsmStore& mappings);
  // After a mapping was created or updated: starts its poller, restarts it with new settings,
  // or stops it when disabled.
  void Apply(const store::EventSourceMapping& mapping);
  // After a mapping was deleted. Its batches in flight finish.
  void Remove(const std::string& uuid);
  // Stops every poller (shutdown); batches in flight finish.
  void StopAll();

  // The mapping's current problem ("" when none or not running), for StateTransitionReason.
  std::string Problem(const std::string& uuid) const;
  // Whether a poller runs for the mapping.
  bool IsRunning(const std::string& uuid) const;

  // The poller's settings for a mapping; nullopt when its source is not an SQS queue ARN.
  std::optional<EsmPollerConfig> PollerConfig(const store::EventSourceMapping& mapping) const;

 private:
  void OnQueueChanged(const std::string& queue);

  store::QueueStore& queues_;
  FunctionInvoker& invoker_;
  EsmClock clock_;
  std::string region_;
  std::string account_id_;
  int listener_id_ = -1;
  // Listener calls are posted; one that runs after this manager is gone finds this expired, and
  // so do invocations that finish after it (they leave their messages to the visibility timeout).
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
  std::map<std::string, std::shared_ptr<EsmPoller>> pollers_;  // by mapping UUID
};

}  // namespace kumo::events
