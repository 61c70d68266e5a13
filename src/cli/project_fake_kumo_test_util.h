#pragma once
// An in-memory stand-in for kumo's API for project deploy tests: functions, routes, concurrency,
// keep-alive and CORS, plus queues (SQS JSON protocol), event source mappings, schedules and
// EventInvokeConfigs, so repeated deploys see their own earlier effects. It checks what the real
// server checks where the deploy's order matters (a dead-letter queue, a mapping's queue and
// function, a schedule's target and a destination must exist). Test-only.

#include <boost/json.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/transport.h"
#include "common/encoding.h"

namespace kumo::cli {

class FakeKumo : public Transport {
 public:
  struct Function {
    boost::json::object config;
    boost::json::value routes = boost::json::array();
    std::optional<int64_t> reserved;
    int64_t keep_alive = 0;
  };
  struct Queue {
    std::map<std::string, std::string> attributes;
    std::map<std::string, std::string> tags;
  };

  Result<HttpReply> Send(const HttpRequest& request) override;
  void CatchInterrupt() override {}
  bool Interrupted() const override { return false; }

  // The requests sent that change something ("METHOD TARGET", or "SQS Action").
  std::vector<std::string> Writes() const;

  std::string region = "us-east-1";
  std::map<std::string, Function> functions;
  std::optional<boost::json::object> cors;
  std::map<std::string, Queue> queues;
  std::map<std::string, boost::json::object> mappings;   // by UUID
  std::map<std::string, boost::json::object> schedules;  // by name, as GetSchedule answers
  std::map<std::string, boost::json::object> asyncs;     // by function
  std::vector<std::string> sent;
  bool refuse_routes = false;  // answer PUT .../routes with 409, as for a route taken elsewhere

  std::string Arn(const std::string& service, const std::string& resource) const {
    return "arn:aws:" + service + ":" + region + ":000000000000:" + resource;
  }

 private:
  HttpReply Handle(const HttpRequest& request);
  HttpReply HandleFunction(const HttpRequest& request, const boost::json::value& body);
  HttpReply HandleSqs(const std::string& action, const boost::json::object& in);
  HttpReply HandleMappings(const HttpRequest& request, const boost::json::value& body);
  HttpReply HandleSchedules(const HttpRequest& request, const boost::json::value& body);
  HttpReply HandleAsync(const std::string& function, const HttpRequest& request,
                        const boost::json::value& body);
  int next_uuid_ = 1;
};

}  // namespace kumo::cli
