#pragma once
// The embedded QueueStore: every queue and message in memory, SQLite (through QueueWriter's one
// writer thread) as the truth. Memory changes at once, on the calling (loop) thread; the matching
// write op is queued behind every earlier one, and acknowledgements (Send, Delete, Requeue) and
// listener calls wait for its commit. A message is thus receivable a moment before its send is
// committed; if that commit never happens the sender was never acknowledged and retries, which
// at-least-once delivery allows. Loop thread only (see queue_store.h).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/queue_store.h"
#include "store/queue_writer.h"

namespace kumo::store {

class SqliteQueueStore final : public QueueStore {
 public:
  static Result<std::unique_ptr<QueueStore>> Open(const std::string& path, Post post);
  // Drains the writer (everything queued is committed) and joins it. No listener is called after.
  ~SqliteQueueStore() override;

  Result<QueueConfig> CreateQueue(QueueConfig config, int64_t now_ms) override;
  Result<QueueConfig> GetQueue(const std::string& name) const override;
  std::vector<std::string> ListQueues(const std::string& prefix) const override;
  Status SetConfig(const QueueConfig& config, int64_t now_ms) override;
  Status DeleteQueue(const std::string& name) override;
  Status Purge(const std::string& name) override;
  Result<QueueCounts> Counts(const std::string& name, int64_t now_ms) const override;

  void Send(const std::string& queue, std::vector<NewMessage> messages, int64_t now_ms,
            Done<std::vector<SentMessage>> done) override;
  void SendWithCursor(const std::string& queue, NewMessage message, const std::string& cursor_key,
                      const std::string& cursor_value, int64_t now_ms,
                      Done<SentMessage> done) override;
  std::optional<std::string> Cursor(const std::string& cursor_key) const override;

  Result<std::vector<ReceivedMessage>> Receive(const std::string& queue, int max, int visibility_s,
                                               int64_t now_ms) override;
  void Delete(const std::string& queue, std::vector<std::string> receipt_handles,
              Done<std::vector<Status>> done) override;
  Status SetCursor(const std::string& cursor_key, const std::string& cursor_value) override;
  Status ReleaseInFlight(const std::string& queue, int64_t now_ms) override;
  Status ChangeVisibility(const std::string& queue, const std::string& receipt_handle,
                          int visibility_s, int64_t now_ms) override;
  void Requeue(const std::string& queue, const std::string& receipt_handle, std::string new_body,
               int delay_s, int64_t now_ms, Done<bool> done) override;

  std::optional<int64_t> NextVisibleAt(const std::string& queue) const override;
  int AddListener(std::function<void(const std::string& queue)> listener) override;
  void RemoveListener(int id) override;
  void ExpireOld(int64_t now_ms) override;
  void Flush() override;

 private:
  struct Message {
    StoredMessage stored;
    int64_t seq = 0;
    std::string receipt_token;  // random part of the latest handle; "" after a requeue
    bool ready = false;         // in QueueState::ready rather than a waiting set
  };

  // One queue's messages, indexed so a receive costs what it returns: `ready` holds what was
  // found visible (in send order); the two waiting sets hold the rest by when they become
  // visible, and Migrate moves what has come due. Time is assumed not to run backwards.
  struct QueueState {
    QueueConfig config;
    std::map<int64_t, Message> messages;  // by seq: send order
    std::unordered_map<std::string, int64_t> seq_by_id;
    std::set<int64_t> ready;
    std::set<std::pair<int64_t, int64_t>> delayed;    // (visible_at, seq), never received
    std::set<std::pair<int64_t, int64_t>> in_flight;  // (visible_at, seq), received
    std::set<std::pair<int64_t, int64_t>> by_sent;    // (sent_ms, seq), for retention

    Message& Add(Message message);  // waiting until Migrate finds it visible
    Message Remove(int64_t seq);    // out of every index
    void Detach(Message& m);        // out of ready / waiting, to change visible_at or receive_count
    void Attach(Message& m);        // back into a waiting set
    void Migrate(int64_t now_ms);
    Message* Find(const std::string& id);
  };

  // Listeners live apart from the store so a notification posted before the store's end can
  // still run safely after it (and then finds none).
  struct Listeners {
    std::map<int, std::function<void(const std::string&)>> by_id;
    int next_id = 1;
  };

  struct Handle {
    std::string id;
    int receive_count = 0;
    std::string token;
  };

  SqliteQueueStore(Post post, std::unique_ptr<QueueWriter> writer, QueueSnapshot snapshot);

  QueueState* FindQueue(const std::string& name);
  const QueueState* FindQueue(const std::string& name) const;
  // Adds `messages` to `queue` (ids, seqs, visible times) and returns the rows to write.
  Result<std::vector<MessageRow>> AddMessages(QueueState& queue, std::vector<NewMessage> messages,
                                              int64_t now_ms);
  // Send, and SendWithCursor when `cursor` (key, value) is set: one write op, one commit.
  void SendAndSetCursor(const std::string& queue_name, std::vector<NewMessage> messages,
                        std::optional<std::pair<std::string, std::string>> cursor, int64_t now_ms,
                        Done<std::vector<SentMessage>> done);
  // The dead-letter queue `m` should move to instead of being received, if any.
  QueueState* RedriveTarget(const QueueState& queue, const Message& m);
  void MoveToDeadLetter(QueueState& from, int64_t seq, QueueState& to, int64_t now_ms);
  ReceivedMessage ReceiveOne(QueueState& queue, Message& m, int visibility_s, int64_t now_ms);

  std::string MakeHandle(const std::string& queue, const Message& m) const;
  Result<Handle> ParseHandle(const std::string& queue, const std::string& handle) const;
  std::string HandleTag(const std::string& queue, const std::string& unsigned_part) const;

  // A completion that calls the listeners of `queue` (on the thread `post_` runs it).
  QueueWriter::Completion NotifyLater(const std::string& queue) const;
  template <typename T>
  void Fail(Done<T> done, Error error) const;

  Post post_;
  std::unique_ptr<QueueWriter> writer_;
  std::string secret_;
  std::map<std::string, std::unique_ptr<QueueState>> queues_;  // sorted for ListQueues
  std::map<std::string, std::string> cursors_;
  int64_t next_seq_ = 1;
  std::mt19937_64 random_;
  std::shared_ptr<Listeners> listeners_;
};

}  // namespace kumo::store
