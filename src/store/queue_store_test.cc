// The SQLite queue store's rules, each with explicit times: queues and their settings, delay,
// visibility, receipt handles, redrive, retention, listeners, and what survives a reopen.
// The crash tests (kill -9 mid-way) are in queue_crash_test.cc.

#include "store/queue_store.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "store/sqlite_db.h"

namespace kumo::store {
namespace {

class QueueStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "kumo-queue-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = (dir_ / "queues.db").string();
    Open();
  }
  void TearDown() override {
    Close();
    std::filesystem::remove_all(dir_);
  }

  void Open() {
    auto opened = OpenSqliteQueueStore(path_, [this](std::function<void()> task) {
      std::lock_guard<std::mutex> lock(mu_);
      posted_.push_back(std::move(task));
    });
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(opened).value();
  }
  void Close() {
    store_.reset();
    RunPosted();
  }
  void Reopen() {
    Close();
    Open();
  }
  // Runs what the store posted so far (and what those tasks post), on this thread.
  void RunPosted() {
    while (true) {
      std::vector<std::function<void()>> tasks;
      {
        std::lock_guard<std::mutex> lock(mu_);
        tasks.swap(posted_);
      }
      if (tasks.empty()) return;
      for (auto& task : tasks) task();
    }
  }
  // Waits for the writer, then runs the completions it posted.
  void Settle() {
    store_->Flush();
    RunPosted();
  }

  QueueConfig Queue(const std::string& name) {
    QueueConfig config;
    config.name = name;
    return config;
  }
  void Create(const QueueConfig& config, int64_t now_ms = 1000) {
    auto created = store_->CreateQueue(config, now_ms);
    ASSERT_TRUE(created.ok()) << created.error().message;
  }
  static NewMessage Message(const std::string& body, int delay_s = -1) {
    NewMessage message;
    message.body = body;
    message.md5_of_body = "md5-" + body;
    message.delay_s = delay_s;
    return message;
  }
  Result<std::vector<SentMessage>> SendAll(const std::string& queue,
                                           std::vector<NewMessage> messages, int64_t now_ms) {
    std::optional<Result<std::vector<SentMessage>>> result;
    store_->Send(queue, std::move(messages), now_ms, [&](auto r) { result.emplace(std::move(r)); });
    Settle();
    if (!result.has_value()) return MakeError(ErrorCode::kInternal, "done was not called");
    return std::move(*result);
  }
  // The new message's id ("" and a test failure if the send failed).
  std::string Send(const std::string& queue, const std::string& body, int64_t now_ms,
                   int delay_s = -1) {
    std::vector<NewMessage> one;
    one.push_back(Message(body, delay_s));
    auto sent = SendAll(queue, std::move(one), now_ms);
    EXPECT_TRUE(sent.ok()) << sent.error().message;
    return sent.ok() && sent->size() == 1 ? sent->front().id : "";
  }
  std::vector<ReceivedMessage> Receive(const std::string& queue, int max, int64_t now_ms,
                                       int visibility_s = -1) {
    auto received = store_->Receive(queue, max, visibility_s, now_ms);
    EXPECT_TRUE(received.ok()) << received.error().message;
    return received.ok() ? std::move(received).value() : std::vector<ReceivedMessage>();
  }
  Result<std::vector<Status>> Delete(const std::string& queue, std::vector<std::string> handles) {
    std::optional<Result<std::vector<Status>>> result;
    store_->Delete(queue, std::move(handles), [&](auto r) { result.emplace(std::move(r)); });
    Settle();
    if (!result.has_value()) return MakeError(ErrorCode::kInternal, "done was not called");
    return std::move(*result);
  }
  QueueCounts Counts(const std::string& queue, int64_t now_ms) {
    auto counts = store_->Counts(queue, now_ms);
    EXPECT_TRUE(counts.ok()) << counts.error().message;
    return counts.ok() ? *counts : QueueCounts{};
  }

  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<QueueStore> store_;
  std::mutex mu_;  // guards posted_: the writer thread posts
  std::vector<std::function<void()>> posted_;
};

// ---- queues ----

TEST_F(QueueStoreTest, CreateQueueReturnsExistingOrConflicts) {
  QueueConfig config = Queue("orders");
  config.visibility_timeout_s = 60;
  config.other_attributes["Policy"] = "{}";
  auto first = store_->CreateQueue(config, 1000);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->created_ms, 1000);

  auto again = store_->CreateQueue(config, 5000);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->created_ms, 1000);

  QueueConfig other = config;
  other.visibility_timeout_s = 61;
  auto conflict = store_->CreateQueue(other, 5000);
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().code, ErrorCode::kConflict);
  EXPECT_EQ(conflict.error().message,
            "A queue already exists with the same name and a different value for attribute "
            "VisibilityTimeout");

  other = config;
  other.other_attributes["Policy"] = "{\"x\":1}";
  conflict = store_->CreateQueue(other, 5000);
  ASSERT_FALSE(conflict.ok());
  EXPECT_NE(conflict.error().message.find("attribute Policy"), std::string::npos);

  other = config;
  other.redrive = RedrivePolicy{"dlq", 3};
  conflict = store_->CreateQueue(other, 5000);
  ASSERT_FALSE(conflict.ok());
  EXPECT_NE(conflict.error().message.find("attribute RedrivePolicy"), std::string::npos);
}

TEST_F(QueueStoreTest, ValidatesNames) {
  for (std::string name : {std::string(""), std::string(81, 'a'), std::string("a b"),
                           std::string("dot.name"), std::string("~"), std::string("é")}) {
    auto created = store_->CreateQueue(Queue(name), 1000);
    ASSERT_FALSE(created.ok()) << name;
    EXPECT_EQ(created.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(created.error().message.find("QueueName"), std::string::npos) << name;
  }
  auto fifo = store_->CreateQueue(Queue("jobs.fifo"), 1000);
  ASSERT_FALSE(fifo.ok());
  EXPECT_EQ(fifo.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(fifo.error().message, "FIFO queues are not supported by kumo yet");
  QueueConfig fifo_attr = Queue("jobs");
  fifo_attr.other_attributes["FifoQueue"] = "true";
  EXPECT_FALSE(store_->CreateQueue(fifo_attr, 1000).ok());

  for (std::string name :
       {std::string(80, 'a'), std::string("A-z_09"), std::string("~async:f-1")}) {
    EXPECT_TRUE(store_->CreateQueue(Queue(name), 1000).ok()) << name;
  }
}

TEST_F(QueueStoreTest, ValidatesRangesNamingTheAttribute) {
  struct Case {
    std::function<void(QueueConfig&)> set;
    const char* attribute;
    bool ok;
  };
  std::vector<Case> cases = {
      {[](QueueConfig& c) { c.visibility_timeout_s = -1; }, "VisibilityTimeout", false},
      {[](QueueConfig& c) { c.visibility_timeout_s = 43201; }, "VisibilityTimeout", false},
      {[](QueueConfig& c) { c.visibility_timeout_s = 43200; }, "", true},
      {[](QueueConfig& c) { c.delay_s = 901; }, "DelaySeconds", false},
      {[](QueueConfig& c) { c.delay_s = 900; }, "", true},
      {[](QueueConfig& c) { c.retention_s = 59; }, "MessageRetentionPeriod", false},
      {[](QueueConfig& c) { c.retention_s = 1209601; }, "MessageRetentionPeriod", false},
      {[](QueueConfig& c) { c.retention_s = 60; }, "", true},
      {[](QueueConfig& c) { c.max_message_bytes = 1023; }, "MaximumMessageSize", false},
      {[](QueueConfig& c) { c.max_message_bytes = 262145; }, "MaximumMessageSize", false},
      {[](QueueConfig& c) { c.max_message_bytes = 1024; }, "", true},
      {[](QueueConfig& c) { c.receive_wait_s = 21; }, "ReceiveMessageWaitTimeSeconds", false},
      {[](QueueConfig& c) { c.receive_wait_s = 20; }, "", true},
      {[](QueueConfig& c) {
         c.redrive = RedrivePolicy{"dlq", 0};
       },
       "RedrivePolicy", false},
      {[](QueueConfig& c) {
         c.redrive = RedrivePolicy{"dlq", 1001};
       },
       "RedrivePolicy", false},
      {[](QueueConfig& c) {
         c.redrive = RedrivePolicy{"bad name", 5};
       },
       "RedrivePolicy", false},
      {[](QueueConfig& c) {
         c.redrive = RedrivePolicy{"dlq", 1000};
       },
       "", true},
  };
  int n = 0;
  for (const Case& c : cases) {
    QueueConfig config = Queue(std::string("q").append(std::to_string(n++)));
    c.set(config);
    auto created = store_->CreateQueue(config, 1000);
    EXPECT_EQ(created.ok(), c.ok) << config.name;
    if (!c.ok && !created.ok()) {
      EXPECT_EQ(created.error().code, ErrorCode::kInvalidArgument);
      EXPECT_NE(created.error().message.find(c.attribute), std::string::npos)
          << created.error().message;
    }
  }
  // SetConfig checks the same ranges.
  QueueConfig bad = Queue("q0");
  ASSERT_TRUE(store_->CreateQueue(Queue("plain"), 1000).ok());
  bad.name = "plain";
  bad.delay_s = 1000;
  Status set = store_->SetConfig(bad, 2000);
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.error().message.find("DelaySeconds"), std::string::npos);
}

TEST_F(QueueStoreTest, ListQueuesShowsInternalOnlyForTildePrefix) {
  for (const char* name : {"beta", "alpha", "alpine", "~async-f", "~async-g"}) Create(Queue(name));
  EXPECT_EQ(store_->ListQueues(""), (std::vector<std::string>{"alpha", "alpine", "beta"}));
  EXPECT_EQ(store_->ListQueues("al"), (std::vector<std::string>{"alpha", "alpine"}));
  EXPECT_EQ(store_->ListQueues("alpha"), (std::vector<std::string>{"alpha"}));
  EXPECT_EQ(store_->ListQueues("~"), (std::vector<std::string>{"~async-f", "~async-g"}));
  EXPECT_TRUE(store_->ListQueues("z").empty());
}

TEST_F(QueueStoreTest, SetGetAndDeleteQueue) {
  Create(Queue("q"), 1000);
  QueueConfig changed = Queue("q");
  changed.visibility_timeout_s = 5;
  changed.tags["team"] = "a";
  ASSERT_TRUE(store_->SetConfig(changed, 7000).ok());
  auto got = store_->GetQueue("q");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->visibility_timeout_s, 5);
  EXPECT_EQ(got->tags.at("team"), "a");
  EXPECT_EQ(got->created_ms, 1000);
  EXPECT_EQ(got->modified_ms, 7000);
  EXPECT_EQ(store_->SetConfig(Queue("nope"), 1).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetQueue("nope").error().code, ErrorCode::kNotFound);

  Send("q", "a", 8000);
  ASSERT_TRUE(store_->DeleteQueue("q").ok());
  EXPECT_EQ(store_->DeleteQueue("q").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->Counts("q", 9000).error().code, ErrorCode::kNotFound);
  auto missing = SendAll("q", {Message("b")}, 9000);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->Receive("q", 1, -1, 9000).error().code, ErrorCode::kNotFound);

  // A new queue of the same name starts empty, also after a reopen.
  Create(Queue("q"), 10000);
  Reopen();
  EXPECT_EQ(Counts("q", 10000).visible, 0);
  EXPECT_EQ(store_->GetQueue("q")->created_ms, 10000);
}

TEST_F(QueueStoreTest, PurgeDropsEveryMessage) {
  Create(Queue("q"));
  Send("q", "a", 1000);
  Send("q", "b", 1000, 60);
  ASSERT_EQ(Receive("q", 1, 1000).size(), 1u);
  Send("q", "c", 1000);
  ASSERT_TRUE(store_->Purge("q").ok());
  QueueCounts counts = Counts("q", 1000);
  EXPECT_EQ(counts.visible + counts.in_flight + counts.delayed, 0);
  Settle();
  Reopen();
  EXPECT_TRUE(Receive("q", 10, 1'000'000).empty());
  EXPECT_EQ(store_->Purge("nope").error().code, ErrorCode::kNotFound);
}

// ---- send and receive ----

TEST_F(QueueStoreTest, SendIsAcknowledgedOnlyOnceCommitted) {
  Create(Queue("q"));
  std::optional<std::string> checked;
  store_->Send("q", {Message("hello")}, 1000, [&](Result<std::vector<SentMessage>> sent) {
    ASSERT_TRUE(sent.ok());
    ASSERT_EQ(sent->size(), 1u);
    EXPECT_EQ(sent->front().md5_of_body, "md5-hello");
    // Another connection sees the row at the moment of the acknowledgement.
    auto db = SqliteDb::Open(path_);
    ASSERT_TRUE(db.ok());
    auto stmt = (*db)->Prepare("SELECT body FROM messages WHERE id=?1");
    ASSERT_TRUE(stmt.ok());
    stmt->BindText(1, sent->front().id);
    auto row = stmt->Step();
    ASSERT_TRUE(row.ok() && *row);
    checked = stmt->ColumnText(0);
  });
  Settle();
  EXPECT_EQ(checked, "hello");
}

TEST_F(QueueStoreTest, ReceiveReturnsContentAndCounts) {
  Create(Queue("q"));
  NewMessage message = Message("body");
  message.message_attributes_json = R"({"a":{"DataType":"String","StringValue":"x"}})";
  message.system_attributes_json = R"({"AWSTraceHeader":{"DataType":"String"}})";
  message.md5_of_message_attributes = "attr-md5";
  message.sender_id = "fn-1";
  auto sent = SendAll("q", {message}, 5000);
  ASSERT_TRUE(sent.ok());
  auto got = Receive("q", 10, 5000);
  ASSERT_EQ(got.size(), 1u);
  const StoredMessage& m = got[0].message;
  EXPECT_EQ(m.id, sent->front().id);
  EXPECT_EQ(m.content.body, "body");
  EXPECT_EQ(m.content.message_attributes_json, message.message_attributes_json);
  EXPECT_EQ(m.content.system_attributes_json, message.system_attributes_json);
  EXPECT_EQ(m.content.md5_of_message_attributes, "attr-md5");
  EXPECT_EQ(m.content.sender_id, "fn-1");
  EXPECT_EQ(m.sent_ms, 5000);
  EXPECT_EQ(m.receive_count, 1);
  EXPECT_EQ(m.first_receive_ms, 5000);
  EXPECT_EQ(m.visible_at_ms, 35000);
  EXPECT_FALSE(got[0].receipt_handle.empty());
}

TEST_F(QueueStoreTest, DelayFromQueueOrMessage) {
  QueueConfig config = Queue("q");
  config.delay_s = 10;
  Create(config);
  std::string queue_delay = Send("q", "queue-delay", 100'000);
  std::string no_delay = Send("q", "no-delay", 100'000, 0);
  std::string own_delay = Send("q", "own-delay", 100'000, 5);
  QueueCounts counts = Counts("q", 100'000);
  EXPECT_EQ(counts.visible, 1);
  EXPECT_EQ(counts.delayed, 2);
  EXPECT_EQ(counts.in_flight, 0);

  auto got = Receive("q", 10, 100'000);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].message.id, no_delay);
  EXPECT_TRUE(Receive("q", 10, 104'999).empty());
  got = Receive("q", 10, 105'000);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].message.id, own_delay);
  EXPECT_TRUE(Receive("q", 10, 109'999).empty());
  EXPECT_EQ(store_->NextVisibleAt("q"), 110'000);
  got = Receive("q", 10, 110'000);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].message.id, queue_delay);

  auto too_long = SendAll("q", {Message("x", 901)}, 100'000);
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(too_long.error().message.find("DelaySeconds"), std::string::npos);
}

TEST_F(QueueStoreTest, VisibilityTimeoutHidesThenReturns) {
  QueueConfig config = Queue("q");
  config.visibility_timeout_s = 30;
  Create(config);
  std::string id = Send("q", "a", 1'000'000);
  auto first = Receive("q", 1, 1'000'000);
  ASSERT_EQ(first.size(), 1u);
  QueueCounts counts = Counts("q", 1'000'000);
  EXPECT_EQ(counts.visible, 0);
  EXPECT_EQ(counts.in_flight, 1);
  EXPECT_EQ(counts.delayed, 0);
  EXPECT_TRUE(Receive("q", 1, 1'029'999).empty());
  EXPECT_EQ(Counts("q", 1'030'000).visible, 1);
  auto second = Receive("q", 1, 1'030'000, 5);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].message.id, id);
  EXPECT_EQ(second[0].message.receive_count, 2);
  EXPECT_EQ(second[0].message.first_receive_ms, 1'000'000);
  EXPECT_NE(second[0].receipt_handle, first[0].receipt_handle);
  // The explicit 5 s of the second receive.
  EXPECT_TRUE(Receive("q", 1, 1'034'999).empty());
  EXPECT_EQ(Receive("q", 1, 1'035'000).size(), 1u);

  EXPECT_EQ(store_->Receive("q", 0, -1, 1).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->Receive("q", 1, 43201, 1).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(QueueStoreTest, HandlesAreUniquePerReceive) {
  Create(Queue("q"));
  Send("q", "a", 1000);
  std::set<std::string> handles;
  for (int i = 0; i < 50; ++i) {
    auto got = Receive("q", 1, 1000, 0);
    ASSERT_EQ(got.size(), 1u);
    handles.insert(got[0].receipt_handle);
  }
  EXPECT_EQ(handles.size(), 50u);
}

TEST_F(QueueStoreTest, ReceivesThousandMessagesInSendOrder) {
  Create(Queue("q"));
  std::vector<std::string> ids;
  for (int batch = 0; batch < 100; ++batch) {
    std::vector<NewMessage> messages;
    for (int i = 0; i < 10; ++i)
      messages.push_back(Message(std::string("m").append(std::to_string(batch * 10 + i))));
    auto sent = SendAll("q", std::move(messages), 1000 + batch);
    ASSERT_TRUE(sent.ok());
    for (const SentMessage& s : *sent) ids.push_back(s.id);
  }
  EXPECT_EQ(Counts("q", 5000).visible, 1000);
  std::vector<std::string> received;
  while (true) {
    auto got = Receive("q", 10, 5000);
    if (got.empty()) break;
    EXPECT_LE(got.size(), 10u);
    for (const auto& r : got) received.push_back(r.message.id);
  }
  EXPECT_EQ(received, ids);
  QueueCounts counts = Counts("q", 5000);
  EXPECT_EQ(counts.visible, 0);
  EXPECT_EQ(counts.in_flight, 1000);
}

TEST_F(QueueStoreTest, OldestVisibleFirstAfterVisibilityEnds) {
  Create(Queue("q"));
  std::string a = Send("q", "a", 1000);
  std::string b = Send("q", "b", 2000);
  ASSERT_EQ(Receive("q", 1, 3000, 10).at(0).message.id, a);  // a back at 13000
  std::string c = Send("q", "c", 4000);
  auto got = Receive("q", 10, 20000);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].message.id, a);
  EXPECT_EQ(got[1].message.id, b);
  EXPECT_EQ(got[2].message.id, c);
}

// ---- delete, change visibility, requeue ----

TEST_F(QueueStoreTest, DeleteBatchMixesGoodStaleAndForeignHandles) {
  Create(Queue("q"));
  Create(Queue("other"));
  std::string a = Send("q", "a", 1000);
  std::string b = Send("q", "b", 1000);
  std::string c = Send("q", "c", 1000);
  std::string x = Send("other", "x", 1000);
  auto first = Receive("q", 3, 1000, 10);
  ASSERT_EQ(first.size(), 3u);
  auto again = Receive("q", 1, 11000, 10);  // a again: first[0]'s handle is now stale
  ASSERT_EQ(again.size(), 1u);
  ASSERT_EQ(again[0].message.id, a);
  auto foreign = Receive("other", 1, 1000);
  ASSERT_EQ(foreign.size(), 1u);
  std::string tampered = first[2].receipt_handle;
  tampered.back() = tampered.back() == '0' ? '1' : '0';

  auto results = Delete("q", {first[0].receipt_handle, first[1].receipt_handle, "garbage",
                              foreign[0].receipt_handle, tampered, first[1].receipt_handle, ""});
  ASSERT_TRUE(results.ok());
  ASSERT_EQ(results->size(), 7u);
  EXPECT_TRUE((*results)[0].ok());  // stale handle of a message that exists: deletes it
  EXPECT_TRUE((*results)[1].ok());
  EXPECT_EQ((*results)[2].error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ((*results)[3].error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ((*results)[4].error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE((*results)[5].ok());  // already gone
  EXPECT_EQ((*results)[6].error().code, ErrorCode::kInvalidArgument);

  Reopen();
  auto left = Receive("q", 10, 100'000);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].message.id, c);
  auto other_left = Receive("other", 10, 100'000);
  ASSERT_EQ(other_left.size(), 1u);
  EXPECT_EQ(other_left[0].message.id, x);

  auto missing = Delete("nope", {left[0].receipt_handle});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  (void)b;
}

TEST_F(QueueStoreTest, DeleteQueuedBehindSendLandsAfterIt) {
  Create(Queue("q"));
  std::vector<bool> order;
  store_->Send("q", {Message("a")}, 1000, [&](auto sent) { order.push_back(sent.ok()); });
  auto got = store_->Receive("q", 1, -1, 1000);  // before the send's commit
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 1u);
  store_->Delete("q", {got->front().receipt_handle},
                 [&](auto deleted) { order.push_back(deleted.ok() && deleted->at(0).ok()); });
  Settle();
  EXPECT_EQ(order, (std::vector<bool>{true, true}));
  Reopen();
  EXPECT_TRUE(Receive("q", 10, 1'000'000).empty());
}

TEST_F(QueueStoreTest, ChangeVisibilityOnlyWithLatestHandleWhileInFlight) {
  Create(Queue("q"));
  std::string id = Send("q", "a", 1000);
  auto first = Receive("q", 1, 1000, 10);  // until 11000
  ASSERT_EQ(first.size(), 1u);
  const std::string handle = first[0].receipt_handle;

  ASSERT_TRUE(store_->ChangeVisibility("q", handle, 100, 5000).ok());  // until 105000
  EXPECT_TRUE(Receive("q", 1, 104'999).empty());
  EXPECT_EQ(store_->NextVisibleAt("q"), 105'000);
  EXPECT_EQ(store_->ChangeVisibility("q", handle, 43201, 5000).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->ChangeVisibility("q", "junk", 1, 5000).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->ChangeVisibility("nope", handle, 1, 5000).error().code, ErrorCode::kNotFound);

  auto second = Receive("q", 1, 105'000, 10);  // received again: the first handle is stale
  ASSERT_EQ(second.size(), 1u);
  Status stale = store_->ChangeVisibility("q", handle, 0, 106'000);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kInvalidArgument);

  // Not in flight any more (its visibility ran out): refused even with the latest handle.
  EXPECT_FALSE(store_->ChangeVisibility("q", second[0].receipt_handle, 5, 115'000).ok());

  // 0 makes it visible at once, and the listeners hear of it.
  auto third = Receive("q", 1, 115'000, 30);
  ASSERT_EQ(third.size(), 1u);
  std::vector<std::string> told;
  store_->AddListener([&](const std::string& queue) { told.push_back(queue); });
  ASSERT_TRUE(store_->ChangeVisibility("q", third[0].receipt_handle, 0, 116'000).ok());
  Settle();
  EXPECT_EQ(told, (std::vector<std::string>{"q"}));
  auto fourth = Receive("q", 1, 116'000);
  ASSERT_EQ(fourth.size(), 1u);
  EXPECT_EQ(fourth[0].message.id, id);
  EXPECT_EQ(fourth[0].message.receive_count, 4);
}

TEST_F(QueueStoreTest, RequeueReplacesBodyAndDelays) {
  Create(Queue("q"));
  NewMessage message = Message("first");
  message.md5_of_body = "whatever";
  auto sent = SendAll("q", {message}, 1000);
  ASSERT_TRUE(sent.ok());
  auto got = Receive("q", 1, 1000);
  ASSERT_EQ(got.size(), 1u);

  std::optional<Result<bool>> requeued;
  store_->Requeue("q", got[0].receipt_handle, "hello", 5, 2000,
                  [&](Result<bool> r) { requeued.emplace(std::move(r)); });
  Settle();
  ASSERT_TRUE(requeued.has_value() && requeued->ok());
  EXPECT_TRUE(**requeued);
  EXPECT_EQ(Counts("q", 2000).in_flight, 1);
  EXPECT_TRUE(Receive("q", 1, 6999).empty());
  // The old handle changes nothing any more, but still deletes (tested elsewhere).
  EXPECT_FALSE(store_->ChangeVisibility("q", got[0].receipt_handle, 0, 3000).ok());

  Reopen();
  auto again = Receive("q", 1, 7000);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].message.id, sent->front().id);
  EXPECT_EQ(again[0].message.content.body, "hello");
  EXPECT_EQ(again[0].message.content.md5_of_body, "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(again[0].message.receive_count, 2);

  // A stale handle: false, nothing changed.
  requeued.reset();
  store_->Requeue("q", got[0].receipt_handle, "other", 0, 8000,
                  [&](Result<bool> r) { requeued.emplace(std::move(r)); });
  Settle();
  ASSERT_TRUE(requeued.has_value() && requeued->ok());
  EXPECT_FALSE(**requeued);
  requeued.reset();
  store_->Requeue("q", "junk", "other", 0, 8000,
                  [&](Result<bool> r) { requeued.emplace(std::move(r)); });
  Settle();
  ASSERT_TRUE(requeued.has_value());
  EXPECT_FALSE(requeued->ok());
}

// ---- redrive, retention, listeners ----

TEST_F(QueueStoreTest, RedriveMovesToDeadLetterQueueAfterMaxReceives) {
  Create(Queue("dlq"));
  QueueConfig source = Queue("src");
  source.visibility_timeout_s = 10;
  source.redrive = RedrivePolicy{"dlq", 2};
  Create(source);
  NewMessage message = Message("payload");
  message.message_attributes_json = "{\"k\":1}";
  auto sent = SendAll("src", {message}, 1000);
  ASSERT_TRUE(sent.ok());
  std::string id = sent->front().id;
  std::string keep = Send("src", "second", 1000);

  std::vector<std::string> told;
  store_->AddListener([&](const std::string& queue) { told.push_back(queue); });
  ASSERT_EQ(Receive("src", 1, 1000).at(0).message.receive_count, 1);
  ASSERT_EQ(Receive("src", 1, 11'000).at(0).message.receive_count, 2);
  // Received twice already: it moves instead of being returned; the next one comes back.
  auto third = Receive("src", 10, 21'000);
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].message.id, keep);
  Settle();
  EXPECT_EQ(told, (std::vector<std::string>{"dlq"}));
  EXPECT_EQ(Counts("dlq", 21'000).visible, 1);

  Reopen();
  auto dead = Receive("dlq", 10, 21'000);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].message.id, id);
  EXPECT_EQ(dead[0].message.content.body, "payload");
  EXPECT_EQ(dead[0].message.content.message_attributes_json, "{\"k\":1}");
  EXPECT_EQ(dead[0].message.sent_ms, 1000);
  EXPECT_EQ(dead[0].message.receive_count, 1);
  EXPECT_EQ(dead[0].message.first_receive_ms, 21'000);
  QueueCounts src = Counts("src", 21'000);
  EXPECT_EQ(src.visible + src.in_flight, 1);  // only `keep`
}

TEST_F(QueueStoreTest, RedriveWithoutDeadLetterQueueLeavesMessage) {
  QueueConfig source = Queue("src");
  source.redrive = RedrivePolicy{"missing", 1};
  Create(source);
  std::string id = Send("src", "a", 1000);
  ASSERT_EQ(Receive("src", 1, 1000, 0).size(), 1u);
  auto again = Receive("src", 1, 1000, 0);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].message.id, id);
  EXPECT_EQ(again[0].message.receive_count, 2);
}

TEST_F(QueueStoreTest, ExpireOldDropsMessagesPastRetention) {
  QueueConfig config = Queue("q");
  config.retention_s = 60;
  Create(config);
  Create(Queue("long"));
  Send("q", "old", 1000);
  std::string young = Send("q", "young", 30'000);
  std::string other = Send("long", "kept", 1000);
  store_->ExpireOld(60'999);
  EXPECT_EQ(Counts("q", 60'999).visible, 2);
  store_->ExpireOld(61'000);
  EXPECT_EQ(Counts("q", 61'000).visible, 1);
  Settle();
  Reopen();
  auto left = Receive("q", 10, 61'000);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].message.id, young);
  EXPECT_EQ(Receive("long", 10, 61'000).at(0).message.id, other);
}

TEST_F(QueueStoreTest, ListenersHearOfCommittedSends) {
  Create(Queue("q"));
  std::vector<std::string> told;
  int id = store_->AddListener([&](const std::string& queue) { told.push_back(queue); });
  store_->Send("q", {Message("a")}, 1000, [&](auto) { told.push_back("done"); });
  EXPECT_TRUE(told.empty());
  Settle();
  EXPECT_EQ(told, (std::vector<std::string>{"done", "q"}));
  store_->RemoveListener(id);
  Send("q", "b", 1000);
  EXPECT_EQ(told.size(), 2u);
}

TEST_F(QueueStoreTest, CountsSplitVisibleInFlightDelayed) {
  Create(Queue("q"));
  Send("q", "a", 1000);
  Send("q", "b", 1000);
  Send("q", "c", 1000, 100);
  ASSERT_EQ(Receive("q", 1, 1000, 50).size(), 1u);
  QueueCounts counts = Counts("q", 1000);
  EXPECT_EQ(counts.visible, 1);
  EXPECT_EQ(counts.in_flight, 1);
  EXPECT_EQ(counts.delayed, 1);
  counts = Counts("q", 51'000);
  EXPECT_EQ(counts.visible, 2);
  EXPECT_EQ(counts.in_flight, 0);
  EXPECT_EQ(counts.delayed, 1);
  counts = Counts("q", 101'000);
  EXPECT_EQ(counts.visible, 3);
  EXPECT_EQ(counts.delayed, 0);
  // b is visible already: a time not after now.
  ASSERT_TRUE(store_->NextVisibleAt("q").has_value());
  EXPECT_LE(*store_->NextVisibleAt("q"), 1000);
  ASSERT_EQ(Receive("q", 1, 1000, 200).size(), 1u);
  EXPECT_EQ(store_->NextVisibleAt("q"), 51'000);
  EXPECT_EQ(store_->NextVisibleAt("nope"), std::nullopt);
}

// ---- reopening ----

TEST_F(QueueStoreTest, ReopenKeepsQueuesMessagesStateAndCursors) {
  QueueConfig config = Queue("q");
  config.visibility_timeout_s = 40;
  config.delay_s = 1;
  config.retention_s = 600;
  config.max_message_bytes = 2048;
  config.receive_wait_s = 20;
  config.redrive = RedrivePolicy{"dlq", 7};
  config.other_attributes["Policy"] = "{\"Statement\":[]}";
  config.tags["env"] = "test";
  Create(config, 1234);
  Create(Queue("dlq"));
  Create(Queue("~internal"));
  std::string in_flight = Send("q", "in-flight", 10'000);
  std::string visible = Send("q", "visible", 10'000);
  std::string delayed = Send("q", "delayed", 10'000, 300);
  std::string internal = Send("~internal", "event", 10'000);
  auto got = Receive("q", 1, 11'000);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_EQ(got[0].message.id, in_flight);
  std::optional<Result<SentMessage>> with_cursor;
  store_->SendWithCursor("~internal", Message("tick"), "schedule:a", "2026-01-01T00:00", 12'000,
                         [&](auto r) { with_cursor.emplace(std::move(r)); });
  EXPECT_EQ(store_->Cursor("schedule:a"), "2026-01-01T00:00");
  Settle();
  ASSERT_TRUE(with_cursor.has_value() && with_cursor->ok());
  QueueCounts before = Counts("q", 12'000);

  Reopen();
  auto reloaded = store_->GetQueue("q");
  ASSERT_TRUE(reloaded.ok());
  EXPECT_EQ(reloaded->visibility_timeout_s, 40);
  EXPECT_EQ(reloaded->delay_s, 1);
  EXPECT_EQ(reloaded->retention_s, 600);
  EXPECT_EQ(reloaded->max_message_bytes, 2048);
  EXPECT_EQ(reloaded->receive_wait_s, 20);
  ASSERT_TRUE(reloaded->redrive.has_value());
  EXPECT_EQ(reloaded->redrive->dead_letter_queue, "dlq");
  EXPECT_EQ(reloaded->redrive->max_receive_count, 7);
  EXPECT_EQ(reloaded->other_attributes, config.other_attributes);
  EXPECT_EQ(reloaded->tags, config.tags);
  EXPECT_EQ(reloaded->created_ms, 1234);
  EXPECT_EQ(store_->ListQueues("~"), (std::vector<std::string>{"~internal"}));
  EXPECT_EQ(store_->Cursor("schedule:a"), "2026-01-01T00:00");
  EXPECT_EQ(store_->Cursor("schedule:b"), std::nullopt);

  QueueCounts after = Counts("q", 12'000);
  EXPECT_EQ(after.visible, before.visible);
  EXPECT_EQ(after.in_flight, before.in_flight);
  EXPECT_EQ(after.delayed, before.delayed);
  // The handle from before the reopen still deletes.
  auto deleted = Delete("q", {got[0].receipt_handle});
  ASSERT_TRUE(deleted.ok() && deleted->at(0).ok());
  auto rest = Receive("q", 10, 1'000'000);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].message.id, visible);
  EXPECT_EQ(rest[1].message.id, delayed);
  auto events = Receive("~internal", 10, 1'000'000);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].message.id, internal);
  EXPECT_EQ(events[1].message.id, (*with_cursor)->id);
  EXPECT_EQ(events[1].message.content.body, "tick");
}

TEST_F(QueueStoreTest, NewSendsAfterReopenFollowOldOnes) {
  Create(Queue("q"));
  std::string a = Send("q", "a", 1000);
  Reopen();
  std::string b = Send("q", "b", 1000);
  Reopen();
  auto got = Receive("q", 10, 2000);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].message.id, a);
  EXPECT_EQ(got[1].message.id, b);
}

}  // namespace
}  // namespace kumo::store

namespace kumo::store {
namespace {

TEST_F(QueueStoreTest, ReleaseInFlightMakesHeldMessagesVisibleAndKeepsHandles) {
  Create(Queue("~async:f"));
  Send("~async:f", "held", 1000);
  Send("~async:f", "free", 1000);
  std::vector<ReceivedMessage> first = Receive("~async:f", 1, 2000, 900);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].message.content.body, "held");
  Reopen();  // as after a restart: the receive is remembered
  EXPECT_EQ(Counts("~async:f", 3000).in_flight, 1);
  ASSERT_TRUE(store_->ReleaseInFlight("~async:f", 3000).ok());
  Settle();
  EXPECT_EQ(Counts("~async:f", 3000).in_flight, 0);
  std::vector<ReceivedMessage> again = Receive("~async:f", 10, 3000);
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[0].message.content.body, "held");
  EXPECT_EQ(again[0].message.receive_count, 2);
  // The handle from before the release still deletes the message.
  auto deleted = Delete("~async:f", {first[0].receipt_handle});
  ASSERT_TRUE(deleted.ok());
  EXPECT_TRUE((*deleted)[0].ok());
  EXPECT_EQ(store_->ReleaseInFlight("~none", 3000).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace kumo::store

namespace kumo::store {
namespace {

TEST_F(QueueStoreTest, SetCursorAloneIsKeptAcrossReopen) {
  ASSERT_TRUE(store_->SetCursor("schedule:a", "120000").ok());
  EXPECT_EQ(store_->Cursor("schedule:a"), "120000");
  Reopen();
  EXPECT_EQ(store_->Cursor("schedule:a"), "120000");
}

}  // namespace
}  // namespace kumo::store
