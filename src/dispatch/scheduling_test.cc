#include "dispatch/scheduling.h"

#include <gtest/gtest.h>

namespace kumo::dispatch {
namespace {

using std::chrono::seconds;
using Time = std::chrono::steady_clock::time_point;

TEST(AdmitTest, ReservedFunctionIsCappedByItsReservation) {
  ConcurrencySnapshot s;
  s.max_concurrency = 10;
  s.reserved_total = 3;
  s.reserved = 3;
  s.function_in_flight = 2;
  EXPECT_EQ(Admit(s), Throttle::kNone);
  s.function_in_flight = 3;
  EXPECT_EQ(Admit(s), Throttle::kReservedLimit);
  s.reserved = 0;
  s.function_in_flight = 0;
  EXPECT_EQ(Admit(s), Throttle::kReservedLimit);
}

TEST(AdmitTest, UnreservedFunctionsShareWhatReservationsLeave) {
  ConcurrencySnapshot s;
  s.max_concurrency = 10;
  s.reserved_total = 4;
  s.unreserved_in_flight = 5;
  EXPECT_EQ(Admit(s), Throttle::kNone);
  s.unreserved_in_flight = 6;
  EXPECT_EQ(Admit(s), Throttle::kAccountLimit);
  s.reserved_total = 10;
  s.unreserved_in_flight = 0;
  EXPECT_EQ(Admit(s), Throttle::kAccountLimit);
  EXPECT_STREQ(ThrottleReasonName(Throttle::kAccountLimit), "ConcurrentInvocationLimitExceeded");
}

TEST(PickInstanceTest, PrefersProvisionedThenMostRecentlyUsed) {
  EXPECT_FALSE(PickInstance({}).has_value());
  EXPECT_FALSE(PickInstance({{false, false, Time(seconds(5))}}).has_value());
  std::vector<InstanceView> views = {
      {true, false, Time(seconds(10))}, {true, false, Time(seconds(30))},
      {false, false, Time(seconds(40))}, {true, false, Time(seconds(20))}};
  EXPECT_EQ(PickInstance(views), 1u);
  views.push_back({true, true, Time(seconds(1))});
  EXPECT_EQ(PickInstance(views), 4u);
}

TEST(PlanEvictionsTest, NothingToDoWhenItFits) {
  EvictionPlan plan = PlanEvictions({{100, Time(seconds(1)), 7}}, 500, 0, 100, 1000);
  EXPECT_TRUE(plan.fits);
  EXPECT_TRUE(plan.evict.empty());
}

TEST(PlanEvictionsTest, EvictsLeastRecentlyUsedFirstAndNoMore) {
  std::vector<IdleInstanceInfo> idle = {
      {128, Time(seconds(30)), 1}, {128, Time(seconds(10)), 2}, {128, Time(seconds(20)), 3}};
  EvictionPlan plan = PlanEvictions(idle, 900, 0, 300, 1000);
  ASSERT_TRUE(plan.fits);
  EXPECT_EQ(plan.evict, (std::vector<size_t>{2, 3}));
}

TEST(PlanEvictionsTest, CountsMemoryAlreadyBeingReleased) {
  EvictionPlan plan = PlanEvictions({{128, Time(seconds(1)), 1}}, 1000, 200, 150, 1000);
  EXPECT_TRUE(plan.fits);
  EXPECT_TRUE(plan.evict.empty());
}

TEST(PlanEvictionsTest, EvictsNothingWhenEvenAllWouldNotFit) {
  EvictionPlan plan = PlanEvictions({{100, Time(seconds(1)), 1}}, 1000, 0, 500, 1000);
  EXPECT_FALSE(plan.fits);
  EXPECT_TRUE(plan.evict.empty());
}

}  // namespace
}  // namespace kumo::dispatch
