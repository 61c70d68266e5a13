#pragma once
// The SQLite side of the queue store: its schema, the load of everything at open, and the one
// writer thread that turns queued write ops into batched commits. Many small commits would each
// pay an fsync (2-6k/s here); taking everything queued into one transaction lets a burst of
// concurrent senders share one. Internal to src/store.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "common/result.h"
#include "store/queue_store.h"

namespace kumo::store {

class SqliteDb;

// A message as its row holds it: its queue, its place in send order and the random part of its
// latest receipt handle ("" when no handle may change it).
struct MessageRow {
  std::string queue;
  int64_t seq = 0;
  StoredMessage message;
  std::string receipt_token;
};

// The write ops, each applied as written, in the order they were submitted.
namespace queue_op {
struct Nothing {};  // only orders a completion after everything submitted before it
struct PutQueue {
  QueueConfig config;
};
struct DropQueue {  // the queue and its messages
  std::string name;
};
struct PurgeQueue {
  std::string name;
};
struct InsertMessages {
  std::vector<MessageRow> rows;
  std::optional<std::pair<std::string, std::string>> cursor;  // key, value; same commit
};
struct DeleteMessages {
  std::vector<std::string> ids;
};
struct SetState {  // a receive or a visibility change
  std::string id;
  int64_t visible_at_ms = 0;
  int receive_count = 0;
  int64_t first_receive_ms = 0;
  std::string receipt_token;
};
struct SetBody {  // a requeue
  std::string id;
  std::string body;
  std::string md5_of_body;
  int64_t visible_at_ms = 0;
};
struct Move {  // a redrive: the message starts over in another queue, at the end
  std::string id;
  std::string queue;
  int64_t seq = 0;
  int64_t visible_at_ms = 0;
};
}  // namespace queue_op

using QueueOp =
    std::variant<queue_op::Nothing, queue_op::PutQueue, queue_op::DropQueue, queue_op::PurgeQueue,
                 queue_op::InsertMessages, queue_op::DeleteMessages, queue_op::SetState,
                 queue_op::SetBody, queue_op::Move>;

// Everything a queue file holds, read once at open.
struct QueueSnapshot {
  std::string secret;  // random per file; receipt handles are signed with it
  std::vector<QueueConfig> queues;
  std::vector<MessageRow> messages;  // in seq order
  std::map<std::string, std::string> cursors;
};

// Owns the connection and the writer thread. Submit and Flush may be called from any thread
// (the store calls them from its loop thread); completions run through `post`, in submit order,
// each after the commit that holds its op (with that commit's status).
class QueueWriter {
 public:
  using Completion = std::function<void(Status)>;

  // Opens (creating if missing) the file, brings its schema to the current version, fills
  // `snapshot` and starts the thread.
  static Result<std::unique_ptr<QueueWriter>> Open(const std::string& path, QueueStore::Post post,
                                                   QueueSnapshot* snapshot);
  // Commits everything submitted, posts the completions, joins the thread.
  ~QueueWriter();
  QueueWriter(const QueueWriter&) = delete;
  QueueWriter& operator=(const QueueWriter&) = delete;

  void Submit(QueueOp op, Completion done = nullptr);
  // Returns once everything submitted before the call is committed and its completions posted.
  void Flush();

 private:
  struct Pending {
    QueueOp op;
    Completion done;
  };

  QueueWriter(std::unique_ptr<SqliteDb> db, QueueStore::Post post);
  void Run();
  // One transaction for all of `batch`; on failure each op again alone, so one bad op cannot
  // fail the others. Returns one status per op.
  std::vector<Status> Commit(const std::vector<Pending>& batch);
  Status CommitOnce(const Pending* begin, const Pending* end);
  Status Apply(const QueueOp& op);

  // Only the writer thread uses the connection once the thread runs.
  std::unique_ptr<SqliteDb> db_;
  QueueStore::Post post_;

  std::mutex mu_;  // guards the fields below
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  std::vector<Pending> queued_;
  uint64_t submitted_ = 0;
  uint64_t finished_ = 0;  // committed (or failed) and posted
  bool stopping_ = false;

  std::thread thread_;  // last: starts after the fields it uses exist
};

}  // namespace kumo::store
