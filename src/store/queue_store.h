#pragma once
// Durable message queues: the state behind kumo's SQS-compatible queues, async invocations and
// schedules. Memory is the index (every message of every queue is held in memory, so receiving
// never reads the disk) and SQLite is the truth: every change is written by one writer thread
// that batches commits, and a change the caller must acknowledge to a client (send, delete) is
// reported done only after its commit. After a crash, Open() rebuilds the memory from SQLite.
//
// Time is a parameter (`now_ms`, milliseconds since the epoch), never read inside, so the rules
// (visibility, delay, retention, redrive) are tested without a clock. Loop thread only, except
// that completion callbacks are handed to the `post` function given to Open (the server passes
// EventLoop::Post) and run wherever it runs them.
//
// A later cluster implementation (a distributed log) implements this same interface.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace kumo::store {

struct RedrivePolicy {
  std::string dead_letter_queue;  // name of a queue of this store
  int max_receive_count = 10;     // 1..1000
};

// A queue's settings. Names follow SQS: 1-80 of [A-Za-z0-9_-]; kumo's internal queues (async
// invocations) start with '~', which no client can create or list.
struct QueueConfig {
  std::string name;
  int visibility_timeout_s = 30;      // 0..43200
  int delay_s = 0;                    // 0..900
  int retention_s = 345600;           // 60..1209600
  int max_message_bytes = 262144;     // 1024..262144
  int receive_wait_s = 0;             // 0..20 (long polling is the caller's; kept here)
  std::optional<RedrivePolicy> redrive;
  // Attributes kumo keeps and returns but does not act on (Policy, KmsMasterKeyId, ...).
  std::map<std::string, std::string> other_attributes;
  std::map<std::string, std::string> tags;
  int64_t created_ms = 0;   // set by CreateQueue
  int64_t modified_ms = 0;  // set by CreateQueue and SetConfig
};

// A message as the sender gave it. The store does not interpret the attribute documents or
// checksums; the protocol layer computes them once at send time. Both attribute documents are
// SQS's JSON-protocol shape, whichever protocol the sender used, so every reader (the SQS API,
// event source mappings) decodes one format: {"name": {"DataType": "String", "StringValue":
// "..."}} or {"name": {"DataType": "Binary", "BinaryValue": "<base64>"}} ("Number" and custom
// types like "String.x" / "Binary.y" as sent).
struct NewMessage {
  std::string body;
  std::string message_attributes_json;  // "" or the MessageAttributes object, as above
  std::string system_attributes_json;   // "" or the MessageSystemAttributes object, as above
  std::string md5_of_body;
  std::string md5_of_message_attributes;  // "" when there are none
  int delay_s = -1;                       // -1: the queue's delay
  std::string sender_id;                  // who sent it (for the SenderId attribute)
};

struct StoredMessage {
  std::string id;  // a UUID
  NewMessage content;
  int64_t sent_ms = 0;
  int64_t visible_at_ms = 0;  // not receivable before this (delay or visibility timeout)
  int receive_count = 0;
  int64_t first_receive_ms = 0;  // 0 until first received
};

struct ReceivedMessage {
  StoredMessage message;       // receive_count already counts this receive
  std::string receipt_handle;  // opaque, unique to this receive
};

struct QueueCounts {
  int64_t visible = 0;    // ApproximateNumberOfMessages
  int64_t in_flight = 0;  // ApproximateNumberOfMessagesNotVisible (received, not yet visible)
  int64_t delayed = 0;    // ApproximateNumberOfMessagesDelayed (sent with a delay not yet over)
};

struct SentMessage {
  std::string id;
  std::string md5_of_body;
  std::string md5_of_message_attributes;
};

class QueueStore {
 public:
  using Post = std::function<void(std::function<void()>)>;
  template <typename T>
  using Done = std::function<void(Result<T>)>;

  virtual ~QueueStore() = default;

  // Queues. Creating a queue that exists with the same settings returns it; with different
  // settings it is kConflict (SQS's QueueAlreadyExists). Deleting removes its messages.
  virtual Result<QueueConfig> CreateQueue(QueueConfig config, int64_t now_ms) = 0;
  virtual Result<QueueConfig> GetQueue(const std::string& name) const = 0;
  // Names starting with `prefix`, sorted; internal queues (names starting with '~') only
  // when `prefix` starts with '~'.
  virtual std::vector<std::string> ListQueues(const std::string& prefix) const = 0;
  virtual Status SetConfig(const QueueConfig& config, int64_t now_ms) = 0;
  virtual Status DeleteQueue(const std::string& name) = 0;
  virtual Status Purge(const std::string& name) = 0;
  virtual Result<QueueCounts> Counts(const std::string& name, int64_t now_ms) const = 0;

  // Stores the messages and calls `done` once they are committed (the moment to acknowledge),
  // with one result per message in order. Fails as a whole (kNotFound) when the queue is
  // missing; sizes and contents are the caller's to check.
  virtual void Send(const std::string& queue, std::vector<NewMessage> messages, int64_t now_ms,
                    Done<std::vector<SentMessage>> done) = 0;
  // Like Send of one message, and in the same commit sets the named cursor to `cursor_value`
  // (how a schedule records that a firing was enqueued, atomically with the event).
  virtual void SendWithCursor(const std::string& queue, NewMessage message,
                              const std::string& cursor_key, const std::string& cursor_value,
                              int64_t now_ms, Done<SentMessage> done) = 0;
  virtual std::optional<std::string> Cursor(const std::string& cursor_key) const = 0;
  // Sets a cursor without an event (a schedule skipping missed firings), written in the
  // background like a receive. Test fakes need not support it.
  virtual Status SetCursor(const std::string& cursor_key, const std::string& cursor_value) {
    return MakeError(ErrorCode::kUnavailable, "this queue store cannot set cursors");
  }

  // Up to `max` (1..10 for SQS; internal callers may ask more) messages visible at `now_ms`,
  // oldest first, made invisible for `visibility_s` (-1: the queue's). A message already received
  // max_receive_count times moves to the redrive policy's dead-letter queue instead of being
  // returned. Returns at once, possibly with nothing: waiting is the caller's (see listeners).
  // The receive is persisted in the background: after a crash a message may come back with an
  // older receive count, never lost.
  virtual Result<std::vector<ReceivedMessage>> Receive(const std::string& queue, int max,
                                                       int visibility_s, int64_t now_ms) = 0;
  // Deletes by receipt handle. A handle of a message that is gone already succeeds (as SQS); a
  // handle that never came from this queue is kInvalidArgument. `done` after the commit.
  virtual void Delete(const std::string& queue, std::vector<std::string> receipt_handles,
                      Done<std::vector<Status>> done) = 0;
  // The message becomes visible `visibility_s` after `now_ms` (0: at once). kInvalidArgument
  // for a handle that is not the message's latest receive or for a message not in flight.
  virtual Status ChangeVisibility(const std::string& queue, const std::string& receipt_handle,
                                  int visibility_s, int64_t now_ms) = 0;
  // Replaces an in-flight message's body and makes it visible `delay_s` after `now_ms`, keeping
  // its id and receive count; `done` after the commit. Async invocations use it to record an
  // attempt and schedule the retry in one durable step. `done(false)` when the handle is no
  // longer the message's latest (received again, requeued already, or gone): nothing changed.
  virtual void Requeue(const std::string& queue, const std::string& receipt_handle,
                       std::string new_body, int delay_s, int64_t now_ms, Done<bool> done) = 0;

  // Makes every in-flight message of `queue` visible at `now_ms`: whoever received them is gone
  // (kumo's own consumers after a restart), so waiting out their visibility timeout would only
  // delay them. Their receipt handles stay valid for Delete.
  // Test fakes need not support it.
  virtual Status ReleaseInFlight(const std::string& queue, int64_t now_ms) {
    return MakeError(ErrorCode::kUnavailable, "this queue store cannot release messages");
  }
  // When the next message of `queue` becomes visible (delay or visibility ends), if any is
  // waiting; consumers arm a timer for it. A time already past when one is receivable now.
  virtual std::optional<int64_t> NextVisibleAt(const std::string& queue) const = 0;
  // Called (through `post`) with a queue's name whenever messages may have become receivable
  // there without time passing: after a Send commits, a ChangeVisibility to 0, a redrive into
  // it. Returns an id for RemoveListener.
  virtual int AddListener(std::function<void(const std::string& queue)> listener) = 0;
  virtual void RemoveListener(int id) = 0;
  // Drops messages older than their queue's retention. The server calls it now and then.
  virtual void ExpireOld(int64_t now_ms) = 0;
  // Waits until everything handed to the writer is committed (shutdown, tests).
  virtual void Flush() = 0;
};

// The SQLite implementation (file `path`, created if missing), loaded into memory.
Result<std::unique_ptr<QueueStore>> OpenSqliteQueueStore(const std::string& path,
                                                         QueueStore::Post post);

}  // namespace kumo::store
