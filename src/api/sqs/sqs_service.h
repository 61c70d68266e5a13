#pragma once
// SQS's actions over a store::QueueStore, independent of the wire protocol: each action takes
// its input in the JSON protocol's shape and answers with its output in that shape (the query
// protocol converts both ways around it, see form_params.h and query_response.h). Long polls wait
// here: a ReceiveMessage with WaitTimeSeconds is answered when the store's listener says its
// queue got messages, when a timer reaches NextVisibleAt, or at its deadline. Loop thread only;
// owns nothing it points to. Time and timers come from the constructor so tests control them.

#include <boost/json.hpp>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include "api/sqs/message_attributes.h"
#include "api/sqs/queue_attributes.h"
#include "api/sqs/sqs_error.h"
#include "net/event_loop.h"
#include "store/queue_store.h"

namespace kumo::api::sqs {

// What an action needs from the request besides its input.
struct CallContext {
  std::string host;        // the Host header, for the queue URLs it answers
  std::string sender_id;   // SenderId of what it sends
  std::string path_queue;  // the queue named by the request path (query protocol), or ""
};

class SqsService {
 public:
  using Clock = std::function<int64_t()>;  // milliseconds since the epoch
  using TimerFactory = std::function<std::unique_ptr<net::Timer>()>;
  using Reply = std::function<void(SqsResult<boost::json::object>)>;

  SqsService(store::QueueStore& queues, std::string region, std::string account_id, Clock clock,
             TimerFactory timers);
  ~SqsService();
  SqsService(const SqsService&) = delete;
  SqsService& operator=(const SqsService&) = delete;

  // Runs `action`; calls `reply` exactly once, now or later (after a commit, or a long poll).
  // An unknown action is InvalidAction, a known SQS one kumo lacks UnsupportedOperation.
  void Execute(const std::string& action, const boost::json::object& input, const CallContext& ctx,
               Reply reply);
  // Answers every waiting long poll now, empty; receives after it no longer wait.
  void Shutdown();
  size_t waiting_receives() const { return waiters_.size(); }

 private:
  using Result = SqsResult<boost::json::object>;

  // The queue an action names (QueueUrl, or the request path), which must exist.
  SqsResult<store::QueueConfig> ResolveQueue(const boost::json::object& in,
                                             const CallContext& ctx) const;
  bool QueueExists(const std::string& name) const;

  // queue_actions.cc
  Result CreateQueue(const boost::json::object& in, const CallContext& ctx);
  Result DeleteQueue(const boost::json::object& in, const CallContext& ctx);
  Result ListQueues(const boost::json::object& in, const CallContext& ctx);
  Result GetQueueUrl(const boost::json::object& in, const CallContext& ctx);
  Result GetQueueAttributes(const boost::json::object& in, const CallContext& ctx);
  Result SetQueueAttributes(const boost::json::object& in, const CallContext& ctx);
  Result PurgeQueue(const boost::json::object& in, const CallContext& ctx);
  Result ListDeadLetterSourceQueues(const boost::json::object& in, const CallContext& ctx);
  Result TagQueue(const boost::json::object& in, const CallContext& ctx);
  Result UntagQueue(const boost::json::object& in, const CallContext& ctx);
  Result ListQueueTags(const boost::json::object& in, const CallContext& ctx);

  // message_actions.cc
  void SendMessage(const boost::json::object& in, const CallContext& ctx, Reply reply);
  void SendMessageBatch(const boost::json::object& in, const CallContext& ctx, Reply reply);
  void DeleteMessage(const boost::json::object& in, const CallContext& ctx, Reply reply);
  void DeleteMessageBatch(const boost::json::object& in, const CallContext& ctx, Reply reply);
  Result ChangeMessageVisibility(const boost::json::object& in, const CallContext& ctx);
  Result ChangeMessageVisibilityBatch(const boost::json::object& in, const CallContext& ctx);

  // receive_action.cc
  struct ReceiveRequest {
    std::string queue;
    int max = 1;
    int visibility_s = -1;
    int64_t deadline_ms = 0;
    std::vector<std::string> attribute_names;  // AttributeNames + MessageSystemAttributeNames
    std::vector<std::string> message_attribute_names;
  };
  struct Waiter {
    ReceiveRequest request;
    Reply reply;
    std::unique_ptr<net::Timer> timer;
  };
  void ReceiveMessage(const boost::json::object& in, const CallContext& ctx, Reply reply);
  // Receives for `request` now; nullopt when nothing came and the caller may keep waiting.
  std::optional<Result> TryReceive(const ReceiveRequest& request, bool final_attempt);
  void ArmWaiter(std::list<Waiter>::iterator waiter);
  void OnWaiterTimer(std::list<Waiter>::iterator waiter);
  void OnQueueChanged(const std::string& queue);
  boost::json::object RenderMessage(const store::ReceivedMessage& received,
                                    const ReceiveRequest& request) const;

  store::QueueStore& queues_;
  ArnParts arn_;
  Clock clock_;
  TimerFactory timers_;
  int listener_id_ = -1;
  bool stopping_ = false;
  std::list<Waiter> waiters_;  // in arrival order: the longest waiting is served first
  // Callbacks the store posts (commits, listener calls) check this before touching `this`.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// Maps a store failure to SQS's error for it.
SqsError FromStoreError(const Error& error);

}  // namespace kumo::api::sqs
