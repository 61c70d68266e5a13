#pragma once
// EventBridge Scheduler's schedule expressions: rate(value unit), cron(six fields) and
// at(yyyy-mm-ddThh:mm:ss), evaluated in an IANA time zone read from the system's zoneinfo.
// Pure and immutable once parsed: any thread may call any method.
//
// Daylight saving time follows EventBridge Scheduler's documented behaviour: a cron firing
// whose local time does not exist (clocks jump forward over it) is skipped, and one whose local
// time occurs twice (clocks go back) fires once, at the first occurrence. rate() periods are
// fixed durations (a day is 24 hours), so they ignore the time zone. An at() time that does not
// exist fires at the instant the clocks jumped (it would otherwise never fire).

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace date {
class time_zone;
}

namespace kumo::events {

// One parsed cron field of day-of-month or day-of-week with its special forms.
struct CronDaySpec {
  bool any = false;           // '?': the other day field decides
  std::bitset<32> values;     // day-of-month 1..31, or day-of-week 1..7 (1 = SUN)
  bool last = false;          // dom "L" (with last_offset: "L-n"); dow "nL": last weekday n
  int last_offset = 0;        // dom "L-n": n days before the last day
  bool last_weekday = false;  // dom "LW": the last weekday (MON-FRI) of the month
  int nearest_weekday = 0;    // dom "nW": the weekday nearest day n, within the month
  int nth = 0;                // dow "d#n": the n-th weekday d of the month (d in values)
  int last_dow = 0;           // dow "dL": the last weekday d of the month
};

struct CronSpec {
  std::bitset<60> minutes;
  std::bitset<24> hours;
  CronDaySpec day_of_month;
  std::bitset<13> months;  // 1..12
  CronDaySpec day_of_week;
  std::bitset<230> years;  // 1970..2199, bit (year - 1970)
};

class ScheduleExpression {
 public:
  enum class Kind { kRate, kCron, kAt };

  // Parses `expr` to be evaluated in `time_zone` (an IANA name; empty means UTC). `anchor_ms`
  // is where rate() counts its periods from (the schedule's start or creation time). Errors are
  // kInvalidArgument naming the part that is wrong, e.g. "cron: day-of-week: '8' is out of
  // range 1-7".
  static Result<ScheduleExpression> Parse(std::string_view expr, std::string_view time_zone,
                                          int64_t anchor_ms = 0);

  // The first firing strictly after `epoch_ms` (UTC epoch milliseconds), or nullopt when there
  // is none (an at() in the past, a cron whose years are over).
  std::optional<int64_t> NextAfter(int64_t epoch_ms) const;

  Kind kind() const { return kind_; }
  const std::string& text() const { return text_; }
  const std::string& time_zone() const { return time_zone_name_; }
  int64_t rate_period_ms() const { return rate_period_ms_; }

 private:
  ScheduleExpression() = default;
  std::optional<int64_t> NextCron(int64_t epoch_ms) const;
  // The UTC instant of a local time in seconds since the local epoch; nullopt when the local
  // time does not exist; the earlier instant when it occurs twice.
  std::optional<int64_t> LocalToUtcSeconds(int64_t local_s) const;
  int64_t UtcToLocalSeconds(int64_t utc_s) const;

  Kind kind_ = Kind::kCron;
  std::string text_;
  std::string time_zone_name_;
  const date::time_zone* zone_ = nullptr;  // null: UTC; zones live as long as the process
  int64_t anchor_ms_ = 0;
  int64_t rate_period_ms_ = 0;
  int64_t at_local_s_ = 0;
  CronSpec cron_;
};

// Parses just the cron(...) fields (exposed for the fuzzer and the tests).
Result<CronSpec> ParseCronFields(std::string_view fields);

}  // namespace kumo::events
