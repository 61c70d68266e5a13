#pragma once
// kumo's SQS-compatible endpoint: SQS's JSON protocol (awsJson1_0, what the AWS SDK for
// JavaScript v3 speaks) and its older query protocol (form bodies with XML replies, what Debian's
// boto3 speaks), both over the same actions on a store::QueueStore. The server mounts it on its
// API listener and on each instance's private API socket, ahead of the Lambda paths. Loop thread
// only; owns nothing it points to.

#include <memory>
#include <string>

#include "net/event_loop.h"
#include "net/http_types.h"
#include "store/queue_store.h"

namespace kumo::api {

namespace sqs {
class SqsService;
}  // namespace sqs

class SqsApi {
 public:
  // `queues` outlives this. Loop thread only.
  SqsApi(net::EventLoop& loop, store::QueueStore& queues, std::string region, std::string account_id);
  ~SqsApi();
  // True when `req` is an SQS request — JSON protocol (POST with X-Amz-Target: AmazonSQS.<Action>)
  // or query protocol (POST with a form body containing Action=..., at "/" or at a queue URL path
  // "/<account>/<queue>"; GET with ?Action= too) — and then answers it through `respond`, now or
  // later (long polls). `sender_id` fills the SenderId attribute (the caller's identity).
  bool Handle(net::HttpRequest& req, net::Responder& respond, const std::string& sender_id);
  // Answers every waiting long poll now (empty), for shutdown.
  void Shutdown();

 private:
  enum class Protocol { kJson, kQuery };
  // Parses `body` in `protocol` and runs the action; `action` is the JSON protocol's (from
  // X-Amz-Target), empty for the query protocol (which names it in its parameters).
  void Run(Protocol protocol, std::string action, const std::string& query, std::string body,
           std::string path_queue, std::string host, const std::string& sender_id,
           net::Responder respond);

  std::unique_ptr<sqs::SqsService> service_;
  // Body reads that finish after destruction check this first.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace kumo::api
