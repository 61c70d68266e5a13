#include "telemetry/log_store.h"

#include <utility>

#include "telemetry/log_files.h"

namespace kumo::telemetry {

LogStore::LogStore() = default;
LogStore::~LogStore() {
  if (files_) files_->Flush();
}

void LogStore::AttachFiles(std::unique_ptr<LogFiles> files) {
  for (auto& [function, events] : files->Load(kMaxEventsPerFunction)) {
    if (events.empty()) continue;
    FunctionLog& log = logs_[function];
    log.events.assign(events.begin(), events.end());
    log.next_seq = log.events.back().seq + 1;
  }
  files_ = std::move(files);
}

void LogStore::Flush() {
  if (files_) files_->Flush();
}

void LogStore::Append(const std::string& function, int64_t timestamp_ms, std::string request_id,
                      std::string message) {
  FunctionLog& log = logs_[function];
  log.events.push_back(
      LogEvent{log.next_seq++, timestamp_ms, std::move(request_id), std::move(message)});
  if (log.events.size() > kMaxEventsPerFunction) log.events.pop_front();
  if (files_) {
    files_->Write(function, log.events.back());
    if (files_->NeedsRewrite(function)) {
      files_->Rewrite(function, {log.events.begin(), log.events.end()});
    }
  }
  if (!log.waiters.empty()) {
    auto waiters = std::exchange(log.waiters, {});
    for (auto& [id, waiter] : waiters) waiter();
  }
}

std::vector<LogEvent> LogStore::Read(const std::string& function, uint64_t after,
                                     size_t limit) const {
  std::vector<LogEvent> out;
  auto it = logs_.find(function);
  if (it == logs_.end()) return out;
  const auto& events = it->second.events;
  if (events.empty()) return out;
  // Sequence numbers are contiguous inside the deque, so the start index is arithmetic.
  uint64_t first = events.front().seq;
  size_t start = after < first ? 0 : static_cast<size_t>(after - first + 1);
  for (size_t i = start; i < events.size() && out.size() < limit; ++i) out.push_back(events[i]);
  return out;
}

uint64_t LogStore::NextSeq(const std::string& function) const {
  auto it = logs_.find(function);
  return it == logs_.end() ? 1 : it->second.next_seq;
}

uint64_t LogStore::WaitForAppend(const std::string& function, Waiter waiter) {
  uint64_t id = next_waiter_id_++;
  logs_[function].waiters.emplace(id, std::move(waiter));
  return id;
}

void LogStore::CancelWait(const std::string& function, uint64_t id) {
  auto it = logs_.find(function);
  if (it != logs_.end()) it->second.waiters.erase(id);
}

void LogStore::Forget(const std::string& function) {
  if (files_) files_->Remove(function);
  auto it = logs_.find(function);
  if (it == logs_.end()) return;
  auto waiters = std::exchange(it->second.waiters, {});
  logs_.erase(it);
  for (auto& [id, waiter] : waiters) waiter();
}

}  // namespace kumo::telemetry
