#pragma once
// Lambda's event source mapping operations for SQS queues: Create, Get, Update, Delete and List
// on /2015-03-31/event-source-mappings/. Definitions go to the EsmStore first; then the manager
// starts, restarts or stops the mapping's poller. Loop thread only; owns nothing it points to.

#include <string>

#include "common/result.h"
#include "events/esm_manager.h"
#include "events/function_invoker.h"
#include "net/http_types.h"
#include "store/esm_store.h"
#include "store/queue_store.h"

namespace kumo::api {

class EsmApi {
 public:
  EsmApi(store::EsmStore& mappings, events::EsmManager& manager, store::QueueStore& queues,
         events::FunctionInvoker& invoker, std::string region, std::string account_id);

  // True when `req` is an event source mapping operation, which is then answered through
  // `respond`.
  bool Handle(net::HttpRequest& req, net::Responder& respond);

 private:
  void Create(const net::HttpRequest& req, net::Responder& respond);
  void Get(const std::string& uuid, net::Responder& respond);
  void Update(const std::string& uuid, const net::HttpRequest& req, net::Responder& respond);
  void Delete(const std::string& uuid, net::Responder& respond);
  void List(const net::HttpRequest& req, net::Responder& respond);

  // The queue named by an SQS ARN of this region and account, which must exist.
  Status CheckQueue(const std::string& event_source_arn);
  // Lambda's EventSourceMappingConfiguration; `state` overrides the stored one (Creating,
  // Updating, Deleting are what Create, Update and Delete answer).
  std::string MappingJson(const store::EventSourceMapping& m, const char* state);

  store::EsmStore& mappings_;
  events::EsmManager& manager_;
  store::QueueStore& queues_;
  events::FunctionInvoker& invoker_;
  std::string region_;
  std::string account_id_;
};

}  // namespace kumo::api
