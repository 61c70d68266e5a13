// ReceiveMessage of SqsService, with long polling: a receive that finds nothing and may wait
// becomes a Waiter, answered when the store says its queue got messages (OnQueueChanged), when
// its timer reaches the queue's NextVisibleAt (a delay or a visibility timeout ending), or at its
// deadline with whatever is there then.

#include <algorithm>
#include <chrono>

#include "api/sqs/md5.h"
#include "api/sqs/params.h"
#include "api/sqs/sqs_service.h"

namespace kumo::api::sqs {
namespace json = boost::json;
namespace {

bool Wants(const std::vector<std::string>& names, const char* name) {
  for (const std::string& n : names) {
    if (n == "All" || n == name) return true;
  }
  return false;
}

}  // namespace

void SqsService::ReceiveMessage(const json::object& in, const CallContext& ctx, Reply reply) {
  SqsResult<store::QueueConfig> queue = ResolveQueue(in, ctx);
  if (!queue.ok()) return reply(queue.error());
  SqsResult<std::optional<int64_t>> max = OptionalInt(in, "MaxNumberOfMessages", 1, 10);
  if (!max.ok()) return reply(max.error());
  SqsResult<std::optional<int64_t>> visibility = OptionalInt(in, "VisibilityTimeout", 0, 43200);
  if (!visibility.ok()) return reply(visibility.error());
  SqsResult<std::optional<int64_t>> wait = OptionalInt(in, "WaitTimeSeconds", 0, 20);
  if (!wait.ok()) return reply(wait.error());
  SqsResult<std::vector<std::string>> names = StringList(in, "AttributeNames");
  if (!names.ok()) return reply(names.error());
  SqsResult<std::vector<std::string>> system_names = StringList(in, "MessageSystemAttributeNames");
  if (!system_names.ok()) return reply(system_names.error());
  SqsResult<std::vector<std::string>> attribute_names = StringList(in, "MessageAttributeNames");
  if (!attribute_names.ok()) return reply(attribute_names.error());

  ReceiveRequest request;
  request.queue = queue.value().name;
  request.max = static_cast<int>(max.value().value_or(1));
  request.visibility_s = static_cast<int>(visibility.value().value_or(-1));
  int64_t wait_s = stopping_ ? 0 : wait.value().value_or(queue.value().receive_wait_s);
  request.deadline_ms = clock_() + wait_s * 1000;
  request.attribute_names = std::move(names).value();
  for (std::string& name : system_names.value()) request.attribute_names.push_back(std::move(name));
  request.message_attribute_names = std::move(attribute_names).value();

  std::optional<Result> now = TryReceive(request, wait_s == 0);
  if (now) return reply(std::move(*now));
  waiters_.push_back(Waiter{std::move(request), std::move(reply), timers_()});
  ArmWaiter(std::prev(waiters_.end()));
}

std::optional<SqsResult<json::object>> SqsService::TryReceive(const ReceiveRequest& request,
                                                              bool final_attempt) {
  kumo::Result<std::vector<store::ReceivedMessage>> received =
      queues_.Receive(request.queue, request.max, request.visibility_s, clock_());
  if (!received.ok()) return Result(FromStoreError(received.error()));
  if (received->empty() && !final_attempt) return std::nullopt;
  json::object out;
  if (!received->empty()) {
    json::array messages;
    for (const store::ReceivedMessage& message : *received) {
      messages.push_back(RenderMessage(message, request));
    }
    out["Messages"] = std::move(messages);
  }
  return Result(std::move(out));
}

void SqsService::ArmWaiter(std::list<Waiter>::iterator waiter) {
  int64_t now = clock_();
  int64_t at = waiter->request.deadline_ms;
  if (std::optional<int64_t> next = queues_.NextVisibleAt(waiter->request.queue)) {
    at = std::min(at, *next);
  }
  waiter->timer->Start(std::chrono::milliseconds(std::max<int64_t>(at - now, 0)),
                       [this, waiter] { OnWaiterTimer(waiter); });
}

void SqsService::OnWaiterTimer(std::list<Waiter>::iterator waiter) {
  std::optional<Result> result =
      TryReceive(waiter->request, clock_() >= waiter->request.deadline_ms);
  if (!result) return ArmWaiter(waiter);
  Reply reply = std::move(waiter->reply);
  waiters_.erase(waiter);  // destroys the timer running this callback; nothing below uses it
  reply(std::move(*result));
}

void SqsService::OnQueueChanged(const std::string& queue) {
  std::vector<std::pair<Reply, Result>> answers;
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    if (it->request.queue != queue) {
      ++it;
      continue;
    }
    std::optional<Result> result = TryReceive(it->request, false);
    if (!result) {
      ArmWaiter(it);  // its queue's next visibility may have moved
      ++it;
      continue;
    }
    answers.emplace_back(std::move(it->reply), std::move(*result));
    it = waiters_.erase(it);
  }
  // Answered after the list is settled, so a reply that re-enters this class finds it whole.
  for (auto& [reply, result] : answers) reply(std::move(result));
}

json::object SqsService::RenderMessage(const store::ReceivedMessage& received,
                                       const ReceiveRequest& request) const {
  const store::StoredMessage& m = received.message;
  json::object out;
  out["MessageId"] = m.id;
  out["ReceiptHandle"] = received.receipt_handle;
  out["MD5OfBody"] = m.content.md5_of_body.empty() ? Md5Hex(m.content.body) : m.content.md5_of_body;
  out["Body"] = m.content.body;
  const std::vector<std::string>& names = request.attribute_names;
  json::object attributes;
  if (Wants(names, "SenderId")) attributes["SenderId"] = m.content.sender_id;
  if (Wants(names, "SentTimestamp")) attributes["SentTimestamp"] = std::to_string(m.sent_ms);
  if (Wants(names, "ApproximateReceiveCount")) {
    attributes["ApproximateReceiveCount"] = std::to_string(m.receive_count);
  }
  if (Wants(names, "ApproximateFirstReceiveTimestamp")) {
    attributes["ApproximateFirstReceiveTimestamp"] = std::to_string(m.first_receive_ms);
  }
  if (Wants(names, "AWSTraceHeader")) {
    MessageAttributes system = ParseStoredAttributes(m.content.system_attributes_json);
    if (auto trace = system.find("AWSTraceHeader"); trace != system.end()) {
      attributes["AWSTraceHeader"] = trace->second.value;
    }
  }
  if (!attributes.empty()) out["Attributes"] = std::move(attributes);
  MessageAttributes selected = SelectAttributes(
      ParseStoredAttributes(m.content.message_attributes_json), request.message_attribute_names);
  if (!selected.empty()) {
    out["MD5OfMessageAttributes"] = Md5OfAttributes(selected);
    out["MessageAttributes"] = AttributesToJson(selected);
  }
  return out;
}

}  // namespace kumo::api::sqs
