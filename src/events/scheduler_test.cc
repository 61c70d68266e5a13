#include "events/scheduler.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <map>
#include <vector>

#include "common/encoding.h"

namespace kumo::events {
namespace {
namespace json = boost::json;

constexpr int64_t kMinute = 60 * 1000;
// 2026-11-26T10:00:00Z.
constexpr int64_t kTen = 1795687200000;

// Timers on a manual clock: Advance runs due callbacks in deadline order, moving the clock to
// each deadline first, as a real loop would.
class FakeTimers {
 public:
  class Timer : public ScheduleTimer {
   public:
    explicit Timer(FakeTimers* owner) : owner_(owner) {}
    ~Timer() override { owner_->timers_.erase(this); }
    void Start(int64_t delay_ms, std::function<void()> callback) override {
      owner_->timers_[this] = {owner_->now + delay_ms, std::move(callback)};
    }
    void Cancel() override { owner_->timers_.erase(this); }

   private:
    FakeTimers* owner_;
  };

  std::unique_ptr<ScheduleTimer> New() { return std::make_unique<Timer>(this); }

  // Runs every timer due by `until` (and `between` after each, e.g. completing enqueues).
  void AdvanceTo(int64_t until, const std::function<void()>& between) {
    while (true) {
      auto due = timers_.end();
      for (auto it = timers_.begin(); it != timers_.end(); ++it) {
        if (it->second.first <= until &&
            (due == timers_.end() || it->second.first < due->second.first)) {
          due = it;
        }
      }
      if (due == timers_.end()) break;
      now = std::max(now, due->second.first);
      std::function<void()> callback = std::move(due->second.second);
      timers_.erase(due);
      callback();
      between();
    }
    now = std::max(now, until);
  }

  int64_t now = 0;

 private:
  std::map<Timer*, std::pair<int64_t, std::function<void()>>> timers_;
};

// The queue store's part: events and cursors, committed together when a completion runs.
class FakeSink : public AsyncSink {
 public:
  struct Pending {
    AsyncEvent event;
    std::optional<Cursor> cursor;
    std::function<void(Status)> done;
  };
  void Enqueue(AsyncEvent event, std::optional<Cursor> cursor,
               std::function<void(Status)> done) override {
    pending.push_back({std::move(event), std::move(cursor), std::move(done)});
  }
  // Completes what was enqueued: commits it unless `failure` says otherwise.
  void Complete(std::optional<Error> failure = std::nullopt) {
    std::vector<Pending> now = std::move(pending);
    pending.clear();
    for (Pending& p : now) {
      if (failure) {
        p.done(*failure);
        continue;
      }
      committed.push_back(p.event);
      if (p.cursor) cursors[p.cursor->key] = p.cursor->value;
      p.done(Ok());
    }
  }
  std::vector<Pending> pending;
  std::vector<AsyncEvent> committed;
  std::map<std::string, std::string> cursors;
};

class SchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("scheduler-" + NewUuid());
    std::filesystem::create_directories(dir_);
    auto opened = store::ScheduleStore::Open((dir_ / "kumo.db").string());
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(opened.value());
    timers_.now = kTen + 30 * 1000;
  }
  void TearDown() override {
    scheduler_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A new Scheduler over the same store and cursors: what a restart of kumo sees.
  void StartScheduler(MissedPolicy policy = MissedPolicy::kSkip) {
    scheduler_.reset();
    SchedulerOptions options;
    options.region = "eu-west-1";
    options.account_id = "123456789012";
    options.missed = policy;
    options.retry_delay_ms = 10 * 1000;
    options.max_retries = 2;
    scheduler_ = std::make_unique<Scheduler>(
        *store_, sink_,
        [this](const std::string& key) -> std::optional<std::string> {
          auto it = sink_.cursors.find(key);
          if (it == sink_.cursors.end()) return std::nullopt;
          return it->second;
        },
        [this](const std::string& key, const std::string& value) {
          sink_.cursors[key] = value;
          ++cursor_moves_;
        },
        [this] { return timers_.now; }, [this] { return timers_.New(); }, options);
    ASSERT_TRUE(scheduler_->Start().ok());
    sink_.Complete();
  }

  void Create(const std::string& name, const std::string& expr, const std::string& missed = "",
              const std::string& state = "ENABLED") {
    store::ScheduleDefinition def;
    def.name = name;
    def.expression = expr;
    def.function_name = "fn-" + name;
    def.qualifier = "live";
    def.state = state;
    def.missed = missed;
    def.created_ms = timers_.now;
    def.modified_ms = timers_.now;
    ASSERT_TRUE(store_->Create(def).ok());
    if (scheduler_) scheduler_->Reload(name);
  }

  void AdvanceTo(int64_t t) {
    timers_.AdvanceTo(t, [this] { sink_.Complete(); });
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::ScheduleStore> store_;
  FakeTimers timers_;
  FakeSink sink_;
  std::unique_ptr<Scheduler> scheduler_;
  int cursor_moves_ = 0;
};

std::string Time(const AsyncEvent& e) {
  return json::value_to<std::string>(json::parse(e.payload).at("time"));
}

TEST_F(SchedulerTest, FiresEachTimeOnceWithTheScheduledEvent) {
  StartScheduler();
  Create("every", "cron(* * * * ? *)");
  EXPECT_EQ(scheduler_->NextFiring("every"), kTen + kMinute);
  AdvanceTo(kTen + 3 * kMinute + 30 * 1000);
  ASSERT_EQ(sink_.committed.size(), 3u);
  EXPECT_EQ(Time(sink_.committed[0]), "2026-11-26T10:01:00Z");
  EXPECT_EQ(Time(sink_.committed[1]), "2026-11-26T10:02:00Z");
  EXPECT_EQ(Time(sink_.committed[2]), "2026-11-26T10:03:00Z");
  EXPECT_EQ(sink_.cursors["schedule:every"], std::to_string(kTen + 3 * kMinute));

  const AsyncEvent& e = sink_.committed[0];
  EXPECT_EQ(e.function_name, "fn-every");
  EXPECT_EQ(e.qualifier, "live");
  EXPECT_EQ(e.source, "scheduler");
  json::object doc = json::parse(e.payload).as_object();
  EXPECT_EQ(doc.at("version"), "0");
  EXPECT_EQ(doc.at("id"), e.request_id.c_str());
  EXPECT_EQ(doc.at("detail-type"), "Scheduled Event");
  EXPECT_EQ(doc.at("source"), "aws.scheduler");
  EXPECT_EQ(doc.at("account"), "123456789012");
  EXPECT_EQ(doc.at("region"), "eu-west-1");
  EXPECT_EQ(doc.at("resources").as_array().at(0),
            "arn:aws:scheduler:eu-west-1:123456789012:schedule/default/every");
  EXPECT_TRUE(doc.at("detail").as_object().empty());
  EXPECT_EQ(scheduler_->NextFiring("every"), kTen + 4 * kMinute);
}

TEST_F(SchedulerTest, InputIsSentAsGiven) {
  StartScheduler();
  store::ScheduleDefinition def;
  def.name = "with-input";
  def.expression = "cron(* * * * ? *)";
  def.function_name = "fn";
  def.input = "{\"hello\":\"world\"}";
  def.created_ms = timers_.now;
  ASSERT_TRUE(store_->Create(def).ok());
  scheduler_->Reload("with-input");
  AdvanceTo(kTen + kMinute);
  ASSERT_EQ(sink_.committed.size(), 1u);
  EXPECT_EQ(sink_.committed[0].payload, "{\"hello\":\"world\"}");
  EXPECT_EQ(sink_.committed[0].qualifier, "");
}

TEST_F(SchedulerTest, RestartNeverRefiresADoneTime) {
  StartScheduler(MissedPolicy::kRunOnce);
  Create("every", "cron(* * * * ? *)");
  AdvanceTo(kTen + 2 * kMinute);  // fires 10:01 and 10:02, exactly on time
  ASSERT_EQ(sink_.committed.size(), 2u);
  // A restart at once, and another a little later within the same minute.
  StartScheduler(MissedPolicy::kRunOnce);
  EXPECT_EQ(sink_.committed.size(), 2u);
  EXPECT_EQ(scheduler_->NextFiring("every"), kTen + 3 * kMinute);
  timers_.now = kTen + 2 * kMinute + 40 * 1000;
  StartScheduler(MissedPolicy::kRunOnce);
  EXPECT_EQ(sink_.committed.size(), 2u);
  AdvanceTo(kTen + 3 * kMinute);
  ASSERT_EQ(sink_.committed.size(), 3u);
  EXPECT_EQ(Time(sink_.committed[2]), "2026-11-26T10:03:00Z");
}

TEST_F(SchedulerTest, RestartWhileAnEnqueueIsUncommittedFiresItAgain) {
  // At-least-once: an event whose commit did not happen before the crash is not done.
  StartScheduler();
  Create("every", "cron(* * * * ? *)");
  timers_.AdvanceTo(kTen + kMinute, [] {});  // the timer fires; the sink never completes
  ASSERT_EQ(sink_.pending.size(), 1u);
  sink_.pending.clear();  // the crash loses it
  StartScheduler(MissedPolicy::kRunOnce);
  ASSERT_EQ(sink_.committed.size(), 1u);
  EXPECT_EQ(Time(sink_.committed[0]), "2026-11-26T10:01:00Z");
}

TEST_F(SchedulerTest, MissedFiringsSkippedByDefault) {
  StartScheduler();
  Create("every", "cron(* * * * ? *)");
  AdvanceTo(kTen + 2 * kMinute);
  ASSERT_EQ(sink_.committed.size(), 2u);
  scheduler_.reset();
  timers_.now = kTen + 7 * kMinute + 30 * 1000;  // down from 10:02 to 10:07:30
  StartScheduler();
  EXPECT_EQ(sink_.committed.size(), 2u);
  EXPECT_EQ(cursor_moves_, 1);
  EXPECT_EQ(sink_.cursors["schedule:every"], std::to_string(kTen + 7 * kMinute));
  EXPECT_EQ(scheduler_->NextFiring("every"), kTen + 8 * kMinute);
  // And a further restart does not see them again.
  StartScheduler(MissedPolicy::kRunOnce);
  EXPECT_EQ(sink_.committed.size(), 2u);
}

TEST_F(SchedulerTest, MissedFiringsRunOnceForTheLatest) {
  StartScheduler();
  Create("every", "cron(* * * * ? *)", "run-once");  // the schedule overrides the default
  AdvanceTo(kTen + 2 * kMinute);
  scheduler_.reset();
  timers_.now = kTen + 7 * kMinute + 30 * 1000;
  StartScheduler(MissedPolicy::kSkip);
  ASSERT_EQ(sink_.committed.size(), 3u);
  EXPECT_EQ(Time(sink_.committed[2]), "2026-11-26T10:07:00Z");
  EXPECT_EQ(sink_.cursors["schedule:every"], std::to_string(kTen + 7 * kMinute));
  EXPECT_EQ(scheduler_->NextFiring("every"), kTen + 8 * kMinute);
  EXPECT_EQ(cursor_moves_, 0);
}

TEST_F(SchedulerTest, ServerDefaultAppliesUnlessTheScheduleSays) {
  StartScheduler();
  Create("default", "cron(* * * * ? *)");
  Create("skips", "cron(* * * * ? *)", "skip");
  AdvanceTo(kTen + kMinute);
  ASSERT_EQ(sink_.committed.size(), 2u);
  scheduler_.reset();
  timers_.now = kTen + 5 * kMinute + 1;
  StartScheduler(MissedPolicy::kRunOnce);
  ASSERT_EQ(sink_.committed.size(), 3u);
  EXPECT_EQ(sink_.committed[2].function_name, "fn-default");
  EXPECT_EQ(Time(sink_.committed[2]), "2026-11-26T10:05:00Z");
  EXPECT_EQ(sink_.cursors["schedule:skips"], std::to_string(kTen + 5 * kMinute));
}

TEST_F(SchedulerTest, DisabledSchedulesDoNotFireUntilEnabled) {
  StartScheduler();
  Create("off", "cron(* * * * ? *)", "", "DISABLED");
  EXPECT_FALSE(scheduler_->NextFiring("off").has_value());
  AdvanceTo(kTen + 5 * kMinute + 30 * 1000);
  EXPECT_TRUE(sink_.committed.empty());

  auto def = store_->Get("off");
  ASSERT_TRUE(def.ok());
  def->state = "ENABLED";
  ASSERT_TRUE(store_->Update(*def).ok());
  scheduler_->Reload("off");
  // Enabling owes nothing from before: the next minute, not the five that passed.
  EXPECT_EQ(scheduler_->NextFiring("off"), kTen + 6 * kMinute);
  AdvanceTo(kTen + 6 * kMinute);
  ASSERT_EQ(sink_.committed.size(), 1u);
}

TEST_F(SchedulerTest, UpdateReschedulesAndDeleteStops) {
  StartScheduler();
  Create("s", "cron(* * * * ? *)");
  AdvanceTo(kTen + kMinute);
  ASSERT_EQ(sink_.committed.size(), 1u);

  auto def = store_->Get("s");
  ASSERT_TRUE(def.ok());
  def->expression = "cron(0/15 * * * ? *)";
  ASSERT_TRUE(store_->Update(*def).ok());
  scheduler_->Reload("s");
  EXPECT_EQ(scheduler_->NextFiring("s"), kTen + 15 * kMinute);
  AdvanceTo(kTen + 15 * kMinute);
  ASSERT_EQ(sink_.committed.size(), 2u);

  ASSERT_TRUE(store_->Delete("s").ok());
  scheduler_->Reload("s");
  EXPECT_FALSE(scheduler_->NextFiring("s").has_value());
  AdvanceTo(kTen + 60 * kMinute);
  EXPECT_EQ(sink_.committed.size(), 2u);
}

TEST_F(SchedulerTest, ChangeWhileEnqueueInFlightDoesNotDoubleFire) {
  StartScheduler();
  Create("s", "cron(* * * * ? *)");
  timers_.AdvanceTo(kTen + kMinute, [] {});
  ASSERT_EQ(sink_.pending.size(), 1u);
  auto def = store_->Get("s");
  def->description = "changed";
  ASSERT_TRUE(store_->Update(*def).ok());
  scheduler_->Reload("s");  // before the sink committed 10:01
  sink_.Complete();
  AdvanceTo(kTen + 2 * kMinute);
  ASSERT_EQ(sink_.committed.size(), 2u);
  EXPECT_EQ(Time(sink_.committed[0]), "2026-11-26T10:01:00Z");
  EXPECT_EQ(Time(sink_.committed[1]), "2026-11-26T10:02:00Z");
}

TEST_F(SchedulerTest, RefusedEnqueueIsDroppedAndTheNextTimeFires) {
  StartScheduler();
  Create("s", "cron(* * * * ? *)");
  timers_.AdvanceTo(kTen + kMinute, [] {});
  sink_.Complete(MakeError(ErrorCode::kNotFound, "Function not found: fn-s"));
  EXPECT_TRUE(sink_.committed.empty());
  EXPECT_EQ(sink_.cursors["schedule:s"], std::to_string(kTen + kMinute));
  EXPECT_EQ(scheduler_->NextFiring("s"), kTen + 2 * kMinute);
  AdvanceTo(kTen + 2 * kMinute);
  ASSERT_EQ(sink_.committed.size(), 1u);
  EXPECT_EQ(Time(sink_.committed[0]), "2026-11-26T10:02:00Z");
}

TEST_F(SchedulerTest, TemporaryFailureIsRetriedThenDropped) {
  StartScheduler();
  Create("s", "cron(0 * * * ? *)");  // hourly: retries come well before the next time
  timers_.AdvanceTo(kTen + 60 * kMinute, [] {});
  sink_.Complete(MakeError(ErrorCode::kUnavailable, "busy"));
  timers_.AdvanceTo(kTen + 60 * kMinute + 10 * 1000, [] {});  // retry 1
  ASSERT_EQ(sink_.pending.size(), 1u);
  sink_.Complete();
  ASSERT_EQ(sink_.committed.size(), 1u);
  EXPECT_EQ(Time(sink_.committed[0]), "2026-11-26T11:00:00Z");

  timers_.AdvanceTo(kTen + 120 * kMinute, [] {});
  for (int attempt = 0; attempt < 3; ++attempt) {  // the first try and max_retries (2) retries
    ASSERT_EQ(sink_.pending.size(), 1u) << attempt;
    sink_.Complete(MakeError(ErrorCode::kUnavailable, "busy"));
    timers_.AdvanceTo(timers_.now + 10 * 1000, [] {});
  }
  EXPECT_TRUE(sink_.pending.empty());
  EXPECT_EQ(sink_.committed.size(), 1u);
  EXPECT_EQ(sink_.cursors["schedule:s"], std::to_string(kTen + 120 * kMinute));
  EXPECT_EQ(scheduler_->NextFiring("s"), kTen + 180 * kMinute);
}

TEST_F(SchedulerTest, RateStartsAtCreationAndEndDateStops) {
  StartScheduler();
  store::ScheduleDefinition def;
  def.name = "rate";
  def.expression = "rate(5 minutes)";
  def.function_name = "fn";
  def.created_ms = timers_.now;
  def.end_ms = timers_.now + 12 * kMinute;
  ASSERT_TRUE(store_->Create(def).ok());
  scheduler_->Reload("rate");
  AdvanceTo(timers_.now + 60 * kMinute);
  ASSERT_EQ(sink_.committed.size(), 3u);  // at creation, +5 and +10 minutes
  EXPECT_EQ(Time(sink_.committed[0]), "2026-11-26T10:00:30Z");
  EXPECT_EQ(Time(sink_.committed[2]), "2026-11-26T10:10:30Z");
  EXPECT_FALSE(scheduler_->NextFiring("rate").has_value());
}

TEST_F(SchedulerTest, ABrokenScheduleDoesNotStopTheOthers) {
  Create("broken", "cron(0 10 * * ? *)");
  auto def = store_->Get("broken");
  def->timezone = "Mars/Base";
  ASSERT_TRUE(store_->Update(*def).ok());
  Create("fine", "cron(* * * * ? *)");
  StartScheduler();
  EXPECT_FALSE(scheduler_->NextFiring("broken").has_value());
  EXPECT_EQ(scheduler_->NextFiring("fine"), kTen + kMinute);
}

TEST(MissedPolicyTest, Parses) {
  EXPECT_EQ(*ParseMissedPolicy("skip"), MissedPolicy::kSkip);
  EXPECT_EQ(*ParseMissedPolicy("run-once"), MissedPolicy::kRunOnce);
  auto bad = ParseMissedPolicy("all");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "missed firings policy must be 'skip' or 'run-once', not 'all'");
}

}  // namespace
}  // namespace kumo::events
