#include "events/schedule_expression.h"

#include <date/date.h>
#include <date/tz.h>

#include <cctype>
#include <charconv>
#include <chrono>
#include <exception>
#include <vector>

namespace kumo::events {
namespace {

constexpr int64_t kMinuteMs = 60 * 1000;
constexpr int kFirstYear = 1970;
constexpr int kLastYear = 2199;

Error Invalid(std::string message) { return MakeError(ErrorCode::kInvalidArgument, std::move(message)); }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    size_t at = s.find(sep);
    out.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return out;
    s.remove_prefix(at + 1);
  }
}

std::vector<std::string_view> SplitSpaces(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    size_t start = i;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

// A whole non-negative decimal number (no sign, no spaces), or nullopt.
std::optional<int> Number(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

struct FieldInfo {
  const char* name;
  int min;
  int max;
  const char* const* names;  // names[i] is value min + i; null when the field has none
  bool cyclic;               // ranges may wrap around (22-2 in hours); years do not
  int bit_offset;            // value v is bit (v - bit_offset) of the field's bitset
};

constexpr const char* kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                       "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr const char* kDayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

constexpr FieldInfo kMinutes{"minutes", 0, 59, nullptr, true, 0};
constexpr FieldInfo kHours{"hours", 0, 23, nullptr, true, 0};
constexpr FieldInfo kDayOfMonth{"day-of-month", 1, 31, nullptr, true, 0};
constexpr FieldInfo kMonth{"month", 1, 12, kMonthNames, true, 0};
constexpr FieldInfo kDayOfWeek{"day-of-week", 1, 7, kDayNames, true, 0};
constexpr FieldInfo kYear{"year", kFirstYear, kLastYear, nullptr, false, kFirstYear};

Error FieldError(const FieldInfo& f, const std::string& detail) {
  return Invalid(std::string("cron: ") + f.name + ": " + detail);
}

std::string RangeText(const FieldInfo& f) {
  std::string r = std::to_string(f.min) + "-" + std::to_string(f.max);
  if (f.names != nullptr) r += " or " + std::string(f.names[0]) + "-" + f.names[f.max - f.min];
  return r;
}

Result<int> ParseValue(const FieldInfo& f, std::string_view token) {
  if (std::optional<int> n = Number(token)) {
    if (*n < f.min || *n > f.max) {
      return FieldError(f, "'" + std::string(token) + "' is out of range " + RangeText(f));
    }
    return *n;
  }
  if (f.names != nullptr) {
    std::string up = Upper(token);
    for (int i = 0; i <= f.max - f.min; ++i) {
      if (up == f.names[i]) return f.min + i;
    }
  }
  return FieldError(f, "'" + std::string(token) + "' is not a value (" + RangeText(f) + ")");
}

// One item of a list: "*", "a", "a-b", with an optional "/step". Sets its values in `bits`.
template <size_t N>
Status ParseItem(const FieldInfo& f, std::string_view item, std::bitset<N>& bits) {
  if (item.empty()) return FieldError(f, "empty value in a list");
  std::vector<std::string_view> slash = Split(item, '/');
  if (slash.size() > 2) return FieldError(f, "'" + std::string(item) + "' has more than one '/'");
  int step = 1;
  if (slash.size() == 2) {
    std::optional<int> s = Number(slash[1]);
    if (!s || *s < 1) {
      return FieldError(f, "'" + std::string(item) + "': the increment after '/' must be a "
                           "positive integer");
    }
    step = *s;
  }
  std::string_view base = slash[0];
  int from = f.min;
  int to = f.max;
  if (base == "?") return FieldError(f, "'?' is only allowed alone in day-of-month or day-of-week");
  if (base != "*") {
    std::vector<std::string_view> dash = Split(base, '-');
    if (dash.size() > 2) return FieldError(f, "'" + std::string(item) + "' is not a range");
    KUMO_ASSIGN_OR_RETURN(from, ParseValue(f, dash[0]));
    if (dash.size() == 2) {
      KUMO_ASSIGN_OR_RETURN(to, ParseValue(f, dash[1]));
      if (to < from && !f.cyclic) {
        return FieldError(f, "range '" + std::string(base) + "' ends before it starts");
      }
    } else if (slash.size() == 1) {
      to = from;
    }
  }
  int span = f.max - f.min + 1;
  int count = (to - from + span) % span + 1;  // positions from..to, wrapping in cyclic fields
  for (int i = 0; i < count; i += step) {
    int v = f.min + (from - f.min + i) % span;
    bits.set(static_cast<size_t>(v - f.bit_offset));
  }
  return Ok();
}

template <size_t N>
Status ParseList(const FieldInfo& f, std::string_view field, std::bitset<N>& bits) {
  for (std::string_view item : Split(field, ',')) {
    KUMO_RETURN_IF_ERROR(ParseItem(f, item, bits));
  }
  return Ok();
}

Error SpecialAlone(const FieldInfo& f, std::string_view field, const char* forms) {
  std::string detail = "'";
  detail.append(field).append("': ").append(forms).append(" must be the field's only value");
  return FieldError(f, detail);
}

Result<CronDaySpec> ParseDayOfMonth(std::string_view field) {
  CronDaySpec spec;
  if (field == "?") {
    spec.any = true;
    return spec;
  }
  std::string up = Upper(field);
  bool special = up.find_first_of("LW") != std::string::npos;
  if (!special) {
    KUMO_RETURN_IF_ERROR(ParseList(kDayOfMonth, field, spec.values));
    return spec;
  }
  if (up.find_first_of(",/") != std::string::npos) {
    return SpecialAlone(kDayOfMonth, field, "L, L-n, LW and nW");
  }
  if (up == "L") {
    spec.last = true;
  } else if (up == "LW") {
    spec.last_weekday = true;
  } else if (up.size() > 2 && up.compare(0, 2, "L-") == 0) {
    std::optional<int> n = Number(std::string_view(up).substr(2));
    if (!n || *n > 30) return FieldError(kDayOfMonth, "'" + up + "': n in L-n must be 0-30");
    spec.last = true;
    spec.last_offset = *n;
  } else if (up.back() == 'W') {
    KUMO_ASSIGN_OR_RETURN(spec.nearest_weekday,
                          ParseValue(kDayOfMonth, std::string_view(up).substr(0, up.size() - 1)));
  } else {
    return FieldError(kDayOfMonth, "'" + std::string(field) + "' is not a value; L and W are "
                                   "used as L, L-n, LW or nW");
  }
  return spec;
}

Result<CronDaySpec> ParseDayOfWeek(std::string_view field) {
  CronDaySpec spec;
  if (field == "?") {
    spec.any = true;
    return spec;
  }
  std::string up = Upper(field);
  if (up.find('#') != std::string::npos) {
    if (up.find_first_of(",-/") != std::string::npos) {
      return FieldError(kDayOfWeek, "'" + std::string(field) +
                                        "': with '#' the field holds only one expression");
    }
    std::vector<std::string_view> parts = Split(up, '#');
    if (parts.size() != 2) return FieldError(kDayOfWeek, "'" + up + "' is not day#n");
    KUMO_ASSIGN_OR_RETURN(int day, ParseValue(kDayOfWeek, parts[0]));
    std::optional<int> n = Number(parts[1]);
    if (!n || *n < 1 || *n > 5) {
      return FieldError(kDayOfWeek, "'" + up + "': n in day#n must be 1-5");
    }
    spec.values.set(static_cast<size_t>(day));
    spec.nth = *n;
    return spec;
  }
  // "L" alone is the last day of the week (SAT); "dL" (and "SUNL"...) the last day d of a month.
  if (up == "L") {
    spec.values.set(7);
    return spec;
  }
  if (up.size() > 1 && up.back() == 'L') {
    if (up.find_first_of(",-/") != std::string::npos) {
      return SpecialAlone(kDayOfWeek, field, "dL");
    }
    KUMO_ASSIGN_OR_RETURN(spec.last_dow,
                          ParseValue(kDayOfWeek, std::string_view(up).substr(0, up.size() - 1)));
    return spec;
  }
  KUMO_RETURN_IF_ERROR(ParseList(kDayOfWeek, field, spec.values));
  return spec;
}

int DaysInMonth(int y, int m) {
  return static_cast<int>(
      static_cast<unsigned>((date::year(y) / date::month(m) / date::last).day()));
}

// 1 = SUN ... 7 = SAT, as cron writes them.
int Weekday(int y, int m, int d) {
  date::sys_days day{date::year(y) / date::month(m) / date::day(d)};
  return static_cast<int>(date::weekday(day).c_encoding()) + 1;
}

bool DayOfMonthMatches(const CronDaySpec& s, int y, int m, int d, int last) {
  if (s.last) return d == last - s.last_offset;
  if (s.last_weekday) {
    int wd = Weekday(y, m, last);
    int target = wd == 7 ? last - 1 : wd == 1 ? last - 2 : last;
    return d == target;
  }
  if (s.nearest_weekday != 0) {
    int n = s.nearest_weekday;
    if (n > last) return false;
    int wd = Weekday(y, m, n);
    // Never crosses into another month: 1W on a Saturday is Monday the 3rd.
    int target = n;
    if (wd == 7) target = n == 1 ? n + 2 : n - 1;
    if (wd == 1) target = n == last ? n - 2 : n + 1;
    return d == target;
  }
  return s.values.test(static_cast<size_t>(d));
}

bool DayOfWeekMatches(const CronDaySpec& s, int y, int m, int d, int last) {
  int wd = Weekday(y, m, d);
  if (s.last_dow != 0) return wd == s.last_dow && d + 7 > last;
  if (s.nth != 0) return s.values.test(static_cast<size_t>(wd)) && (d - 1) / 7 + 1 == s.nth;
  return s.values.test(static_cast<size_t>(wd));
}

bool DayMatches(const CronSpec& c, int y, int m, int d, int last) {
  if (c.day_of_week.any) return DayOfMonthMatches(c.day_of_month, y, m, d, last);
  return DayOfWeekMatches(c.day_of_week, y, m, d, last);
}

int64_t CalendarSeconds(int y, int m, int d, int h, int mi, int s = 0) {
  date::sys_days day{date::year(y) / date::month(m) / date::day(d)};
  return day.time_since_epoch().count() * 86400LL + h * 3600LL + mi * 60LL + s;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// The first local minute at or after `from_s` (local seconds, minute-aligned) matching `c`.
std::optional<int64_t> NextLocalMatch(const CronSpec& c, int64_t from_s) {
  date::sys_days days{date::days(FloorDiv(from_s, 86400))};
  date::year_month_day ymd(days);
  int64_t in_day = from_s - FloorDiv(from_s, 86400) * 86400;
  int y = static_cast<int>(ymd.year());
  int mo = static_cast<int>(static_cast<unsigned>(ymd.month()));
  int d = static_cast<int>(static_cast<unsigned>(ymd.day()));
  int h = static_cast<int>(in_day / 3600);
  int mi = static_cast<int>(in_day % 3600 / 60);
  if (y < kFirstYear) {
    y = kFirstYear;
    mo = d = 1;
    h = mi = 0;
  }
  for (; y <= kLastYear; ++y, mo = 1, d = 1, h = 0, mi = 0) {
    if (!c.years.test(static_cast<size_t>(y - kFirstYear))) continue;
    for (; mo <= 12; ++mo, d = 1, h = 0, mi = 0) {
      if (!c.months.test(static_cast<size_t>(mo))) continue;
      int last = DaysInMonth(y, mo);
      for (; d <= last; ++d, h = 0, mi = 0) {
        if (!DayMatches(c, y, mo, d, last)) continue;
        for (; h < 24; ++h, mi = 0) {
          if (!c.hours.test(static_cast<size_t>(h))) continue;
          for (; mi < 60; ++mi) {
            if (c.minutes.test(static_cast<size_t>(mi))) return CalendarSeconds(y, mo, d, h, mi);
          }
        }
      }
    }
  }
  return std::nullopt;
}

Result<int64_t> ParseRatePeriod(std::string_view inner) {
  std::vector<std::string_view> parts = SplitSpaces(inner);
  if (parts.size() != 2) return Invalid("rate: expected rate(value unit), e.g. rate(5 minutes)");
  std::optional<int> value = Number(parts[0]);
  if (!value || *value < 1) {
    return Invalid("rate: value '" + std::string(parts[0]) + "' must be a positive integer");
  }
  std::string_view unit = parts[1];
  bool plural = unit.size() > 1 && unit.back() == 's';
  std::string_view singular = plural ? unit.substr(0, unit.size() - 1) : unit;
  int64_t unit_ms = 0;
  if (singular == "minute") unit_ms = kMinuteMs;
  if (singular == "hour") unit_ms = 60 * kMinuteMs;
  if (singular == "day") unit_ms = 24 * 60 * kMinuteMs;
  if (unit_ms == 0) return Invalid("rate: unit must be minute(s), hour(s) or day(s)");
  if (*value == 1 && plural) {
    return Invalid("rate: a value of 1 takes the singular unit (rate(1 " + std::string(singular) +
                   "))");
  }
  if (*value > 1 && !plural) {
    return Invalid("rate: a value above 1 takes the plural unit (" + std::string(singular) + "s)");
  }
  return *value * unit_ms;
}

Result<int64_t> ParseAtLocal(std::string_view inner) {
  std::string_view s = Trim(inner);
  const char* kShape = "at: expected at(yyyy-mm-ddThh:mm:ss)";
  if (s.size() != 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':') {
    return Invalid(kShape);
  }
  std::optional<int> y = Number(s.substr(0, 4)), mo = Number(s.substr(5, 2)),
                     d = Number(s.substr(8, 2)), h = Number(s.substr(11, 2)),
                     mi = Number(s.substr(14, 2)), sec = Number(s.substr(17, 2));
  if (!y || !mo || !d || !h || !mi || !sec) return Invalid(kShape);
  if (*y < kFirstYear || *y > kLastYear || *mo < 1 || *mo > 12 || *d < 1 ||
      *d > DaysInMonth(*y, *mo) || *h > 23 || *mi > 59 || *sec > 59) {
    return Invalid("at: '" + std::string(s) + "' is not a valid date and time");
  }
  return CalendarSeconds(*y, *mo, *d, *h, *mi, *sec);
}

}  // namespace

Result<CronSpec> ParseCronFields(std::string_view fields) {
  std::vector<std::string_view> f = SplitSpaces(fields);
  if (f.size() != 6) {
    return Invalid("cron: expected 6 fields (minutes hours day-of-month month day-of-week year), "
                   "got " + std::to_string(f.size()));
  }
  CronSpec c;
  KUMO_RETURN_IF_ERROR(ParseList(kMinutes, f[0], c.minutes));
  KUMO_RETURN_IF_ERROR(ParseList(kHours, f[1], c.hours));
  KUMO_ASSIGN_OR_RETURN(c.day_of_month, ParseDayOfMonth(f[2]));
  KUMO_RETURN_IF_ERROR(ParseList(kMonth, f[3], c.months));
  KUMO_ASSIGN_OR_RETURN(c.day_of_week, ParseDayOfWeek(f[4]));
  KUMO_RETURN_IF_ERROR(ParseList(kYear, f[5], c.years));
  if (c.day_of_month.any == c.day_of_week.any) {
    return Invalid(c.day_of_month.any
                       ? "cron: day-of-month and day-of-week: only one of them may be '?'"
                       : "cron: day-of-month and day-of-week: one of them must be '?'");
  }
  return c;
}

Result<ScheduleExpression> ScheduleExpression::Parse(std::string_view expr,
                                                     std::string_view time_zone,
                                                     int64_t anchor_ms) {
  ScheduleExpression out;
  out.text_ = std::string(expr);
  out.anchor_ms_ = anchor_ms;
  std::string_view e = Trim(expr);
  size_t open = e.find('(');
  if (open == std::string_view::npos || e.back() != ')') {
    return Invalid("schedule expression must be rate(value unit), cron(fields) or "
                   "at(yyyy-mm-ddThh:mm:ss)");
  }
  std::string_view head = Trim(e.substr(0, open));
  std::string_view inner = e.substr(open + 1, e.size() - open - 2);
  if (head == "rate") {
    out.kind_ = Kind::kRate;
    KUMO_ASSIGN_OR_RETURN(out.rate_period_ms_, ParseRatePeriod(inner));
  } else if (head == "cron") {
    out.kind_ = Kind::kCron;
    KUMO_ASSIGN_OR_RETURN(out.cron_, ParseCronFields(inner));
  } else if (head == "at") {
    out.kind_ = Kind::kAt;
    KUMO_ASSIGN_OR_RETURN(out.at_local_s_, ParseAtLocal(inner));
  } else {
    return Invalid("schedule expression must be rate(value unit), cron(fields) or "
                   "at(yyyy-mm-ddThh:mm:ss)");
  }
  out.time_zone_name_ = std::string(time_zone);
  if (!time_zone.empty() && time_zone != "UTC") {
    try {
      out.zone_ = date::locate_zone(time_zone);
    } catch (const std::exception&) {
      return Invalid("unknown time zone '" + std::string(time_zone) + "'");
    }
  }
  return out;
}

int64_t ScheduleExpression::UtcToLocalSeconds(int64_t utc_s) const {
  if (zone_ == nullptr) return utc_s;
  date::sys_seconds t{std::chrono::seconds(utc_s)};
  return zone_->to_local(t).time_since_epoch().count();
}

std::optional<int64_t> ScheduleExpression::LocalToUtcSeconds(int64_t local_s) const {
  if (zone_ == nullptr) return local_s;
  date::local_seconds t{std::chrono::seconds(local_s)};
  date::local_info info = zone_->get_info(t);
  if (info.result == date::local_info::nonexistent) return std::nullopt;
  // unique or ambiguous: `first` is the offset in force at the earlier instant.
  return local_s - info.first.offset.count();
}

std::optional<int64_t> ScheduleExpression::NextCron(int64_t epoch_ms) const {
  int64_t local = UtcToLocalSeconds(FloorDiv(epoch_ms, 1000));
  int64_t from = FloorDiv(local, 60) * 60;
  // Each round either returns or moves past one local minute that is skipped (it does not
  // exist) or fired at or before epoch_ms (the repeated hour of a fall-back day): at most a
  // few dozen rounds.
  while (true) {
    std::optional<int64_t> match = NextLocalMatch(cron_, from);
    if (!match) return std::nullopt;
    std::optional<int64_t> utc = LocalToUtcSeconds(*match);
    if (utc && *utc * 1000 > epoch_ms) return *utc * 1000;
    from = *match + 60;
  }
}

std::optional<int64_t> ScheduleExpression::NextAfter(int64_t epoch_ms) const {
  switch (kind_) {
    case Kind::kRate: {
      if (epoch_ms < anchor_ms_) return anchor_ms_;
      int64_t k = (epoch_ms - anchor_ms_) / rate_period_ms_ + 1;
      return anchor_ms_ + k * rate_period_ms_;
    }
    case Kind::kCron:
      return NextCron(epoch_ms);
    case Kind::kAt: {
      int64_t utc_s;
      if (std::optional<int64_t> u = LocalToUtcSeconds(at_local_s_)) {
        utc_s = *u;
      } else {
        date::local_seconds t{std::chrono::seconds(at_local_s_)};
        utc_s = zone_->get_info(t).second.begin.time_since_epoch().count();
      }
      if (utc_s * 1000 > epoch_ms) return utc_s * 1000;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace kumo::events
