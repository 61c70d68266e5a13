#pragma once
// EventBridge Scheduler's REST API for schedules in the group "default" whose target is a kumo
// function: CreateSchedule (POST /schedules/{Name}), GetSchedule (GET), UpdateSchedule (PUT),
// DeleteSchedule (DELETE) and ListSchedules (GET /schedules), with Scheduler's error shape
// (status, X-Amzn-ErrorType, {"Message"}). Every change is written to the ScheduleStore first,
// then handed to the Scheduler (Reload). Loop thread only; owns nothing it points to.
//
// kumo's extension: "KumoMissedFirings": "skip" | "run-once" chooses what happens to firings
// missed while kumo was down (absent: the server's --missed-schedules default).

#include <functional>
#include <string>

#include "events/scheduler.h"
#include "net/http_types.h"
#include "store/schedule_store.h"

namespace kumo::api {

class SchedulerApi {
 public:
  // `function_exists` says whether a function of that name exists (targets must name one).
  SchedulerApi(store::ScheduleStore& schedules, events::Scheduler& scheduler, std::string region,
               std::string account_id, std::function<bool(const std::string&)> function_exists);

  // Answers and returns true when the request is one of Scheduler's schedule operations.
  bool Handle(net::HttpRequest& req, net::Responder& respond);

 private:
  void Put(const std::string& name, const net::HttpRequest& req, bool create,
           net::Responder& respond);
  void Get(const std::string& name, net::Responder& respond);
  void Delete(const std::string& name, net::Responder& respond);
  void List(const net::HttpRequest& req, net::Responder& respond);

  store::ScheduleStore& schedules_;
  events::Scheduler& scheduler_;
  std::string region_;
  std::string account_id_;
  std::function<bool(const std::string&)> function_exists_;
};

}  // namespace kumo::api
