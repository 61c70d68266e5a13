#include "store/sqlite_queue_store.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "common/check.h"
#include "common/encoding.h"
#include "store/queue_config_rules.h"

namespace kumo::store {
namespace {

constexpr int64_t kMsPerS = 1000;
constexpr size_t kHandleTagHexChars = 24;

Error NoQueue(const std::string& name) {
  return MakeError(ErrorCode::kNotFound, "The specified queue does not exist: " + name);
}

std::string Md5Hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  KUMO_CHECK(EVP_Digest(data.data(), data.size(), digest, &size, EVP_md5(), nullptr) == 1);
  return HexEncode(std::string(reinterpret_cast<const char*>(digest), size));
}

bool ParseCount(const std::string& text, int* count) {
  if (text.empty() || text.size() > 9) return false;
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  *count = std::stoi(text);
  return true;
}

}  // namespace

// ---- QueueState ----

SqliteQueueStore::Message& SqliteQueueStore::QueueState::Add(Message message) {
  int64_t seq = message.seq;
  message.ready = false;
  seq_by_id[message.stored.id] = seq;
  by_sent.emplace(message.stored.sent_ms, seq);
  Message& added = messages.insert_or_assign(seq, std::move(message)).first->second;
  Attach(added);
  return added;
}

SqliteQueueStore::Message SqliteQueueStore::QueueState::Remove(int64_t seq) {
  auto node = messages.extract(seq);
  KUMO_CHECK(!node.empty());
  Message& m = node.mapped();
  Detach(m);
  by_sent.erase({m.stored.sent_ms, seq});
  seq_by_id.erase(m.stored.id);
  return std::move(m);
}

void SqliteQueueStore::QueueState::Detach(Message& m) {
  if (m.ready) {
    ready.erase(m.seq);
  } else {
    (m.stored.receive_count > 0 ? in_flight : delayed).erase({m.stored.visible_at_ms, m.seq});
  }
  m.ready = false;
}

void SqliteQueueStore::QueueState::Attach(Message& m) {
  (m.stored.receive_count > 0 ? in_flight : delayed).emplace(m.stored.visible_at_ms, m.seq);
}

void SqliteQueueStore::QueueState::Migrate(int64_t now_ms) {
  for (auto* waiting : {&delayed, &in_flight}) {
    while (!waiting->empty() && waiting->begin()->first <= now_ms) {
      int64_t seq = waiting->begin()->second;
      waiting->erase(waiting->begin());
      ready.insert(seq);
      messages.at(seq).ready = true;
    }
  }
}

SqliteQueueStore::Message* SqliteQueueStore::QueueState::Find(const std::string& id) {
  auto it = seq_by_id.find(id);
  return it == seq_by_id.end() ? nullptr : &messages.at(it->second);
}

// ---- opening and closing ----

Result<std::unique_ptr<QueueStore>> OpenSqliteQueueStore(const std::string& path,
                                                         QueueStore::Post post) {
  return SqliteQueueStore::Open(path, std::move(post));
}

Result<std::unique_ptr<QueueStore>> SqliteQueueStore::Open(const std::string& path, Post post) {
  KUMO_CHECK(post != nullptr);
  QueueSnapshot snapshot;
  KUMO_ASSIGN_OR_RETURN(std::unique_ptr<QueueWriter> writer,
                        QueueWriter::Open(path, post, &snapshot));
  return std::unique_ptr<QueueStore>(
      new SqliteQueueStore(std::move(post), std::move(writer), std::move(snapshot)));
}

SqliteQueueStore::SqliteQueueStore(Post post, std::unique_ptr<QueueWriter> writer,
                                   QueueSnapshot snapshot)
    : post_(std::move(post)),
      writer_(std::move(writer)),
      secret_(std::move(snapshot.secret)),
      cursors_(std::move(snapshot.cursors)),
      random_(std::random_device()()),
      listeners_(std::make_shared<Listeners>()) {
  for (QueueConfig& config : snapshot.queues) {
    auto state = std::make_unique<QueueState>();
    state->config = std::move(config);
    queues_[state->config.name] = std::move(state);
  }
  for (MessageRow& row : snapshot.messages) {
    next_seq_ = std::max(next_seq_, row.seq + 1);
    QueueState* queue = FindQueue(row.queue);
    if (queue == nullptr) continue;  // cannot happen: a queue's rows go with it
    queue->Add(Message{std::move(row.message), row.seq, std::move(row.receipt_token)});
  }
}

SqliteQueueStore::~SqliteQueueStore() {
  listeners_->by_id.clear();
  writer_.reset();
}

void SqliteQueueStore::Flush() { writer_->Flush(); }

SqliteQueueStore::QueueState* SqliteQueueStore::FindQueue(const std::string& name) {
  auto it = queues_.find(name);
  return it == queues_.end() ? nullptr : it->second.get();
}

const SqliteQueueStore::QueueState* SqliteQueueStore::FindQueue(const std::string& name) const {
  auto it = queues_.find(name);
  return it == queues_.end() ? nullptr : it->second.get();
}

template <typename T>
void SqliteQueueStore::Fail(Done<T> done, Error error) const {
  post_([done = std::move(done), error = std::move(error)] { done(error); });
}

// ---- queues ----

Result<QueueConfig> SqliteQueueStore::CreateQueue(QueueConfig config, int64_t now_ms) {
  KUMO_RETURN_IF_ERROR(ValidateConfig(config));
  if (const QueueState* existing = FindQueue(config.name)) {
    std::string different = FirstDifference(existing->config, config);
    if (!different.empty()) {
      return MakeError(ErrorCode::kConflict,
                       "A queue already exists with the same name and a different value for "
                       "attribute " +
                           different);
    }
    return existing->config;
  }
  config.created_ms = now_ms;
  config.modified_ms = now_ms;
  auto state = std::make_unique<QueueState>();
  state->config = config;
  queues_[config.name] = std::move(state);
  writer_->Submit(queue_op::PutQueue{config});
  return config;
}

Result<QueueConfig> SqliteQueueStore::GetQueue(const std::string& name) const {
  const QueueState* queue = FindQueue(name);
  if (queue == nullptr) return NoQueue(name);
  return queue->config;
}

std::vector<std::string> SqliteQueueStore::ListQueues(const std::string& prefix) const {
  bool internal = !prefix.empty() && prefix[0] == '~';
  std::vector<std::string> names;
  for (auto it = queues_.lower_bound(prefix); it != queues_.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    if (!internal && it->first[0] == '~') continue;
    names.push_back(it->first);
  }
  return names;
}

Status SqliteQueueStore::SetConfig(const QueueConfig& config, int64_t now_ms) {
  KUMO_RETURN_IF_ERROR(ValidateConfig(config));
  QueueState* queue = FindQueue(config.name);
  if (queue == nullptr) return NoQueue(config.name);
  int64_t created_ms = queue->config.created_ms;
  queue->config = config;
  queue->config.created_ms = created_ms;
  queue->config.modified_ms = now_ms;
  writer_->Submit(queue_op::PutQueue{queue->config});
  return Ok();
}

Status SqliteQueueStore::DeleteQueue(const std::string& name) {
  if (queues_.erase(name) == 0) return NoQueue(name);
  writer_->Submit(queue_op::DropQueue{name});
  return Ok();
}

Status SqliteQueueStore::Purge(const std::string& name) {
  QueueState* queue = FindQueue(name);
  if (queue == nullptr) return NoQueue(name);
  auto fresh = std::make_unique<QueueState>();
  fresh->config = std::move(queue->config);
  queues_[name] = std::move(fresh);
  writer_->Submit(queue_op::PurgeQueue{name});
  return Ok();
}

Result<QueueCounts> SqliteQueueStore::Counts(const std::string& name, int64_t now_ms) const {
  const QueueState* queue = FindQueue(name);
  if (queue == nullptr) return NoQueue(name);
  // What Migrate would move now counts as visible; the rest of each waiting set as it is.
  auto due = [now_ms](const std::set<std::pair<int64_t, int64_t>>& waiting) {
    int64_t n = 0;
    for (auto it = waiting.begin(); it != waiting.end() && it->first <= now_ms; ++it) ++n;
    return n;
  };
  int64_t due_delayed = due(queue->delayed);
  int64_t due_in_flight = due(queue->in_flight);
  QueueCounts counts;
  counts.visible = static_cast<int64_t>(queue->ready.size()) + due_delayed + due_in_flight;
  counts.delayed = static_cast<int64_t>(queue->delayed.size()) - due_delayed;
  counts.in_flight = static_cast<int64_t>(queue->in_flight.size()) - due_in_flight;
  return counts;
}

std::optional<int64_t> SqliteQueueStore::NextVisibleAt(const std::string& name) const {
  const QueueState* queue = FindQueue(name);
  if (queue == nullptr) return std::nullopt;
  std::optional<int64_t> next;
  if (!queue->ready.empty()) next = queue->messages.at(*queue->ready.begin()).stored.visible_at_ms;
  for (const auto* waiting : {&queue->delayed, &queue->in_flight}) {
    if (!waiting->empty() && (!next.has_value() || waiting->begin()->first < *next)) {
      next = waiting->begin()->first;
    }
  }
  return next;
}

// ---- sending ----

Result<std::vector<MessageRow>> SqliteQueueStore::AddMessages(QueueState& queue,
                                                              std::vector<NewMessage> messages,
                                                              int64_t now_ms) {
  for (const NewMessage& message : messages) {
    int delay_s = message.delay_s < 0 ? queue.config.delay_s : message.delay_s;
    KUMO_RETURN_IF_ERROR(CheckRange("DelaySeconds", delay_s, 0, kMaxDelayS));
  }
  std::vector<MessageRow> rows;
  rows.reserve(messages.size());
  for (NewMessage& content : messages) {
    int delay_s = content.delay_s < 0 ? queue.config.delay_s : content.delay_s;
    Message m;
    m.seq = next_seq_++;
    m.stored.id = NewUuid();
    m.stored.content = std::move(content);
    m.stored.sent_ms = now_ms;
    m.stored.visible_at_ms = now_ms + delay_s * kMsPerS;
    rows.push_back(MessageRow{queue.config.name, m.seq, m.stored, ""});
    queue.Add(std::move(m));
  }
  return rows;
}

void SqliteQueueStore::Send(const std::string& queue_name, std::vector<NewMessage> messages,
                            int64_t now_ms, Done<std::vector<SentMessage>> done) {
  SendAndSetCursor(queue_name, std::move(messages), std::nullopt, now_ms, std::move(done));
}

void SqliteQueueStore::SendWithCursor(const std::string& queue_name, NewMessage message,
                                      const std::string& cursor_key,
                                      const std::string& cursor_value, int64_t now_ms,
                                      Done<SentMessage> done) {
  std::vector<NewMessage> one;
  one.push_back(std::move(message));
  SendAndSetCursor(queue_name, std::move(one), std::make_pair(cursor_key, cursor_value), now_ms,
                   [done = std::move(done)](Result<std::vector<SentMessage>> sent) {
                     if (!sent.ok()) return done(sent.error());
                     done(sent->front());
                   });
}

void SqliteQueueStore::SendAndSetCursor(const std::string& queue_name,
                                        std::vector<NewMessage> messages,
                                        std::optional<std::pair<std::string, std::string>> cursor,
                                        int64_t now_ms, Done<std::vector<SentMessage>> done) {
  QueueState* queue = FindQueue(queue_name);
  if (queue == nullptr) return Fail(std::move(done), NoQueue(queue_name));
  Result<std::vector<MessageRow>> rows = AddMessages(*queue, std::move(messages), now_ms);
  if (!rows.ok()) return Fail(std::move(done), rows.error());
  std::vector<SentMessage> sent;
  for (const MessageRow& row : *rows) {
    const NewMessage& content = row.message.content;
    sent.push_back({row.message.id, content.md5_of_body, content.md5_of_message_attributes});
  }
  if (cursor.has_value()) cursors_[cursor->first] = cursor->second;
  writer_->Submit(queue_op::InsertMessages{std::move(rows).value(), std::move(cursor)},
                  [done = std::move(done), sent = std::move(sent),
                   notify = NotifyLater(queue_name)](Status status) {
                    if (!status.ok()) return done(status.error());
                    done(sent);
                    notify(status);
                  });
}

Status SqliteQueueStore::SetCursor(const std::string& cursor_key,
                                   const std::string& cursor_value) {
  cursors_[cursor_key] = cursor_value;
  writer_->Submit(queue_op::InsertMessages{{}, std::make_pair(cursor_key, cursor_value)}, nullptr);
  return Ok();
}

std::optional<std::string> SqliteQueueStore::Cursor(const std::string& cursor_key) const {
  auto it = cursors_.find(cursor_key);
  if (it == cursors_.end()) return std::nullopt;
  return it->second;
}

// ---- receiving ----

SqliteQueueStore::QueueState* SqliteQueueStore::RedriveTarget(const QueueState& queue,
                                                              const Message& m) {
  const std::optional<RedrivePolicy>& redrive = queue.config.redrive;
  if (!redrive.has_value() || m.stored.receive_count < redrive->max_receive_count) return nullptr;
  if (redrive->dead_letter_queue == queue.config.name) return nullptr;
  return FindQueue(redrive->dead_letter_queue);
}

void SqliteQueueStore::MoveToDeadLetter(QueueState& from, int64_t seq, QueueState& to,
                                        int64_t now_ms) {
  Message m = from.Remove(seq);
  m.seq = next_seq_++;
  m.stored.visible_at_ms = now_ms;
  m.stored.receive_count = 0;
  m.stored.first_receive_ms = 0;
  m.receipt_token.clear();
  writer_->Submit(queue_op::Move{m.stored.id, to.config.name, m.seq, now_ms});
  to.Add(std::move(m));
}

ReceivedMessage SqliteQueueStore::ReceiveOne(QueueState& queue, Message& m, int visibility_s,
                                             int64_t now_ms) {
  queue.Detach(m);
  ++m.stored.receive_count;
  if (m.stored.first_receive_ms == 0) m.stored.first_receive_ms = now_ms;
  m.stored.visible_at_ms = now_ms + visibility_s * kMsPerS;
  char token[17];
  std::snprintf(token, sizeof(token), "%016" PRIx64, static_cast<uint64_t>(random_()));
  m.receipt_token = token;
  queue.Attach(m);
  writer_->Submit(queue_op::SetState{m.stored.id, m.stored.visible_at_ms, m.stored.receive_count,
                                     m.stored.first_receive_ms, m.receipt_token});
  return ReceivedMessage{m.stored, MakeHandle(queue.config.name, m)};
}

Result<std::vector<ReceivedMessage>> SqliteQueueStore::Receive(const std::string& queue_name,
                                                               int max, int visibility_s,
                                                               int64_t now_ms) {
  QueueState* queue = FindQueue(queue_name);
  if (queue == nullptr) return NoQueue(queue_name);
  if (max < 1) return CheckRange("MaxNumberOfMessages", max, 1, 10).error();
  if (visibility_s != -1) {
    KUMO_RETURN_IF_ERROR(CheckRange("VisibilityTimeout", visibility_s, 0, kMaxVisibilityS));
  }
  int visibility = visibility_s < 0 ? queue->config.visibility_timeout_s : visibility_s;
  queue->Migrate(now_ms);
  std::vector<ReceivedMessage> received;
  std::set<std::string> redriven_to;
  while (received.size() < static_cast<size_t>(max) && !queue->ready.empty()) {
    int64_t seq = *queue->ready.begin();
    Message& m = queue->messages.at(seq);
    if (QueueState* dead_letter = RedriveTarget(*queue, m)) {
      MoveToDeadLetter(*queue, seq, *dead_letter, now_ms);
      redriven_to.insert(dead_letter->config.name);
      continue;
    }
    received.push_back(ReceiveOne(*queue, m, visibility, now_ms));
  }
  for (const std::string& name : redriven_to) {
    writer_->Submit(queue_op::Nothing{}, NotifyLater(name));
  }
  return received;
}

// ---- receipt handles: "<id>.<receive count>.<random>.<tag>", the tag signing the rest and the
// queue with the file's secret, so a handle from elsewhere is told apart even once its message
// is gone ----

std::string SqliteQueueStore::HandleTag(const std::string& queue,
                                        const std::string& unsigned_part) const {
  return HexEncode(Sha256(secret_ + "\n" + queue + "\n" + unsigned_part))
      .substr(0, kHandleTagHexChars);
}

std::string SqliteQueueStore::MakeHandle(const std::string& queue, const Message& m) const {
  std::string part =
      m.stored.id + "." + std::to_string(m.stored.receive_count) + "." + m.receipt_token;
  return part + "." + HandleTag(queue, part);
}

Result<SqliteQueueStore::Handle> SqliteQueueStore::ParseHandle(const std::string& queue,
                                                               const std::string& handle) const {
  Error invalid = MakeError(ErrorCode::kInvalidArgument, "The input receipt handle \"" + handle +
                                                             "\" is not a valid receipt handle.");
  size_t tag_dot = handle.rfind('.');
  if (tag_dot == std::string::npos) return invalid;
  std::string part = handle.substr(0, tag_dot);
  size_t token_dot = part.rfind('.');
  size_t count_dot = token_dot == std::string::npos || token_dot == 0
                         ? std::string::npos
                         : part.rfind('.', token_dot - 1);
  if (count_dot == std::string::npos || count_dot == 0) return invalid;
  Handle parsed;
  parsed.id = part.substr(0, count_dot);
  parsed.token = part.substr(token_dot + 1);
  if (!ParseCount(part.substr(count_dot + 1, token_dot - count_dot - 1), &parsed.receive_count) ||
      parsed.token.empty() || handle.substr(tag_dot + 1) != HandleTag(queue, part)) {
    return invalid;
  }
  return parsed;
}

// ---- after receiving ----

void SqliteQueueStore::Delete(const std::string& queue_name, std::vector<std::string> handles,
                              Done<std::vector<Status>> done) {
  QueueState* queue = FindQueue(queue_name);
  if (queue == nullptr) return Fail(std::move(done), NoQueue(queue_name));
  std::vector<Status> results;
  std::vector<std::string> ids;
  for (const std::string& handle : handles) {
    Result<Handle> parsed = ParseHandle(queue_name, handle);
    if (!parsed.ok()) {
      results.push_back(parsed.error());
      continue;
    }
    // Any genuine handle deletes a message that still exists, even one received again since
    // (SQS does the same); one that is gone already succeeds.
    if (Message* m = queue->Find(parsed->id)) {
      ids.push_back(m->stored.id);
      queue->Remove(m->seq);
    }
    results.push_back(Ok());
  }
  QueueOp op = queue_op::Nothing{};
  if (!ids.empty()) op = queue_op::DeleteMessages{std::move(ids)};
  writer_->Submit(std::move(op),
                  [done = std::move(done), results = std::move(results)](Status status) {
                    if (!status.ok()) return done(status.error());
                    done(results);
                  });
}

Status SqliteQueueStore::ChangeVisibility(const std::string& queue_name,
                                          const std::string& receipt_handle, int visibility_s,
                                          int64_t now_ms) {
  QueueState* queue = FindQueue(queue_name);
  if (queue == nullptr) return NoQueue(queue_name);
  KUMO_RETURN_IF_ERROR(CheckRange("VisibilityTimeout", visibility_s, 0, kMaxVisibilityS));
  KUMO_ASSIGN_OR_RETURN(Handle handle, ParseHandle(queue_name, receipt_handle));
  Message* m = queue->Find(handle.id);
  if (m == nullptr || m->receipt_token.empty() || handle.token != m->receipt_token ||
      handle.receive_count != m->stored.receive_count || m->stored.visible_at_ms <= now_ms) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Value " + receipt_handle +
                         " for parameter ReceiptHandle is invalid. Reason: Message does not exist "
                         "or is not available for visibility timeout change.");
  }
  queue->Detach(*m);
  m->stored.visible_at_ms = now_ms + visibility_s * kMsPerS;
  queue->Attach(*m);
  writer_->Submit(queue_op::SetState{m->stored.id, m->stored.visible_at_ms, m->stored.receive_count,
                                     m->stored.first_receive_ms, m->receipt_token},
                  visibility_s == 0 ? NotifyLater(queue_name) : nullptr);
  return Ok();
}

Status SqliteQueueStore::ReleaseInFlight(const std::string& queue_name, int64_t now_ms) {
  QueueState* queue = FindQueue(queue_name);
  if (queue == nullptr) return NoQueue(queue_name);
  std::vector<int64_t> held;
  for (auto it = queue->in_flight.lower_bound({now_ms + 1, 0}); it != queue->in_flight.end(); ++it) {
    held.push_back(it->second);
  }
  for (int64_t seq : held) {
    Message& m = queue->messages.at(seq);
    queue->Detach(m);
    m.stored.visible_at_ms = now_ms;
    queue->Attach(m);
    writer_->Submit(queue_op::SetState{m.stored.id, m.stored.visible_at_ms, m.stored.receive_count,
                                       m.stored.first_receive_ms, m.receipt_token},
                    nullptr);
  }
  return Ok();
}

// Accepts the latest handle also after its visibility ran out, as long as nobody received the
// message since: the retry it records is still the right next step. `done(false)` when the
// handle is no longer the latest or the message is gone.
void SqliteQueueStore::Requeue(const std::string& queue_name, const std::string& receipt_handle,
                               std::string new_body, int delay_s, int64_t now_ms, Done<bool> done) {
  QueueState* queue = FindQueue(queue_name);
  if (queue == nullptr) return Fail(std::move(done), NoQueue(queue_name));
  Status delay_ok = CheckRange("DelaySeconds", delay_s, 0, kMaxVisibilityS);
  if (!delay_ok.ok()) return Fail(std::move(done), delay_ok.error());
  Result<Handle> handle = ParseHandle(queue_name, receipt_handle);
  if (!handle.ok()) return Fail(std::move(done), handle.error());
  Message* m = queue->Find(handle->id);
  if (m == nullptr || m->receipt_token.empty() || handle->token != m->receipt_token ||
      handle->receive_count != m->stored.receive_count) {
    writer_->Submit(queue_op::Nothing{}, [done = std::move(done)](Status status) {
      if (!status.ok()) return done(status.error());
      done(false);
    });
    return;
  }
  queue->Detach(*m);
  NewMessage& content = m->stored.content;
  content.body = std::move(new_body);
  if (!content.md5_of_body.empty()) content.md5_of_body = Md5Hex(content.body);
  m->stored.visible_at_ms = now_ms + delay_s * kMsPerS;
  m->receipt_token.clear();
  queue->Attach(*m);
  QueueWriter::Completion notify = delay_s == 0 ? NotifyLater(queue_name) : nullptr;
  writer_->Submit(
      queue_op::SetBody{m->stored.id, content.body, content.md5_of_body, m->stored.visible_at_ms},
      [done = std::move(done), notify = std::move(notify)](Status status) {
        if (!status.ok()) return done(status.error());
        done(true);
        if (notify) notify(status);
      });
}

// ---- listeners and retention ----

int SqliteQueueStore::AddListener(std::function<void(const std::string& queue)> listener) {
  int id = listeners_->next_id++;
  listeners_->by_id[id] = std::move(listener);
  return id;
}

void SqliteQueueStore::RemoveListener(int id) { listeners_->by_id.erase(id); }

QueueWriter::Completion SqliteQueueStore::NotifyLater(const std::string& queue) const {
  return [listeners = listeners_, queue](Status status) {
    if (!status.ok()) return;
    // A listener may remove itself or others while being called.
    std::vector<int> ids;
    for (const auto& entry : listeners->by_id) ids.push_back(entry.first);
    for (int id : ids) {
      auto it = listeners->by_id.find(id);
      if (it != listeners->by_id.end()) it->second(queue);
    }
  };
}

void SqliteQueueStore::ExpireOld(int64_t now_ms) {
  std::vector<std::string> ids;
  for (auto& [name, queue] : queues_) {
    int64_t retention_ms = queue->config.retention_s * kMsPerS;
    while (!queue->by_sent.empty() && queue->by_sent.begin()->first + retention_ms <= now_ms) {
      ids.push_back(queue->Remove(queue->by_sent.begin()->second).stored.id);
    }
  }
  if (!ids.empty()) writer_->Submit(queue_op::DeleteMessages{std::move(ids)});
}

}  // namespace kumo::store
