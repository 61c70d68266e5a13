#include "api/sqs/sqs_service.h"

#include <map>

#include "api/sqs/params.h"
#include "api/sqs/queue_url.h"

namespace kumo::api::sqs {
namespace json = boost::json;
namespace {

using SyncAction = SqsResult<json::object> (SqsService::*)(const json::object&, const CallContext&);

}  // namespace

SqsError FromStoreError(const Error& error) {
  switch (error.code) {
    case ErrorCode::kNotFound:
      return QueueDoesNotExist();
    case ErrorCode::kConflict:
      return QueueNameExists(error.message);
    case ErrorCode::kInvalidArgument:
      return InvalidParameterValue(error.message);
    default:
      return InternalFailure(error.message);
  }
}

SqsService::SqsService(store::QueueStore& queues, std::string region, std::string account_id,
                       Clock clock, TimerFactory timers)
    : queues_(queues),
      arn_{std::move(region), std::move(account_id)},
      clock_(std::move(clock)),
      timers_(std::move(timers)) {
  std::weak_ptr<bool> alive = alive_;
  listener_id_ = queues_.AddListener([this, alive](const std::string& queue) {
    if (alive.lock()) OnQueueChanged(queue);
  });
}

SqsService::~SqsService() {
  *alive_ = false;
  queues_.RemoveListener(listener_id_);
}

void SqsService::Execute(const std::string& action, const json::object& input,
                         const CallContext& ctx, Reply reply) {
  static const std::map<std::string, SyncAction> kSync = {
      {"CreateQueue", &SqsService::CreateQueue},
      {"DeleteQueue", &SqsService::DeleteQueue},
      {"ListQueues", &SqsService::ListQueues},
      {"GetQueueUrl", &SqsService::GetQueueUrl},
      {"GetQueueAttributes", &SqsService::GetQueueAttributes},
      {"SetQueueAttributes", &SqsService::SetQueueAttributes},
      {"PurgeQueue", &SqsService::PurgeQueue},
      {"ListDeadLetterSourceQueues", &SqsService::ListDeadLetterSourceQueues},
      {"TagQueue", &SqsService::TagQueue},
      {"UntagQueue", &SqsService::UntagQueue},
      {"ListQueueTags", &SqsService::ListQueueTags},
      {"ChangeMessageVisibility", &SqsService::ChangeMessageVisibility},
      {"ChangeMessageVisibilityBatch", &SqsService::ChangeMessageVisibilityBatch},
  };
  if (auto it = kSync.find(action); it != kSync.end()) {
    reply((this->*(it->second))(input, ctx));
  } else if (action == "SendMessage") {
    SendMessage(input, ctx, std::move(reply));
  } else if (action == "SendMessageBatch") {
    SendMessageBatch(input, ctx, std::move(reply));
  } else if (action == "ReceiveMessage") {
    ReceiveMessage(input, ctx, std::move(reply));
  } else if (action == "DeleteMessage") {
    DeleteMessage(input, ctx, std::move(reply));
  } else if (action == "DeleteMessageBatch") {
    DeleteMessageBatch(input, ctx, std::move(reply));
  } else if (action == "AddPermission" || action == "RemovePermission" ||
             action == "StartMessageMoveTask" || action == "CancelMessageMoveTask" ||
             action == "ListMessageMoveTasks") {
    reply(UnsupportedOperation(action));
  } else {
    reply(InvalidAction(action));
  }
}

SqsResult<store::QueueConfig> SqsService::ResolveQueue(const json::object& in,
                                                       const CallContext& ctx) const {
  SqsResult<std::optional<std::string>> url = OptionalString(in, "QueueUrl");
  if (!url.ok()) return url.error();
  std::optional<std::string> name;
  if (url.value() && !url.value()->empty()) {
    name = QueueNameFromUrl(*url.value());
  } else if (!ctx.path_queue.empty()) {
    name = QueueNameFromUrl(ctx.path_queue);
  } else {
    return MissingParameter("QueueUrl");
  }
  if (!name) return QueueDoesNotExist();
  kumo::Result<store::QueueConfig> config = queues_.GetQueue(*name);
  if (!config.ok()) return FromStoreError(config.error());
  return std::move(config).value();
}

bool SqsService::QueueExists(const std::string& name) const {
  return ValidQueueName(name) && queues_.GetQueue(name).ok();
}

void SqsService::Shutdown() {
  stopping_ = true;
  while (!waiters_.empty()) {
    Waiter waiter = std::move(waiters_.front());
    waiters_.pop_front();
    waiter.reply(json::object());  // no messages: receiving now could lose them on the way out
  }
}

}  // namespace kumo::api::sqs
