// Durability for real: a forked child opens the queue store, keeps several sends (or deletes)
// outstanding and writes each acknowledged message id to a pipe; the parent SIGKILLs it mid-way,
// reopens the file and checks that nothing acknowledged was lost (or came back). The parent runs
// no store while it forks, so the child starts single-threaded and may create its own threads.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "store/queue_store.h"

namespace kumo::store {
namespace {

constexpr int kWindow = 16;         // requests each child keeps outstanding
constexpr size_t kKillAfter = 400;  // acknowledgements the parent reads before the kill
constexpr int kPollTimeoutMs = 60'000;
constexpr int64_t kLater = 1'000'000'000;  // a time when every visibility has run out

// A loop for one thread: Post from anywhere, Run on the owner. Used as the child's event loop
// and, without Run, to collect the parent's completions.
class TaskQueue {
 public:
  void Post(std::function<void()> task) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      tasks_.push_back(std::move(task));
    }
    cv_.notify_one();
  }
  // Runs what is queued now and returns.
  void RunPending() {
    std::deque<std::function<void()>> tasks;
    {
      std::lock_guard<std::mutex> lock(mu_);
      tasks.swap(tasks_);
    }
    for (auto& task : tasks) task();
  }
  [[noreturn]] void RunForever() {
    while (true) {
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return !tasks_.empty(); });
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
    }
  }
  QueueStore::Post AsPost() {
    return [this](std::function<void()> task) { Post(std::move(task)); };
  }

 private:
  std::mutex mu_;  // guards tasks_
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
};

void WriteLine(int fd, const std::string& line) {
  std::string text = line + "\n";  // short enough to be one atomic pipe write
  if (write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) _exit(5);
}

// Child: sends distinct messages, kWindow at a time, until killed.
[[noreturn]] void SendUntilKilled(const std::string& path, int fd) {
  TaskQueue loop;
  auto opened = OpenSqliteQueueStore(path, loop.AsPost());
  if (!opened.ok()) _exit(3);
  std::unique_ptr<QueueStore> store = std::move(opened).value();
  int next = 0;
  std::function<void()> send_one = [&] {
    NewMessage message;
    message.body = "message-" + std::to_string(next++);
    store->Send("q", {message}, 1000, [&](Result<std::vector<SentMessage>> sent) {
      if (!sent.ok() || sent->size() != 1) _exit(4);
      WriteLine(fd, sent->front().id);
      send_one();
    });
  };
  for (int i = 0; i < kWindow; ++i) loop.Post(send_one);
  loop.RunForever();
}

// Child: receives batches of 10 and deletes them, kWindow batches at a time, until killed.
[[noreturn]] void DeleteUntilKilled(const std::string& path, int fd) {
  TaskQueue loop;
  auto opened = OpenSqliteQueueStore(path, loop.AsPost());
  if (!opened.ok()) _exit(3);
  std::unique_ptr<QueueStore> store = std::move(opened).value();
  std::function<void()> delete_batch = [&] {
    auto got = store->Receive("q", 10, 600, 2000);
    if (!got.ok()) _exit(4);
    std::vector<std::string> handles;
    std::vector<std::string> ids;
    for (const ReceivedMessage& r : *got) {
      handles.push_back(r.receipt_handle);
      ids.push_back(r.message.id);
    }
    if (ids.empty()) return;  // nothing left: idle until the kill
    store->Delete("q", handles, [&, ids](Result<std::vector<Status>> results) {
      if (!results.ok() || results->size() != ids.size()) _exit(4);
      for (size_t i = 0; i < ids.size(); ++i) {
        if (!(*results)[i].ok()) _exit(4);
        WriteLine(fd, ids[i]);
      }
      delete_batch();
    });
  };
  for (int i = 0; i < kWindow; ++i) loop.Post(delete_batch);
  loop.RunForever();
}

// Kills and reaps the child if a test ends early.
class ChildGuard {
 public:
  explicit ChildGuard(pid_t pid) : pid_(pid) {}
  ~ChildGuard() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      Wait();
    }
  }
  int Wait() {
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return status;
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_;
};

class QueueCrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "kumo-qcrash-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = (dir_ / "queues.db").string();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void OpenStore() {
    auto opened = OpenSqliteQueueStore(path_, tasks_.AsPost());
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(opened).value();
  }
  // The store must be closed (its thread joined) before a fork.
  void CloseStore() {
    store_.reset();
    tasks_.RunPending();
  }

  // Forks `child`, reads acknowledged ids until kKillAfter, SIGKILLs it, then reads what it
  // wrote before dying. Fails the test if the child ended any other way.
  void RunAndKill(void (*child)(const std::string&, int), std::vector<std::string>* acked) {
    int fds[2];
    ASSERT_EQ(pipe2(fds, O_CLOEXEC), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      child(path_, fds[1]);
      _exit(0);  // not reached: the children loop until killed
    }
    close(fds[1]);
    ChildGuard guard(pid);
    std::string buffer;
    bool killed = false;
    while (true) {
      if (!killed && acked->size() >= kKillAfter) {
        ASSERT_EQ(kill(pid, SIGKILL), 0);
        killed = true;
      }
      pollfd p{fds[0], POLLIN, 0};
      int ready = poll(&p, 1, kPollTimeoutMs);
      ASSERT_EQ(ready, 1) << "child wrote nothing for a minute";
      char chunk[4096];
      ssize_t n = read(fds[0], chunk, sizeof(chunk));
      if (n <= 0) break;  // the child is gone
      buffer.append(chunk, static_cast<size_t>(n));
      size_t newline;
      while ((newline = buffer.find('\n')) != std::string::npos) {
        acked->push_back(buffer.substr(0, newline));
        buffer.erase(0, newline + 1);
      }
    }
    close(fds[0]);
    int status = guard.Wait();
    ASSERT_TRUE(killed) << "child ended before the kill, status " << status;
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "status " << status;
    EXPECT_TRUE(buffer.empty()) << "a torn line: " << buffer;
  }

  std::set<std::string> AllIds() {
    auto got = store_->Receive("q", 1'000'000, 0, kLater);
    EXPECT_TRUE(got.ok());
    std::set<std::string> ids;
    if (got.ok()) {
      for (const ReceivedMessage& r : *got) ids.insert(r.message.id);
    }
    return ids;
  }

  std::filesystem::path dir_;
  std::string path_;
  TaskQueue tasks_;
  std::unique_ptr<QueueStore> store_;
};

TEST_F(QueueCrashTest, AcknowledgedSendsSurviveKill) {
  OpenStore();
  QueueConfig config;
  config.name = "q";
  ASSERT_TRUE(store_->CreateQueue(config, 1000).ok());
  CloseStore();

  std::vector<std::string> acked;
  RunAndKill(&SendUntilKilled, &acked);
  ASSERT_GE(acked.size(), kKillAfter);
  std::set<std::string> unique(acked.begin(), acked.end());
  EXPECT_EQ(unique.size(), acked.size());

  OpenStore();
  std::set<std::string> stored = AllIds();
  for (const std::string& id : acked) EXPECT_EQ(stored.count(id), 1u) << "lost " << id;
  // Beyond the acknowledged ones, at most what was outstanding at the kill.
  EXPECT_LE(stored.size(), acked.size() + kWindow);
}

TEST_F(QueueCrashTest, AcknowledgedDeletesStayDeleted) {
  constexpr int kMessages = 3000;
  OpenStore();
  QueueConfig config;
  config.name = "q";
  ASSERT_TRUE(store_->CreateQueue(config, 1000).ok());
  std::set<std::string> original;
  for (int batch = 0; batch < kMessages / 100; ++batch) {
    std::vector<NewMessage> messages(100);
    for (int i = 0; i < 100; ++i) messages[i].body = "m" + std::to_string(batch * 100 + i);
    store_->Send("q", std::move(messages), 1000, [&](Result<std::vector<SentMessage>> sent) {
      ASSERT_TRUE(sent.ok());
      for (const SentMessage& s : *sent) original.insert(s.id);
    });
  }
  store_->Flush();
  tasks_.RunPending();
  ASSERT_EQ(original.size(), static_cast<size_t>(kMessages));
  CloseStore();

  std::vector<std::string> acked;
  RunAndKill(&DeleteUntilKilled, &acked);
  ASSERT_GE(acked.size(), kKillAfter);
  ASSERT_LT(acked.size(), static_cast<size_t>(kMessages)) << "the kill came too late";

  OpenStore();
  std::set<std::string> stored = AllIds();
  for (const std::string& id : acked) EXPECT_EQ(stored.count(id), 0u) << "came back: " << id;
  for (const std::string& id : stored) EXPECT_EQ(original.count(id), 1u) << "unknown " << id;
  // Nothing but the acknowledged deletes and the ones outstanding at the kill is gone.
  EXPECT_LE(stored.size() + acked.size(), static_cast<size_t>(kMessages));
  EXPECT_GE(stored.size() + acked.size(), static_cast<size_t>(kMessages - kWindow * 10));
}

}  // namespace
}  // namespace kumo::store
