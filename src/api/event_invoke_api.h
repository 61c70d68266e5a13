#pragma once
// Lambda's EventInvokeConfig operations (Put, Update, Get, Delete, List on
// /2019-09-25/functions/NAME/event-invoke-config): retries, maximum age and destinations of a
// function's asynchronous invocations. Served as an Api extension. Loop thread only.

#include <functional>
#include <string>

#include "api/function_json.h"
#include "net/http_types.h"
#include "store/event_invoke_config_store.h"
#include "store/function_store.h"
#include "store/queue_store.h"

namespace kumo::api {

class EventInvokeApi {
 public:
  EventInvokeApi(store::EventInvokeConfigStore& configs, store::FunctionStore& functions,
                 store::QueueStore& queues, ArnContext arn)
      : configs_(configs), functions_(functions), queues_(queues), arn_(std::move(arn)) {}

  // False when `req` is not one of these operations.
  bool Handle(net::HttpRequest& req, net::Responder& respond);
  // The settings that apply to `function`'s events for `qualifier`; defaults when none stored.
  store::EventInvokeConfig Lookup(const std::string& function, const std::string& qualifier);

 private:
  void Put(const std::string& name, const std::string& qualifier, const net::HttpRequest& req,
           bool merge, net::Responder& respond);
  // A destination must be a kumo queue's or function's ARN that exists.
  Status CheckDestination(const std::string& arn);
  std::string Json(const store::EventInvokeConfig& c);

  store::EventInvokeConfigStore& configs_;
  store::FunctionStore& functions_;
  store::QueueStore& queues_;
  ArnContext arn_;
};

}  // namespace kumo::api
