#pragma once
// kumo's management and invoke API: Lambda's REST paths (2015-03-31) and kumo's own
// (/kumo/v1/...), on one handler that the server mounts on its listener and on each instance's
// private API socket. Loop thread only. Owns nothing it points to.

#include <memory>

#include "api/function_json.h"
#include "dispatch/dispatcher.h"
#include "net/event_loop.h"
#include "net/http_types.h"
#include "store/bundle_store.h"
#include "store/function_store.h"
#include "telemetry/log_store.h"

namespace kumo::api {

class Api {
 public:
  Api(net::EventLoop& loop, store::FunctionStore& functions, store::BundleStore& bundles,
      dispatch::Dispatcher& dispatcher, telemetry::LogStore& logs, ArnContext arn);

  void Handle(net::HttpRequest&& req, net::Responder respond);

 private:
  // Handlers, one per operation; each answers through `respond` exactly once.
  void CreateFunction(const net::HttpRequest& req, net::Responder& respond);
  void GetFunction(const std::string& name, bool configuration_only, const net::HttpRequest& req,
                   net::Responder& respond);
  void DownloadCode(const std::string& name, net::Responder& respond);
  void ListFunctions(const net::HttpRequest& req, net::Responder& respond);
  void UpdateCode(const std::string& name, const net::HttpRequest& req, net::Responder& respond);
  void UpdateConfiguration(const std::string& name, const net::HttpRequest& req,
                           net::Responder& respond);
  void DeleteFunction(const std::string& name, net::Responder& respond);
  void Invoke(const std::string& name, const std::string& qualifier, net::HttpRequest&& req,
              net::Responder respond);
  void ReadLogs(const std::string& name, const net::HttpRequest& req, net::Responder respond);

  Result<store::FunctionConfig> Find(const std::string& name);

  net::EventLoop& loop_;
  store::FunctionStore& functions_;
  store::BundleStore& bundles_;
  dispatch::Dispatcher& dispatcher_;
  telemetry::LogStore& logs_;
  ArnContext arn_;
};

}  // namespace kumo::api
