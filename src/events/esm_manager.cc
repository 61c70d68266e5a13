#include "events/esm_manager.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace kumo::events {

EsmManager::EsmManager(store::QueueStore& queues, FunctionInvoker& invoker, EsmClock clock,
                       std::string region, std::string account_id)
    : queues_(queues),
      invoker_(invoker),
      clock_(std::move(clock)),
      region_(std::move(region)),
      account_id_(std::move(account_id)) {
  std::weak_ptr<int> alive = alive_;
  listener_id_ = queues_.AddListener([this, alive](const std::string& queue) {
    if (alive.lock()) OnQueueChanged(queue);
  });
}

EsmManager::~EsmManager() {
  queues_.RemoveListener(listener_id_);
  StopAll();
}

EsmClock EsmManager::LoopClock(net::EventLoop& loop) {
  EsmClock clock;
  clock.now_ms = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  clock.new_timer = [&loop] { return loop.NewTimer(); };
  return clock;
}

Status EsmManager::RestoreAll(store::EsmStore& mappings) {
  std::string after;
  while (true) {
    KUMO_ASSIGN_OR_RETURN(auto page, mappings.List("", "", std::nullopt, after, 1000));
    for (const store::EventSourceMapping& m : page) Apply(m);
    if (page.size() < 1000) break;
    after = page.back().uuid;
  }
  return Ok();
}

std::optional<EsmPollerConfig> EsmManager::PollerConfig(
    const store::EventSourceMapping& mapping) const {
  std::optional<SqsArn> arn = ParseSqsArn(mapping.event_source_arn);
  if (!arn) return std::nullopt;
  EsmPollerConfig config;
  config.uuid = mapping.uuid;
  config.queue = arn->queue;
  config.source = SqsSource{mapping.event_source_arn, arn->region, account_id_};
  config.function = mapping.function_name;
  config.qualifier = mapping.qualifier;
  config.batch_size = mapping.batch_size;
  config.batching_window_ms = int64_t{mapping.max_batching_window_s} * 1000;
  config.report_batch_item_failures = mapping.report_batch_item_failures;
  config.max_concurrency =
      mapping.max_concurrency > 0 ? mapping.max_concurrency : kDefaultMaxConcurrency;
  return config;
}

void EsmManager::Apply(const store::EventSourceMapping& mapping) {
  std::optional<EsmPollerConfig> config = PollerConfig(mapping);
  if (!mapping.enabled || !config) {
    if (!config) {
      spdlog::warn("event source mapping {}: {} is not an SQS queue ARN", mapping.uuid,
                   mapping.event_source_arn);
    }
    Remove(mapping.uuid);
    return;
  }
  auto existing = pollers_.find(mapping.uuid);
  if (existing != pollers_.end()) {
    if (existing->second->config() == *config) return;
    existing->second->Stop();
    pollers_.erase(existing);
  }
  auto poller = std::make_shared<EsmPoller>(std::move(*config), queues_, invoker_, clock_, alive_);
  pollers_[mapping.uuid] = poller;
  poller->Start();
}

void EsmManager::Remove(const std::string& uuid) {
  auto it = pollers_.find(uuid);
  if (it == pollers_.end()) return;
  it->second->Stop();
  pollers_.erase(it);
}

void EsmManager::StopAll() {
  for (auto& [uuid, poller] : pollers_) poller->Stop();
  pollers_.clear();
}

std::string EsmManager::Problem(const std::string& uuid) const {
  auto it = pollers_.find(uuid);
  return it == pollers_.end() ? "" : it->second->problem();
}

bool EsmManager::IsRunning(const std::string& uuid) const { return pollers_.count(uuid) > 0; }

void EsmManager::OnQueueChanged(const std::string& queue) {
  // Copies, because a wake may finish batches synchronously and a poller could change the map.
  std::vector<std::shared_ptr<EsmPoller>> woken;
  for (const auto& [uuid, poller] : pollers_) {
    if (poller->config().queue == queue) woken.push_back(poller);
  }
  for (const auto& poller : woken) poller->Wake();
}

}  // namespace kumo::events
