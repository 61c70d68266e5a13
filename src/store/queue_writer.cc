#include "store/queue_writer.h"

#include <boost/json.hpp>
#include <utility>

#include "common/encoding.h"
#include "store/sqlite_db.h"

namespace kumo::store {
namespace {

constexpr int kSchemaVersion = 1;

// seq is the rowid: rows come back in send order without a sort, and a redrive that moves a
// message to the end of another queue gives it a new one. Bodies are bytes in TEXT columns
// (SQLite does not check encodings).
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE queues (
  name   TEXT PRIMARY KEY NOT NULL,
  config TEXT NOT NULL
);
CREATE TABLE messages (
  seq                       INTEGER PRIMARY KEY,
  id                        TEXT NOT NULL UNIQUE,
  queue                     TEXT NOT NULL,
  body                      TEXT NOT NULL,
  message_attributes        TEXT NOT NULL,
  system_attributes         TEXT NOT NULL,
  md5_of_body               TEXT NOT NULL,
  md5_of_message_attributes TEXT NOT NULL,
  delay_s                   INTEGER NOT NULL,
  sender_id                 TEXT NOT NULL,
  sent_ms                   INTEGER NOT NULL,
  visible_at_ms             INTEGER NOT NULL,
  receive_count             INTEGER NOT NULL,
  first_receive_ms          INTEGER NOT NULL,
  receipt_token             TEXT NOT NULL
);
CREATE INDEX messages_queue ON messages(queue);
CREATE TABLE cursors (
  key   TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
);
)sql";

constexpr const char* kMessageColumns =
    "queue, seq, id, body, message_attributes, system_attributes, md5_of_body, "
    "md5_of_message_attributes, delay_s, sender_id, sent_ms, visible_at_ms, receive_count, "
    "first_receive_ms, receipt_token";

boost::json::object MapToJson(const std::map<std::string, std::string>& map) {
  boost::json::object object;
  for (const auto& [key, value] : map) object[key] = value;
  return object;
}

std::map<std::string, std::string> MapFromJson(const boost::json::value* value) {
  std::map<std::string, std::string> map;
  if (value == nullptr || !value->is_object()) return map;
  for (const auto& [key, item] : value->as_object()) {
    if (item.is_string()) map[std::string(key)] = std::string(item.as_string());
  }
  return map;
}

std::string ConfigToJson(const QueueConfig& config) {
  boost::json::object object;
  object["visibility_timeout_s"] = config.visibility_timeout_s;
  object["delay_s"] = config.delay_s;
  object["retention_s"] = config.retention_s;
  object["max_message_bytes"] = config.max_message_bytes;
  object["receive_wait_s"] = config.receive_wait_s;
  if (config.redrive.has_value()) {
    object["redrive"] = {{"dead_letter_queue", config.redrive->dead_letter_queue},
                         {"max_receive_count", config.redrive->max_receive_count}};
  }
  object["other_attributes"] = MapToJson(config.other_attributes);
  object["tags"] = MapToJson(config.tags);
  object["created_ms"] = config.created_ms;
  object["modified_ms"] = config.modified_ms;
  return boost::json::serialize(object);
}

Result<QueueConfig> ConfigFromJson(const std::string& name, const std::string& text) {
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(text, ec);
  if (ec || !parsed.is_object()) {
    return MakeError(ErrorCode::kInternal, "bad stored config of queue " + name);
  }
  const boost::json::object& object = parsed.as_object();
  auto int_of = [&object](const char* key, int64_t fallback) {
    const boost::json::value* value = object.if_contains(key);
    return value != nullptr && value->is_int64() ? value->as_int64() : fallback;
  };
  QueueConfig config;
  config.name = name;
  config.visibility_timeout_s = static_cast<int>(int_of("visibility_timeout_s", 30));
  config.delay_s = static_cast<int>(int_of("delay_s", 0));
  config.retention_s = static_cast<int>(int_of("retention_s", 345600));
  config.max_message_bytes = static_cast<int>(int_of("max_message_bytes", 262144));
  config.receive_wait_s = static_cast<int>(int_of("receive_wait_s", 0));
  if (const boost::json::value* redrive = object.if_contains("redrive");
      redrive != nullptr && redrive->is_object()) {
    const boost::json::object& r = redrive->as_object();
    RedrivePolicy policy;
    if (const auto* dlq = r.if_contains("dead_letter_queue"); dlq != nullptr && dlq->is_string()) {
      policy.dead_letter_queue = std::string(dlq->as_string());
    }
    if (const auto* max = r.if_contains("max_receive_count"); max != nullptr && max->is_int64()) {
      policy.max_receive_count = static_cast<int>(max->as_int64());
    }
    config.redrive = policy;
  }
  config.other_attributes = MapFromJson(object.if_contains("other_attributes"));
  config.tags = MapFromJson(object.if_contains("tags"));
  config.created_ms = int_of("created_ms", 0);
  config.modified_ms = int_of("modified_ms", 0);
  return config;
}

Result<std::string> QueryText(SqliteDb& db, const std::string& sql) {
  KUMO_ASSIGN_OR_RETURN(SqliteStatement stmt, db.Prepare(sql));
  KUMO_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  return has_row ? stmt.ColumnText(0) : std::string();
}

// WAL with synchronous=FULL: a commit is on disk when COMMIT returns. Creates the schema and the
// file's secret in one transaction, so a crash during the first open leaves an empty file.
Status PrepareSchema(SqliteDb& db) {
  KUMO_ASSIGN_OR_RETURN(std::string mode, QueryText(db, "PRAGMA journal_mode=WAL"));
  if (mode != "wal") {
    return MakeError(ErrorCode::kInternal,
                     "cannot switch queue database to WAL (got " + mode + ")");
  }
  KUMO_RETURN_IF_ERROR(db.Exec("PRAGMA synchronous=FULL"));
  KUMO_RETURN_IF_ERROR(
      db.Exec("CREATE TABLE IF NOT EXISTS queue_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT)"));
  KUMO_ASSIGN_OR_RETURN(std::string version,
                        QueryText(db, "SELECT value FROM queue_meta WHERE key='schema_version'"));
  if (version == std::to_string(kSchemaVersion)) return Ok();
  if (!version.empty()) {
    return MakeError(ErrorCode::kInternal,
                     "queue database schema version " + version + " is not one this kumo knows");
  }
  KUMO_ASSIGN_OR_RETURN(SqliteTransaction tx, SqliteTransaction::Begin(db));
  KUMO_RETURN_IF_ERROR(db.Exec(kSchemaV1));
  KUMO_RETURN_IF_ERROR(db.Exec("INSERT INTO queue_meta(key, value) VALUES ('schema_version', '" +
                               std::to_string(kSchemaVersion) + "'), ('secret', '" +
                               HexEncode(Sha256(NewUuid() + NewUuid())) + "')"));
  return tx.Commit();
}

MessageRow ReadMessageRow(const SqliteStatement& row) {
  MessageRow m;
  m.queue = row.ColumnText(0);
  m.seq = row.ColumnInt(1);
  m.message.id = row.ColumnText(2);
  m.message.content.body = row.ColumnText(3);
  m.message.content.message_attributes_json = row.ColumnText(4);
  m.message.content.system_attributes_json = row.ColumnText(5);
  m.message.content.md5_of_body = row.ColumnText(6);
  m.message.content.md5_of_message_attributes = row.ColumnText(7);
  m.message.content.delay_s = static_cast<int>(row.ColumnInt(8));
  m.message.content.sender_id = row.ColumnText(9);
  m.message.sent_ms = row.ColumnInt(10);
  m.message.visible_at_ms = row.ColumnInt(11);
  m.message.receive_count = static_cast<int>(row.ColumnInt(12));
  m.message.first_receive_ms = row.ColumnInt(13);
  m.receipt_token = row.ColumnText(14);
  return m;
}

void BindMessageRow(SqliteStatement& stmt, const MessageRow& m) {
  const NewMessage& c = m.message.content;
  stmt.BindText(1, m.queue);
  stmt.BindInt(2, m.seq);
  stmt.BindText(3, m.message.id);
  stmt.BindText(4, c.body);
  stmt.BindText(5, c.message_attributes_json);
  stmt.BindText(6, c.system_attributes_json);
  stmt.BindText(7, c.md5_of_body);
  stmt.BindText(8, c.md5_of_message_attributes);
  stmt.BindInt(9, c.delay_s);
  stmt.BindText(10, c.sender_id);
  stmt.BindInt(11, m.message.sent_ms);
  stmt.BindInt(12, m.message.visible_at_ms);
  stmt.BindInt(13, m.message.receive_count);
  stmt.BindInt(14, m.message.first_receive_ms);
  stmt.BindText(15, m.receipt_token);
}

Status Load(SqliteDb& db, QueueSnapshot* snapshot) {
  KUMO_ASSIGN_OR_RETURN(snapshot->secret,
                        QueryText(db, "SELECT value FROM queue_meta WHERE key='secret'"));
  KUMO_ASSIGN_OR_RETURN(SqliteStatement queues,
                        db.Prepare("SELECT name, config FROM queues ORDER BY name"));
  while (true) {
    KUMO_ASSIGN_OR_RETURN(bool row, queues.Step());
    if (!row) break;
    KUMO_ASSIGN_OR_RETURN(QueueConfig config,
                          ConfigFromJson(queues.ColumnText(0), queues.ColumnText(1)));
    snapshot->queues.push_back(std::move(config));
  }
  KUMO_ASSIGN_OR_RETURN(
      SqliteStatement messages,
      db.Prepare(std::string("SELECT ") + kMessageColumns + " FROM messages ORDER BY seq"));
  while (true) {
    KUMO_ASSIGN_OR_RETURN(bool row, messages.Step());
    if (!row) break;
    snapshot->messages.push_back(ReadMessageRow(messages));
  }
  KUMO_ASSIGN_OR_RETURN(SqliteStatement cursors, db.Prepare("SELECT key, value FROM cursors"));
  while (true) {
    KUMO_ASSIGN_OR_RETURN(bool row, cursors.Step());
    if (!row) break;
    snapshot->cursors[cursors.ColumnText(0)] = cursors.ColumnText(1);
  }
  return Ok();
}

// Runs one cached statement with its parameters bound by `bind`.
template <typename Bind>
Status RunCached(SqliteDb& db, const std::string& sql, Bind bind) {
  KUMO_ASSIGN_OR_RETURN(StatementLease stmt, db.Cached(sql));
  bind(*stmt);
  return stmt->Run();
}

// One overload per op: the SQL each one is.
struct OpApplier {
  SqliteDb& db;

  Status operator()(const queue_op::Nothing&) const { return Ok(); }
  Status operator()(const queue_op::PutQueue& op) const {
    return RunCached(db, "INSERT OR REPLACE INTO queues(name, config) VALUES (?1, ?2)",
                     [&op](SqliteStatement& s) {
                       s.BindText(1, op.config.name);
                       s.BindText(2, ConfigToJson(op.config));
                     });
  }
  Status operator()(const queue_op::DropQueue& op) const {
    KUMO_RETURN_IF_ERROR((*this)(queue_op::PurgeQueue{op.name}));
    return RunCached(db, "DELETE FROM queues WHERE name=?1",
                     [&op](SqliteStatement& s) { s.BindText(1, op.name); });
  }
  Status operator()(const queue_op::PurgeQueue& op) const {
    return RunCached(db, "DELETE FROM messages WHERE queue=?1",
                     [&op](SqliteStatement& s) { s.BindText(1, op.name); });
  }
  Status operator()(const queue_op::InsertMessages& op) const {
    static const std::string sql = std::string("INSERT INTO messages(") + kMessageColumns +
                                   ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)";
    for (const MessageRow& row : op.rows) {
      KUMO_RETURN_IF_ERROR(
          RunCached(db, sql, [&row](SqliteStatement& s) { BindMessageRow(s, row); }));
    }
    if (!op.cursor.has_value()) return Ok();
    return RunCached(db, "INSERT OR REPLACE INTO cursors(key, value) VALUES (?1, ?2)",
                     [&op](SqliteStatement& s) {
                       s.BindText(1, op.cursor->first);
                       s.BindText(2, op.cursor->second);
                     });
  }
  Status operator()(const queue_op::DeleteMessages& op) const {
    for (const std::string& id : op.ids) {
      KUMO_RETURN_IF_ERROR(RunCached(db, "DELETE FROM messages WHERE id=?1",
                                     [&id](SqliteStatement& s) { s.BindText(1, id); }));
    }
    return Ok();
  }
  Status operator()(const queue_op::SetState& op) const {
    return RunCached(db,
                     "UPDATE messages SET visible_at_ms=?2, receive_count=?3, first_receive_ms=?4,"
                     " receipt_token=?5 WHERE id=?1",
                     [&op](SqliteStatement& s) {
                       s.BindText(1, op.id);
                       s.BindInt(2, op.visible_at_ms);
                       s.BindInt(3, op.receive_count);
                       s.BindInt(4, op.first_receive_ms);
                       s.BindText(5, op.receipt_token);
                     });
  }
  Status operator()(const queue_op::SetBody& op) const {
    return RunCached(db,
                     "UPDATE messages SET body=?2, md5_of_body=?3, visible_at_ms=?4,"
                     " receipt_token='' WHERE id=?1",
                     [&op](SqliteStatement& s) {
                       s.BindText(1, op.id);
                       s.BindText(2, op.body);
                       s.BindText(3, op.md5_of_body);
                       s.BindInt(4, op.visible_at_ms);
                     });
  }
  Status operator()(const queue_op::Move& op) const {
    return RunCached(db,
                     "UPDATE messages SET queue=?2, seq=?3, visible_at_ms=?4, receive_count=0,"
                     " first_receive_ms=0, receipt_token='' WHERE id=?1",
                     [&op](SqliteStatement& s) {
                       s.BindText(1, op.id);
                       s.BindText(2, op.queue);
                       s.BindInt(3, op.seq);
                       s.BindInt(4, op.visible_at_ms);
                     });
  }
};

}  // namespace

Result<std::unique_ptr<QueueWriter>> QueueWriter::Open(const std::string& path,
                                                       QueueStore::Post post,
                                                       QueueSnapshot* snapshot) {
  KUMO_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, SqliteDb::Open(path));
  KUMO_RETURN_IF_ERROR(PrepareSchema(*db));
  KUMO_RETURN_IF_ERROR(Load(*db, snapshot));
  return std::unique_ptr<QueueWriter>(new QueueWriter(std::move(db), std::move(post)));
}

QueueWriter::QueueWriter(std::unique_ptr<SqliteDb> db, QueueStore::Post post)
    : db_(std::move(db)), post_(std::move(post)), thread_([this] { Run(); }) {}

QueueWriter::~QueueWriter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_one();
  thread_.join();
}

void QueueWriter::Submit(QueueOp op, Completion done) {
  bool was_empty;
  {
    std::lock_guard<std::mutex> lock(mu_);
    was_empty = queued_.empty();
    queued_.push_back(Pending{std::move(op), std::move(done)});
    ++submitted_;
  }
  // A non-empty queue has been signalled already and the writer takes all of it at once.
  if (was_empty) work_cv_.notify_one();
}

void QueueWriter::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  uint64_t target = submitted_;
  done_cv_.wait(lock, [&] { return finished_ >= target; });
}

void QueueWriter::Run() {
  std::vector<Pending> batch;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      work_cv_.wait(lock, [this] { return stopping_ || !queued_.empty(); });
      if (queued_.empty()) return;  // stopping, and everything is written
      batch.swap(queued_);
    }
    std::vector<Status> results = Commit(batch);
    auto completions = std::make_shared<std::vector<std::pair<Completion, Status>>>();
    for (size_t i = 0; i < batch.size(); ++i) {
      if (batch[i].done) completions->emplace_back(std::move(batch[i].done), results[i]);
    }
    // One post per commit, completions in submit order.
    if (!completions->empty()) {
      post_([completions] {
        for (auto& [done, status] : *completions) done(status);
      });
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      finished_ += batch.size();
    }
    done_cv_.notify_all();
    batch.clear();
  }
}

std::vector<Status> QueueWriter::Commit(const std::vector<Pending>& batch) {
  Status all = CommitOnce(batch.data(), batch.data() + batch.size());
  if (all.ok() || batch.size() == 1) return std::vector<Status>(batch.size(), all);
  std::vector<Status> results;
  results.reserve(batch.size());
  for (const Pending& pending : batch) results.push_back(CommitOnce(&pending, &pending + 1));
  return results;
}

Status QueueWriter::CommitOnce(const Pending* begin, const Pending* end) {
  KUMO_ASSIGN_OR_RETURN(SqliteTransaction tx, SqliteTransaction::Begin(*db_));
  for (const Pending* p = begin; p != end; ++p) KUMO_RETURN_IF_ERROR(Apply(p->op));
  return tx.Commit();
}

Status QueueWriter::Apply(const QueueOp& op) { return std::visit(OpApplier{*db_}, op); }

}  // namespace kumo::store
