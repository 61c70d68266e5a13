#include "events/scheduler.h"

#include <spdlog/spdlog.h>
#include <time.h>

#include <algorithm>
#include <boost/json.hpp>
#include <climits>

#include "common/encoding.h"

namespace kumo::events {
namespace json = boost::json;

struct Scheduler::Entry {
  store::ScheduleDefinition def;
  std::optional<ScheduleExpression> expr;
  MissedPolicy missed = MissedPolicy::kSkip;
  int64_t cursor = INT64_MIN;  // the latest firing time handled (enqueued or skipped)
  std::unique_ptr<ScheduleTimer> timer;
  std::optional<int64_t> pending;  // the time the timer waits for
  std::optional<int64_t> in_flight;  // the time handed to the sink, not yet committed
  int failures = 0;                // failed Enqueues of the current time
  uint64_t epoch = 0;              // changes with every Reload: late callbacks are dropped
};

namespace {

// "2026-11-26T10:00:00Z": EventBridge's `time`, whole seconds.
std::string IsoSeconds(int64_t ms) {
  time_t secs = static_cast<time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  struct tm tm {};
  gmtime_r(&secs, &tm);
  char buf[32];
  strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

bool Permanent(const Error& error) {
  return error.code == ErrorCode::kNotFound || error.code == ErrorCode::kInvalidArgument ||
         error.code == ErrorCode::kTooLarge;
}

}  // namespace

Result<MissedPolicy> ParseMissedPolicy(std::string_view text) {
  if (text == "skip") return MissedPolicy::kSkip;
  if (text == "run-once") return MissedPolicy::kRunOnce;
  return MakeError(ErrorCode::kInvalidArgument,
                   "missed firings policy must be 'skip' or 'run-once', not '" +
                       std::string(text) + "'");
}

std::string ScheduleArn(const std::string& region, const std::string& account_id,
                        const std::string& name) {
  return "arn:aws:scheduler:" + region + ":" + account_id + ":schedule/default/" + name;
}

std::string ScheduledEventJson(const std::string& id, int64_t scheduled_ms,
                               const std::string& region, const std::string& account_id,
                               const std::string& schedule_name) {
  json::object event;
  event["version"] = "0";
  event["id"] = id;
  event["detail-type"] = "Scheduled Event";
  event["source"] = "aws.scheduler";
  event["account"] = account_id;
  event["time"] = IsoSeconds(scheduled_ms);
  event["region"] = region;
  event["resources"] = json::array{json::string(ScheduleArn(region, account_id, schedule_name))};
  event["detail"] = json::object();
  return json::serialize(event);
}

Scheduler::Scheduler(store::ScheduleStore& store, AsyncSink& sink, CursorReader cursor_reader,
                     CursorWriter set_cursor, std::function<int64_t()> now_ms,
                     TimerFactory new_timer, SchedulerOptions options)
    : store_(store),
      sink_(sink),
      cursor_reader_(std::move(cursor_reader)),
      set_cursor_(std::move(set_cursor)),
      now_ms_(std::move(now_ms)),
      new_timer_(std::move(new_timer)),
      options_(std::move(options)) {}

Scheduler::~Scheduler() { *alive_ = false; }

Status Scheduler::Start() {
  KUMO_ASSIGN_OR_RETURN(std::vector<store::ScheduleDefinition> all, store_.List(""));
  for (const store::ScheduleDefinition& def : all) {
    Status loaded = Load(def, ArmMode::kStart, INT64_MIN);
    if (!loaded.ok()) {
      // A stored schedule that no longer parses (a time zone removed from the system) must not
      // keep the others from running.
      spdlog::warn("schedule {}: not scheduled: {}", def.name, loaded.error().message);
    }
  }
  return Ok();
}

void Scheduler::Reload(const std::string& name) {
  // A time already handed to the sink is done for the new definition too, even though its
  // cursor is not committed yet.
  int64_t floor = INT64_MIN;
  if (auto it = entries_.find(name); it != entries_.end()) {
    floor = std::max(it->second->cursor, it->second->in_flight.value_or(INT64_MIN));
    entries_.erase(it);
  }
  Result<store::ScheduleDefinition> def = store_.Get(name);
  if (!def.ok()) {
    if (def.error().code != ErrorCode::kNotFound) {
      spdlog::warn("schedule {}: cannot read it: {}", name, def.error().message);
    }
    return;
  }
  Status loaded = Load(*def, ArmMode::kChange, floor);
  if (!loaded.ok()) spdlog::warn("schedule {}: not scheduled: {}", name, loaded.error().message);
}

std::optional<int64_t> Scheduler::NextFiring(const std::string& name) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) return std::nullopt;
  return it->second->pending;
}

Status Scheduler::Load(const store::ScheduleDefinition& def, ArmMode mode, int64_t floor) {
  auto entry = std::make_unique<Entry>();
  entry->def = def;
  entry->cursor = floor;
  int64_t first = def.start_ms != 0 ? def.start_ms : def.created_ms;
  KUMO_ASSIGN_OR_RETURN(ScheduleExpression expr,
                        ScheduleExpression::Parse(def.expression, def.timezone, first));
  entry->expr.emplace(std::move(expr));
  entry->missed = options_.missed;
  if (!def.missed.empty()) {
    KUMO_ASSIGN_OR_RETURN(entry->missed, ParseMissedPolicy(def.missed));
  }
  if (std::optional<std::string> cursor = cursor_reader_(CursorKey(def.name))) {
    try {
      entry->cursor = std::max(entry->cursor, static_cast<int64_t>(std::stoll(*cursor)));
    } catch (const std::exception&) {
      spdlog::warn("schedule {}: ignoring unreadable cursor '{}'", def.name, *cursor);
    }
  }
  entry->timer = new_timer_();
  entry->epoch = next_epoch_++;
  Entry& ref = *entry;
  entries_[def.name] = std::move(entry);
  Arm(ref, mode);
  return Ok();
}

void Scheduler::Arm(Entry& entry, ArmMode mode) {
  entry.timer->Cancel();
  entry.pending.reset();
  if (entry.def.state != "ENABLED") return;
  const store::ScheduleDefinition& def = entry.def;
  int64_t now = now_ms_();
  int64_t first = def.start_ms != 0 ? def.start_ms : def.created_ms;
  int64_t base = std::max(entry.cursor, first - 1);
  if (mode == ArmMode::kChange) base = std::max(base, now - 1);
  auto in_range = [&](std::optional<int64_t> t) {
    return t.has_value() && (def.end_ms == 0 || *t <= def.end_ms);
  };
  std::optional<int64_t> next = entry.expr->NextAfter(base);
  if (!in_range(next)) return;
  if (mode == ArmMode::kStart && *next <= now) {
    int64_t last = *next;
    int missed = 1;
    for (std::optional<int64_t> n = entry.expr->NextAfter(last); in_range(n) && *n <= now;
         n = entry.expr->NextAfter(last)) {
      last = *n;
      ++missed;
    }
    if (entry.missed == MissedPolicy::kRunOnce) {
      spdlog::info("schedule {}: {} firing(s) missed while down; running the one of {}",
                   def.name, missed, IsoSeconds(last));
      Fire(entry, last);
      return;
    }
    spdlog::info("schedule {}: skipping {} firing(s) missed while down", def.name, missed);
    MoveCursor(entry, last);
    Arm(entry, ArmMode::kContinue);
    return;
  }
  entry.pending = *next;
  std::string name = def.name;
  uint64_t epoch = entry.epoch;
  entry.timer->Start(std::max<int64_t>(0, *next - now),
                     [this, name, epoch] { OnTimer(name, epoch); });
}

Scheduler::Entry* Scheduler::Find(const std::string& name, uint64_t epoch) {
  auto it = entries_.find(name);
  if (it == entries_.end() || it->second->epoch != epoch) return nullptr;
  return it->second.get();
}

void Scheduler::OnTimer(const std::string& name, uint64_t epoch) {
  Entry* entry = Find(name, epoch);
  if (entry == nullptr || !entry->pending) return;
  int64_t t = *entry->pending;
  int64_t now = now_ms_();
  if (now < t) {  // a timer that woke a little early waits for the rest
    entry->timer->Start(t - now, [this, name, epoch] { OnTimer(name, epoch); });
    return;
  }
  entry->pending.reset();
  Fire(*entry, t);
}

void Scheduler::Fire(Entry& entry, int64_t t) {
  entry.in_flight = t;
  AsyncEvent event;
  event.request_id = NewUuid();
  event.function_name = entry.def.function_name;
  event.qualifier = entry.def.qualifier;
  event.payload = entry.def.input.empty()
                      ? ScheduledEventJson(event.request_id, t, options_.region,
                                           options_.account_id, entry.def.name)
                      : entry.def.input;
  event.enqueued_ms = now_ms_();
  event.source = "scheduler";
  std::string name = entry.def.name;
  uint64_t epoch = entry.epoch;
  std::weak_ptr<bool> alive = alive_;
  sink_.Enqueue(std::move(event), AsyncSink::Cursor{CursorKey(name), std::to_string(t)},
                [this, alive, name, epoch, t](Status status) {
                  if (alive.expired()) return;
                  OnEnqueued(name, epoch, t, status);
                });
}

void Scheduler::OnEnqueued(const std::string& name, uint64_t epoch, int64_t t,
                           const Status& status) {
  Entry* entry = Find(name, epoch);
  if (entry == nullptr) return;  // deleted or changed meanwhile; Reload armed it afresh
  entry->in_flight.reset();
  if (status.ok()) {
    entry->cursor = std::max(entry->cursor, t);
    entry->failures = 0;
    Arm(*entry, ArmMode::kContinue);
    return;
  }
  const Error& error = status.error();
  if (!Permanent(error) && entry->failures < options_.max_retries) {
    ++entry->failures;
    spdlog::warn("schedule {}: firing of {} not enqueued ({}); retry {} in {} ms", name,
                 IsoSeconds(t), error.message, entry->failures, options_.retry_delay_ms);
    entry->timer->Start(options_.retry_delay_ms, [this, name, epoch, t] {
      if (Entry* e = Find(name, epoch)) Fire(*e, t);
    });
    return;
  }
  spdlog::warn("schedule {}: firing of {} dropped: {}", name, IsoSeconds(t), error.message);
  entry->failures = 0;
  MoveCursor(*entry, t);
  Arm(*entry, ArmMode::kContinue);
}

void Scheduler::MoveCursor(Entry& entry, int64_t t) {
  entry.cursor = std::max(entry.cursor, t);
  set_cursor_(CursorKey(entry.def.name), std::to_string(entry.cursor));
}

}  // namespace kumo::events
