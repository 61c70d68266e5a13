#include "events/schedule_expression.h"

#include <date/date.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <vector>

namespace kumo::events {
namespace {

// "2026-11-26T10:00:00Z" or "...:00.250Z" as epoch milliseconds (UTC).
int64_t Ms(const std::string& iso) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
  int n = std::sscanf(iso.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &y, &mo, &d, &h, &mi, &s, &ms);
  EXPECT_GE(n, 6) << iso;
  date::sys_days day{date::year(y) / date::month(mo) / date::day(d)};
  return (day.time_since_epoch().count() * 86400LL + h * 3600 + mi * 60 + s) * 1000 + ms;
}

std::string Iso(int64_t ms) {
  return date::format("%FT%TZ", date::sys_time<std::chrono::milliseconds>(
                                    std::chrono::milliseconds(ms)));
}

struct Case {
  const char* expr;
  const char* zone;
  const char* start;
  std::vector<const char*> next;  // the next three firings, in UTC
  const char* anchor = "1970-01-01T00:00:00Z";
};

// Firing times worked out by hand from a calendar (weekdays and zone offsets checked with
// Python's calendar and zoneinfo), not by running this code.
const std::vector<Case>& Cases() {
  static const std::vector<Case> cases = {
      // EventBridge's documented examples.
      {"cron(0 10 * * ? *)", "", "2026-11-26T03:00:00Z",
       {"2026-11-26T10:00:00Z", "2026-11-27T10:00:00Z", "2026-11-28T10:00:00Z"}},
      {"cron(15 12 * * ? *)", "", "2026-11-26T12:15:00Z",  // strictly after: not 12:15 itself
       {"2026-11-27T12:15:00Z", "2026-11-28T12:15:00Z", "2026-11-29T12:15:00Z"}},
      {"cron(0 18 ? * MON-FRI *)", "", "2026-11-26T19:00:00Z",  // a Thursday evening
       {"2026-11-27T18:00:00Z", "2026-11-30T18:00:00Z", "2026-12-01T18:00:00Z"}},
      {"cron(0 8 1 * ? *)", "", "2026-11-26T00:00:00Z",
       {"2026-12-01T08:00:00Z", "2027-01-01T08:00:00Z", "2027-02-01T08:00:00Z"}},
      {"cron(0/15 * * * ? *)", "", "2026-11-26T03:07:30Z",
       {"2026-11-26T03:15:00Z", "2026-11-26T03:30:00Z", "2026-11-26T03:45:00Z"}},
      {"cron(0/10 * ? * MON-FRI *)", "", "2026-11-27T23:55:00Z",  // Friday night
       {"2026-11-30T00:00:00Z", "2026-11-30T00:10:00Z", "2026-11-30T00:20:00Z"}},
      {"cron(0/5 8-17 ? * MON-FRI *)", "", "2026-11-27T17:52:00Z",
       {"2026-11-27T17:55:00Z", "2026-11-30T08:00:00Z", "2026-11-30T08:05:00Z"}},
      {"cron(0 9 ? * 2#1 *)", "", "2026-11-26T00:00:00Z",  // first Monday
       {"2026-12-07T09:00:00Z", "2027-01-04T09:00:00Z", "2027-02-01T09:00:00Z"}},
      {"cron(15 10 ? * 6L 2019-2022)", "", "2022-10-01T00:00:00Z",  // last Friday
       {"2022-10-28T10:15:00Z", "2022-11-25T10:15:00Z", "2022-12-30T10:15:00Z"}},
      {"cron(0 12 * * ? *)", "", "2026-11-26T11:59:59.999Z",
       {"2026-11-26T12:00:00Z", "2026-11-27T12:00:00Z", "2026-11-28T12:00:00Z"}},
      // L, W, LW, #, names, lists, ranges, increments, years.
      {"cron(0 0 L * ? *)", "", "2027-01-31T00:00:00Z",
       {"2027-02-28T00:00:00Z", "2027-03-31T00:00:00Z", "2027-04-30T00:00:00Z"}},
      {"cron(0 0 L * ? 2028)", "", "2026-01-15T00:00:00Z",
       {"2028-01-31T00:00:00Z", "2028-02-29T00:00:00Z", "2028-03-31T00:00:00Z"}},
      {"cron(0 12 L-2 * ? *)", "", "2027-01-01T00:00:00Z",
       {"2027-01-29T12:00:00Z", "2027-02-26T12:00:00Z", "2027-03-29T12:00:00Z"}},
      {"cron(0 12 15W * ? *)", "", "2027-05-01T00:00:00Z",  // May 15 is a Saturday
       {"2027-05-14T12:00:00Z", "2027-06-15T12:00:00Z", "2027-07-15T12:00:00Z"}},
      {"cron(0 12 1W * ? *)", "", "2027-04-30T00:00:00Z",  // May 1 is a Saturday
       {"2027-05-03T12:00:00Z", "2027-06-01T12:00:00Z", "2027-07-01T12:00:00Z"}},
      {"cron(0 12 31W * ? *)", "", "2027-10-01T00:00:00Z",  // Oct 31 is a Sunday
       {"2027-10-29T12:00:00Z", "2027-12-31T12:00:00Z", "2028-01-31T12:00:00Z"}},
      {"cron(0 12 LW * ? *)", "", "2027-07-01T00:00:00Z",  // July 31 is a Saturday
       {"2027-07-30T12:00:00Z", "2027-08-31T12:00:00Z", "2027-09-30T12:00:00Z"}},
      {"cron(0 0 ? * L *)", "", "2026-11-26T00:00:00Z",  // L alone: Saturday
       {"2026-11-28T00:00:00Z", "2026-12-05T00:00:00Z", "2026-12-12T00:00:00Z"}},
      {"cron(0 8 ? * 3#5 *)", "", "2026-11-26T00:00:00Z",  // fifth Tuesday
       {"2026-12-29T08:00:00Z", "2027-03-30T08:00:00Z", "2027-06-29T08:00:00Z"}},
      {"cron(0 12 * JAN,JUL ? *)", "", "2027-01-31T12:00:00Z",
       {"2027-07-01T12:00:00Z", "2027-07-02T12:00:00Z", "2027-07-03T12:00:00Z"}},
      {"cron(30 9 ? * SUN,SAT *)", "", "2026-11-26T00:00:00Z",
       {"2026-11-28T09:30:00Z", "2026-11-29T09:30:00Z", "2026-12-05T09:30:00Z"}},
      {"cron(0 10 ? * 1/2 *)", "", "2026-11-26T10:00:00Z",  // SUN, TUE, THU, SAT
       {"2026-11-28T10:00:00Z", "2026-11-29T10:00:00Z", "2026-12-01T10:00:00Z"}},
      {"cron(0 0 29 2 ? *)", "", "2026-01-01T00:00:00Z",
       {"2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z", "2036-02-29T00:00:00Z"}},
      {"cron(*/20 * * * ? *)", "", "2026-11-26T03:40:00Z",
       {"2026-11-26T04:00:00Z", "2026-11-26T04:20:00Z", "2026-11-26T04:40:00Z"}},
      {"cron(5,35 14 * * ? *)", "", "2026-11-26T14:05:00Z",
       {"2026-11-26T14:35:00Z", "2026-11-27T14:05:00Z", "2026-11-27T14:35:00Z"}},
      {"cron(10-20/5 3 * * ? *)", "", "2026-11-26T00:00:00Z",
       {"2026-11-26T03:10:00Z", "2026-11-26T03:15:00Z", "2026-11-26T03:20:00Z"}},
      {"cron(0 0 1 1 ? 2027-2029)", "", "2026-06-01T00:00:00Z",
       {"2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z", "2029-01-01T00:00:00Z"}},
      {"cron(0 8 ? * mon *)", "", "2026-11-26T00:00:00Z",  // names in any case
       {"2026-11-30T08:00:00Z", "2026-12-07T08:00:00Z", "2026-12-14T08:00:00Z"}},
      // Time zones: New York's spring-forward (2:30 does not exist on 2026-03-08: skipped).
      {"cron(30 2 * * ? *)", "America/New_York", "2026-03-07T00:00:00Z",
       {"2026-03-07T07:30:00Z", "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z"}},
      // Fall-back: 1:30 happens twice on 2026-11-01 and fires once, at the first.
      {"cron(30 1 * * ? *)", "America/New_York", "2026-10-31T00:00:00Z",
       {"2026-10-31T05:30:00Z", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"}},
      {"cron(0/30 * * * ? *)", "America/New_York", "2026-11-01T05:10:00Z",
       {"2026-11-01T05:30:00Z", "2026-11-01T07:00:00Z", "2026-11-01T07:30:00Z"}},
      {"cron(0 9 * * ? *)", "Asia/Kolkata", "2026-11-26T03:30:00Z",
       {"2026-11-27T03:30:00Z", "2026-11-28T03:30:00Z", "2026-11-29T03:30:00Z"}},
      {"cron(0 0 ? * MON *)", "Asia/Kolkata", "2026-11-26T00:00:00Z",
       {"2026-11-29T18:30:00Z", "2026-12-06T18:30:00Z", "2026-12-13T18:30:00Z"}},
      {"cron(45 23 L * ? *)", "Asia/Kolkata", "2027-01-01T00:00:00Z",
       {"2027-01-31T18:15:00Z", "2027-02-28T18:15:00Z", "2027-03-31T18:15:00Z"}},
      {"cron(0 10 * * ? *)", "Europe/London", "2027-03-26T12:00:00Z",
       {"2027-03-27T10:00:00Z", "2027-03-28T09:00:00Z", "2027-03-29T09:00:00Z"}},
      // rate(): anchor + k * period, from the anchor on; periods are fixed durations.
      {"rate(5 minutes)", "", "2026-11-26T03:12:00Z",
       {"2026-11-26T03:15:00Z", "2026-11-26T03:20:00Z", "2026-11-26T03:25:00Z"},
       "2026-11-26T03:00:00Z"},
      {"rate(1 hour)", "", "2026-11-26T02:00:00Z",
       {"2026-11-26T03:00:30.250Z", "2026-11-26T04:00:30.250Z", "2026-11-26T05:00:30.250Z"},
       "2026-11-26T03:00:30.250Z"},
      {"rate(2 days)", "", "2026-11-30T00:00:00Z",
       {"2026-12-02T00:00:00Z", "2026-12-04T00:00:00Z", "2026-12-06T00:00:00Z"},
       "2026-11-26T00:00:00Z"},
      {"rate(1 day)", "America/New_York", "2026-10-31T04:00:00Z",
       {"2026-11-01T04:00:00Z", "2026-11-02T04:00:00Z", "2026-11-03T04:00:00Z"},
       "2026-10-30T04:00:00Z"},
      {"rate(1 minute)", "", "2026-11-26T03:00:59.999Z",
       {"2026-11-26T03:01:00Z", "2026-11-26T03:02:00Z", "2026-11-26T03:03:00Z"},
       "2026-11-26T00:00:00Z"},
  };
  return cases;
}

TEST(ScheduleExpressionTest, NextThreeFirings) {
  ASSERT_GE(Cases().size(), 30u);
  for (const Case& c : Cases()) {
    auto e = ScheduleExpression::Parse(c.expr, c.zone, Ms(c.anchor));
    ASSERT_TRUE(e.ok()) << c.expr << ": " << e.error().message;
    int64_t t = Ms(c.start);
    for (const char* want : c.next) {
      std::optional<int64_t> got = e->NextAfter(t);
      ASSERT_TRUE(got.has_value()) << c.expr << " after " << Iso(t);
      EXPECT_EQ(Iso(*got), Iso(Ms(want))) << c.expr << " in '" << c.zone << "' after " << Iso(t);
      t = *got;
    }
  }
}

TEST(ScheduleExpressionTest, EndsWhenYearsRunOut) {
  auto e = ScheduleExpression::Parse("cron(15 10 ? * 6L 2019-2022)", "");
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->NextAfter(Ms("2022-12-30T10:15:00Z")).has_value());
  auto far = ScheduleExpression::Parse("cron(0 0 1 1 ? *)", "");
  ASSERT_TRUE(far.ok());
  EXPECT_EQ(Iso(*far->NextAfter(Ms("2198-06-01T00:00:00Z"))), Iso(Ms("2199-01-01T00:00:00Z")));
  EXPECT_FALSE(far->NextAfter(Ms("2199-01-01T00:00:00Z")).has_value());
}

TEST(ScheduleExpressionTest, AtFiresOnce) {
  auto utc = ScheduleExpression::Parse("at(2027-03-01T10:00:00)", "");
  ASSERT_TRUE(utc.ok());
  EXPECT_EQ(utc->kind(), ScheduleExpression::Kind::kAt);
  EXPECT_EQ(Iso(*utc->NextAfter(Ms("2026-01-01T00:00:00Z"))), Iso(Ms("2027-03-01T10:00:00Z")));
  EXPECT_FALSE(utc->NextAfter(Ms("2027-03-01T10:00:00Z")).has_value());

  auto kolkata = ScheduleExpression::Parse("at(2026-06-01T09:00:00)", "Asia/Kolkata");
  ASSERT_TRUE(kolkata.ok());
  EXPECT_EQ(Iso(*kolkata->NextAfter(0)), Iso(Ms("2026-06-01T03:30:00Z")));

  // 2:30 does not exist in New York that night: fires when the clocks jump (07:00 UTC).
  auto gap = ScheduleExpression::Parse("at(2026-03-08T02:30:00)", "America/New_York");
  ASSERT_TRUE(gap.ok());
  EXPECT_EQ(Iso(*gap->NextAfter(0)), Iso(Ms("2026-03-08T07:00:00Z")));
}

TEST(ScheduleExpressionTest, KeepsTextAndZone) {
  auto e = ScheduleExpression::Parse("rate(5 minutes)", "Asia/Kolkata", 1000);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->kind(), ScheduleExpression::Kind::kRate);
  EXPECT_EQ(e->rate_period_ms(), 300000);
  EXPECT_EQ(e->text(), "rate(5 minutes)");
  EXPECT_EQ(e->time_zone(), "Asia/Kolkata");
}

struct Invalid {
  const char* expr;
  const char* zone;
  const char* message;
};

TEST(ScheduleExpressionTest, InvalidExpressionsNameTheField) {
  const std::vector<Invalid> cases = {
      {"cron(0 10 * * ?)", "",
       "cron: expected 6 fields (minutes hours day-of-month month day-of-week year), got 5"},
      {"cron(0 10 * * * *)", "", "cron: day-of-month and day-of-week: one of them must be '?'"},
      {"cron(0 10 1 * MON *)", "", "cron: day-of-month and day-of-week: one of them must be '?'"},
      {"cron(0 10 ? * ? *)", "", "cron: day-of-month and day-of-week: only one of them may be '?'"},
      {"cron(60 10 * * ? *)", "", "cron: minutes: '60' is out of range 0-59"},
      {"cron(0 24 * * ? *)", "", "cron: hours: '24' is out of range 0-23"},
      {"cron(0 10 32 * ? *)", "", "cron: day-of-month: '32' is out of range 1-31"},
      {"cron(0 10 0 * ? *)", "", "cron: day-of-month: '0' is out of range 1-31"},
      {"cron(0 10 * 13 ? *)", "", "cron: month: '13' is out of range 1-12 or JAN-DEC"},
      {"cron(0 10 * FOO ? *)", "", "cron: month: 'FOO' is not a value (1-12 or JAN-DEC)"},
      {"cron(0 10 ? * 8 *)", "", "cron: day-of-week: '8' is out of range 1-7 or SUN-SAT"},
      {"cron(0 10 ? * 0 *)", "", "cron: day-of-week: '0' is out of range 1-7 or SUN-SAT"},
      {"cron(0 10 * * ? 1969)", "", "cron: year: '1969' is out of range 1970-2199"},
      {"cron(0 10 * * ? 2030-2020)", "", "cron: year: range '2030-2020' ends before it starts"},
      {"cron(0/0 10 * * ? *)", "",
       "cron: minutes: '0/0': the increment after '/' must be a positive integer"},
      {"cron(0 ? * * ? *)", "",
       "cron: hours: '?' is only allowed alone in day-of-month or day-of-week"},
      {"cron(0 10 ? * 2#6 *)", "", "cron: day-of-week: '2#6': n in day#n must be 1-5"},
      {"cron(0 10 ? * 2#1,3#2 *)", "",
       "cron: day-of-week: '2#1,3#2': with '#' the field holds only one expression"},
      {"cron(0 10 LW,1 * ? *)", "",
       "cron: day-of-month: 'LW,1': L, L-n, LW and nW must be the field's only value"},
      {"cron(0 10 ,1 * ? *)", "", "cron: day-of-month: empty value in a list"},
      {"rate(5 minute)", "", "rate: a value above 1 takes the plural unit (minutes)"},
      {"rate(1 minutes)", "", "rate: a value of 1 takes the singular unit (rate(1 minute))"},
      {"rate(0 minutes)", "", "rate: value '0' must be a positive integer"},
      {"rate(-5 minutes)", "", "rate: value '-5' must be a positive integer"},
      {"rate(5 weeks)", "", "rate: unit must be minute(s), hour(s) or day(s)"},
      {"rate(5)", "", "rate: expected rate(value unit), e.g. rate(5 minutes)"},
      {"every 5 minutes", "",
       "schedule expression must be rate(value unit), cron(fields) or at(yyyy-mm-ddThh:mm:ss)"},
      {"at(2027-02-30T00:00:00)", "", "at: '2027-02-30T00:00:00' is not a valid date and time"},
      {"at(2027-02-01 00:00:00)", "", "at: expected at(yyyy-mm-ddThh:mm:ss)"},
      {"cron(0 10 * * ? *)", "Mars/Base", "unknown time zone 'Mars/Base'"},
  };
  for (const Invalid& c : cases) {
    auto e = ScheduleExpression::Parse(c.expr, c.zone);
    ASSERT_FALSE(e.ok()) << c.expr;
    EXPECT_EQ(e.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(e.error().message, c.message) << c.expr;
  }
}

}  // namespace
}  // namespace kumo::events
