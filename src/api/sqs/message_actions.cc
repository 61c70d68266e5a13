// The message actions of SqsService besides receiving: send, delete and change visibility,
// single and batched. Sends and deletes answer only after the store committed them.

#include <set>

#include "api/sqs/md5.h"
#include "api/sqs/message_text.h"
#include "api/sqs/params.h"
#include "api/sqs/sqs_service.h"

namespace kumo::api::sqs {
namespace json = boost::json;
namespace {

constexpr size_t kMaxBatchEntries = 10;
constexpr size_t kMaxBatchBytes = 262144;
constexpr int64_t kMaxVisibilityTimeout = 43200;

struct Prepared {
  store::NewMessage message;
  std::string md5_of_system_attributes;
};

// Body and attributes as one count toward MaximumMessageSize, as SQS counts them.
size_t EntrySize(const json::object& entry) {
  size_t size = 0;
  if (const json::value* body = entry.if_contains("MessageBody"); body && body->is_string()) {
    size += body->as_string().size();
  }
  SqsResult<MessageAttributes> attributes =
      ParseMessageAttributes(entry.if_contains("MessageAttributes"), false);
  if (attributes.ok()) size += AttributesSize(attributes.value());
  return size;
}

SqsResult<Prepared> PrepareMessage(const json::object& entry, const store::QueueConfig& queue,
                                   const std::string& sender_id) {
  SqsResult<std::string> body = RequiredString(entry, "MessageBody");
  if (!body.ok()) return body.error();
  if (std::optional<std::string> bad = FindInvalidCharacter(body.value())) {
    return InvalidMessageContents("Invalid binary character '" + *bad +
                                  "' was found in the message body, the set of allowed "
                                  "characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to "
                                  "#xFFFD | #x10000 to #x10FFFF");
  }
  SqsResult<std::optional<int64_t>> delay = OptionalInt(entry, "DelaySeconds", 0, 900);
  if (!delay.ok()) return delay.error();
  SqsResult<MessageAttributes> attributes =
      ParseMessageAttributes(entry.if_contains("MessageAttributes"), false);
  if (!attributes.ok()) return attributes.error();
  SqsResult<MessageAttributes> system =
      ParseMessageAttributes(entry.if_contains("MessageSystemAttributes"), true);
  if (!system.ok()) return system.error();
  size_t size = body.value().size() + AttributesSize(attributes.value());
  if (size > static_cast<size_t>(queue.max_message_bytes)) {
    return InvalidParameterValue(
        "One or more parameters are invalid. Reason: Message must be "
        "shorter than " +
        std::to_string(queue.max_message_bytes) + " bytes.");
  }
  Prepared out;
  out.message.md5_of_body = Md5Hex(body.value());
  out.message.body = std::move(body).value();
  out.message.message_attributes_json = SerializeAttributes(attributes.value());
  out.message.md5_of_message_attributes = Md5OfAttributes(attributes.value());
  out.message.system_attributes_json = SerializeAttributes(system.value());
  out.md5_of_system_attributes = Md5OfAttributes(system.value());
  out.message.delay_s = delay.value() ? static_cast<int>(*delay.value()) : -1;
  out.message.sender_id = sender_id;
  return out;
}

void SetChecksums(json::object& out, const Prepared& prepared, const std::string& id) {
  out["MessageId"] = id;
  out["MD5OfMessageBody"] = prepared.message.md5_of_body;
  if (!prepared.message.md5_of_message_attributes.empty()) {
    out["MD5OfMessageAttributes"] = prepared.message.md5_of_message_attributes;
  }
  if (!prepared.md5_of_system_attributes.empty()) {
    out["MD5OfMessageSystemAttributes"] = prepared.md5_of_system_attributes;
  }
}

bool ValidEntryId(const std::string& id) {
  if (id.empty() || id.size() > 80) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// A batch's entries with their ids, after SQS's whole-batch checks.
SqsResult<std::vector<std::pair<std::string, const json::object*>>> BatchEntries(
    const json::object& in) {
  SqsResult<std::vector<const json::object*>> entries = ObjectList(in, "Entries");
  if (!entries.ok()) return entries.error();
  if (entries.value().empty()) return EmptyBatchRequest();
  if (entries.value().size() > kMaxBatchEntries) {
    return TooManyEntriesInBatchRequest(entries.value().size());
  }
  std::vector<std::pair<std::string, const json::object*>> out;
  std::set<std::string> seen;
  for (const json::object* entry : entries.value()) {
    const json::value* id = entry->if_contains("Id");
    std::string text = id && id->is_string() ? std::string(id->as_string()) : "";
    if (!ValidEntryId(text)) return InvalidBatchEntryId(text);
    if (!seen.insert(text).second) return BatchEntryIdsNotDistinct(text);
    out.emplace_back(text, entry);
  }
  return out;
}

json::object Failure(const std::string& id, const SqsError& error) {
  json::object out;
  out["Id"] = id;
  out["SenderFault"] = error.sender_fault;
  out["Code"] = error.query_code;
  out["Message"] = error.message;
  return out;
}

json::object BatchOutput(json::array successful, json::array failed) {
  json::object out;
  out["Successful"] = std::move(successful);
  out["Failed"] = std::move(failed);
  return out;
}

SqsError BadHandle(const std::string& handle) {
  return ReceiptHandleIsInvalid("The input receipt handle \"" + handle +
                                "\" is not a valid receipt handle.");
}

// ChangeVisibility's failures: a handle that is not one of this queue's is ReceiptHandleIsInvalid;
// a genuine one of a message no longer in flight (or received again since) is SQS's
// InvalidParameterValue "Value ... for parameter ReceiptHandle is invalid", which the store words.
SqsError FromVisibilityError(const Error& error, const std::string& handle) {
  if (error.code != ErrorCode::kInvalidArgument) return FromStoreError(error);
  if (error.message.rfind("Value ", 0) == 0) return InvalidParameterValue(error.message);
  return BadHandle(handle);
}

}  // namespace

void SqsService::SendMessage(const json::object& in, const CallContext& ctx, Reply reply) {
  SqsResult<store::QueueConfig> queue = ResolveQueue(in, ctx);
  if (!queue.ok()) return reply(queue.error());
  SqsResult<Prepared> prepared = PrepareMessage(in, queue.value(), ctx.sender_id);
  if (!prepared.ok()) return reply(prepared.error());
  std::vector<store::NewMessage> batch = {prepared.value().message};
  std::weak_ptr<bool> alive = alive_;
  queues_.Send(queue.value().name, std::move(batch), clock_(),
               [alive, prepared = std::move(prepared).value(),
                reply = std::move(reply)](kumo::Result<std::vector<store::SentMessage>> sent) {
                 if (!alive.lock()) return;
                 if (!sent.ok()) return reply(FromStoreError(sent.error()));
                 if (sent->size() != 1) return reply(InternalFailure("store answered no message"));
                 json::object out;
                 SetChecksums(out, prepared, (*sent)[0].id);
                 reply(std::move(out));
               });
}

void SqsService::SendMessageBatch(const json::object& in, const CallContext& ctx, Reply reply) {
  SqsResult<store::QueueConfig> queue = ResolveQueue(in, ctx);
  if (!queue.ok()) return reply(queue.error());
  auto entries = BatchEntries(in);
  if (!entries.ok()) return reply(entries.error());
  size_t total = 0;
  for (const auto& entry : entries.value()) total += EntrySize(*entry.second);
  if (total > kMaxBatchBytes) return reply(BatchRequestTooLong(total, kMaxBatchBytes));
  json::array failed;
  std::vector<std::pair<std::string, Prepared>> accepted;
  for (const auto& [id, entry] : entries.value()) {
    SqsResult<Prepared> prepared = PrepareMessage(*entry, queue.value(), ctx.sender_id);
    if (prepared.ok()) {
      accepted.emplace_back(id, std::move(prepared).value());
    } else {
      failed.push_back(Failure(id, prepared.error()));
    }
  }
  if (accepted.empty()) return reply(BatchOutput({}, std::move(failed)));
  std::vector<store::NewMessage> messages;
  for (const auto& item : accepted) messages.push_back(item.second.message);
  std::weak_ptr<bool> alive = alive_;
  queues_.Send(queue.value().name, std::move(messages), clock_(),
               [alive, accepted = std::move(accepted), failed = std::move(failed),
                reply = std::move(reply)](kumo::Result<std::vector<store::SentMessage>> sent) {
                 if (!alive.lock()) return;
                 if (!sent.ok()) return reply(FromStoreError(sent.error()));
                 if (sent->size() != accepted.size()) {
                   return reply(InternalFailure("store answered a different count"));
                 }
                 json::array successful;
                 for (size_t i = 0; i < accepted.size(); ++i) {
                   json::object entry;
                   entry["Id"] = accepted[i].first;
                   SetChecksums(entry, accepted[i].second, (*sent)[i].id);
                   successful.push_back(std::move(entry));
                 }
                 reply(BatchOutput(std::move(successful), failed));
               });
}

void SqsService::DeleteMessage(const json::object& in, const CallContext& ctx, Reply reply) {
  SqsResult<store::QueueConfig> queue = ResolveQueue(in, ctx);
  if (!queue.ok()) return reply(queue.error());
  SqsResult<std::string> handle = RequiredString(in, "ReceiptHandle");
  if (!handle.ok()) return reply(handle.error());
  std::weak_ptr<bool> alive = alive_;
  queues_.Delete(queue.value().name, {handle.value()},
                 [alive, handle = handle.value(),
                  reply = std::move(reply)](kumo::Result<std::vector<Status>> done) {
                   if (!alive.lock()) return;
                   if (!done.ok()) return reply(FromStoreError(done.error()));
                   if (done->size() != 1 || !(*done)[0].ok()) return reply(BadHandle(handle));
                   reply(json::object());
                 });
}

void SqsService::DeleteMessageBatch(const json::object& in, const CallContext& ctx, Reply reply) {
  SqsResult<store::QueueConfig> queue = ResolveQueue(in, ctx);
  if (!queue.ok()) return reply(queue.error());
  auto entries = BatchEntries(in);
  if (!entries.ok()) return reply(entries.error());
  json::array failed;
  std::vector<std::string> ids;
  std::vector<std::string> handles;
  for (const auto& [id, entry] : entries.value()) {
    SqsResult<std::string> handle = RequiredString(*entry, "ReceiptHandle");
    if (!handle.ok()) {
      failed.push_back(Failure(id, handle.error()));
      continue;
    }
    ids.push_back(id);
    handles.push_back(std::move(handle).value());
  }
  if (handles.empty()) return reply(BatchOutput({}, std::move(failed)));
  std::weak_ptr<bool> alive = alive_;
  queues_.Delete(queue.value().name, handles,
                 [alive, ids = std::move(ids), handles, failed = std::move(failed),
                  reply = std::move(reply)](kumo::Result<std::vector<Status>> done) mutable {
                   if (!alive.lock()) return;
                   if (!done.ok()) return reply(FromStoreError(done.error()));
                   json::array successful;
                   for (size_t i = 0; i < ids.size(); ++i) {
                     if (i < done->size() && (*done)[i].ok()) {
                       json::object entry;
                       entry["Id"] = ids[i];
                       successful.push_back(std::move(entry));
                     } else {
                       failed.push_back(Failure(ids[i], BadHandle(handles[i])));
                     }
                   }
                   reply(BatchOutput(std::move(successful), std::move(failed)));
                 });
}

SqsResult<json::object> SqsService::ChangeMessageVisibility(const json::object& in,
                                                            const CallContext& ctx) {
  SqsResult<store::QueueConfig> queue = ResolveQueue(in, ctx);
  if (!queue.ok()) return queue.error();
  SqsResult<std::string> handle = RequiredString(in, "ReceiptHandle");
  if (!handle.ok()) return handle.error();
  SqsResult<std::optional<int64_t>> timeout =
      OptionalInt(in, "VisibilityTimeout", 0, kMaxVisibilityTimeout);
  if (!timeout.ok()) return timeout.error();
  if (!timeout.value()) return MissingParameter("VisibilityTimeout");
  Status s = queues_.ChangeVisibility(queue.value().name, handle.value(),
                                      static_cast<int>(*timeout.value()), clock_());
  if (!s.ok()) return FromVisibilityError(s.error(), handle.value());
  return json::object();
}

SqsResult<json::object> SqsService::ChangeMessageVisibilityBatch(const json::object& in,
                                                                 const CallContext& ctx) {
  SqsResult<store::QueueConfig> queue = ResolveQueue(in, ctx);
  if (!queue.ok()) return queue.error();
  auto entries = BatchEntries(in);
  if (!entries.ok()) return entries.error();
  json::array successful;
  json::array failed;
  int64_t now = clock_();
  for (const auto& [id, entry] : entries.value()) {
    SqsResult<std::string> handle = RequiredString(*entry, "ReceiptHandle");
    if (!handle.ok()) {
      failed.push_back(Failure(id, handle.error()));
      continue;
    }
    SqsResult<std::optional<int64_t>> timeout =
        OptionalInt(*entry, "VisibilityTimeout", 0, kMaxVisibilityTimeout);
    if (!timeout.ok() || !timeout.value()) {
      failed.push_back(
          Failure(id, timeout.ok() ? MissingParameter("VisibilityTimeout") : timeout.error()));
      continue;
    }
    Status s = queues_.ChangeVisibility(queue.value().name, handle.value(),
                                        static_cast<int>(*timeout.value()), now);
    if (!s.ok()) {
      failed.push_back(Failure(id, FromVisibilityError(s.error(), handle.value())));
      continue;
    }
    json::object ok;
    ok["Id"] = id;
    successful.push_back(std::move(ok));
  }
  return BatchOutput(std::move(successful), std::move(failed));
}

}  // namespace kumo::api::sqs
