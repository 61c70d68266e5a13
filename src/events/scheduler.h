#pragma once
// Fires schedules: for each enabled schedule of the ScheduleStore it keeps one timer for the
// next firing time T and, when it comes, enqueues an async invocation of the target through the
// AsyncSink together with the cursor "schedule:<name>" = T, in one commit. The cursor is how a
// time fires once across restarts: on start, firing resumes after max(cursor, first firing).
//
// Firings missed while kumo was down (times between the cursor and now, found at Start) follow
// the schedule's policy, or the server's default: "skip" runs none of them and moves the cursor
// to the latest missed time through `set_cursor` (no event, so not through the sink);
// "run-once" enqueues one firing, for the latest missed time. A change to a schedule (Reload)
// owes no past firings: it resumes after max(cursor, now). While running, a firing that is late
// (a slow loop) still fires, in order.
//
// An Enqueue the sink refuses for good (function deleted, payload too large: kNotFound,
// kInvalidArgument, kTooLarge) is logged and that time is skipped (the cursor moves past it);
// other failures are retried after `retry_delay_ms`, up to `max_retries` times, then skipped.
//
// Loop thread only. Owns its timers; does not own the store or the sink, which must outlive it.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "events/async_event.h"
#include "events/schedule_expression.h"
#include "store/schedule_store.h"

namespace kumo::events {

// A one-shot timer on the scheduler's loop (the server adapts net::Timer; tests use a fake).
class ScheduleTimer {
 public:
  virtual ~ScheduleTimer() = default;
  // Calls `callback` on the loop after `delay_ms` (>= 0), never from inside Start. Starting
  // again replaces the pending callback; destroying or cancelling drops it.
  virtual void Start(int64_t delay_ms, std::function<void()> callback) = 0;
  virtual void Cancel() = 0;
};

enum class MissedPolicy { kSkip, kRunOnce };
// "skip" or "run-once"; kInvalidArgument otherwise.
Result<MissedPolicy> ParseMissedPolicy(std::string_view text);

struct SchedulerOptions {
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
  MissedPolicy missed = MissedPolicy::kSkip;  // for schedules that do not say
  int64_t retry_delay_ms = 60 * 1000;
  int max_retries = 3;
};

// "arn:aws:scheduler:<region>:<account>:schedule/default/<name>".
std::string ScheduleArn(const std::string& region, const std::string& account_id,
                        const std::string& name);
// The document a schedule without Input sends: EventBridge Scheduler's "Scheduled Event"
// (source "aws.scheduler", resources [the schedule's ARN], time = the scheduled time T).
std::string ScheduledEventJson(const std::string& id, int64_t scheduled_ms,
                               const std::string& region, const std::string& account_id,
                               const std::string& schedule_name);

class Scheduler {
 public:
  using CursorReader = std::function<std::optional<std::string>(const std::string& key)>;
  using CursorWriter = std::function<void(const std::string& key, const std::string& value)>;
  using TimerFactory = std::function<std::unique_ptr<ScheduleTimer>()>;

  Scheduler(store::ScheduleStore& store, AsyncSink& sink, CursorReader cursor_reader,
            CursorWriter set_cursor, std::function<int64_t()> now_ms, TimerFactory new_timer,
            SchedulerOptions options);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Loads every schedule and arms its timer, handling missed firings by policy.
  Status Start();
  // After a schedule was created, updated or deleted in the store.
  void Reload(const std::string& name);
  // The firing time the schedule's timer waits for, if armed (tests, diagnostics).
  std::optional<int64_t> NextFiring(const std::string& name) const;

  static std::string CursorKey(const std::string& name) { return "schedule:" + name; }

 private:
  struct Entry;
  enum class ArmMode {
    kStart,     // after a restart: firings before now were missed (policy applies)
    kChange,    // the schedule changed: nothing before now is owed
    kContinue,  // after a firing: the next time after the cursor, even if already due
  };

  // `floor`: firing times up to it are done whatever the stored cursor says.
  Status Load(const store::ScheduleDefinition& def, ArmMode mode, int64_t floor);
  void Arm(Entry& entry, ArmMode mode);
  void OnTimer(const std::string& name, uint64_t epoch);
  void Fire(Entry& entry, int64_t t);
  void OnEnqueued(const std::string& name, uint64_t epoch, int64_t t, const Status& status);
  void MoveCursor(Entry& entry, int64_t t);
  Entry* Find(const std::string& name, uint64_t epoch);

  store::ScheduleStore& store_;
  AsyncSink& sink_;
  CursorReader cursor_reader_;
  CursorWriter set_cursor_;
  std::function<int64_t()> now_ms_;
  TimerFactory new_timer_;
  SchedulerOptions options_;
  std::map<std::string, std::unique_ptr<Entry>> entries_;
  uint64_t next_epoch_ = 1;
  // Cleared on destruction, so that sink completions arriving later do nothing.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace kumo::events
