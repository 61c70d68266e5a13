#pragma once
// Fakes for the event source mapping tests: an in-memory QueueStore with the visibility, receive
// count and redrive rules the pollers rely on, a FunctionInvoker whose calls the test answers by
// hand, and a manual clock with timers. Test code only; one thread.

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "events/esm_poller.h"
#include "store/queue_store.h"

namespace kumo::events::testing {

class FakeQueueStore : public store::QueueStore {
 public:
  struct Message {
    store::StoredMessage stored;
    std::string handle;  // the latest receipt handle
    bool deleted = false;
  };

  // Adds a visible message with `body` (and optional attribute documents); returns its id.
  std::string Put(const std::string& queue, const std::string& body, int64_t now_ms,
                  const std::string& attributes_json = "") {
    Message m;
    m.stored.id = "id-" + std::to_string(++next_id_);
    m.stored.content.body = body;
    m.stored.content.md5_of_body = "md5-" + body;
    m.stored.content.message_attributes_json = attributes_json;
    m.stored.content.sender_id = "sender";
    m.stored.sent_ms = now_ms;
    m.stored.visible_at_ms = now_ms;
    queues_[queue].push_back(m);
    return m.stored.id;
  }
  void Notify(const std::string& queue) {
    for (auto& [id, listener] : listeners_) listener(queue);
  }
  // Messages not deleted, in order.
  std::vector<Message> Live(const std::string& queue) const {
    std::vector<Message> out;
    auto it = queues_.find(queue);
    if (it == queues_.end()) return out;
    for (const auto& m : it->second) {
      if (!m.deleted) out.push_back(m);
    }
    return out;
  }
  const Message* Find(const std::string& queue, const std::string& id) const {
    auto it = queues_.find(queue);
    if (it == queues_.end()) return nullptr;
    for (const auto& m : it->second) {
      if (m.stored.id == id && !m.deleted) return &m;
    }
    return nullptr;
  }
  void SetRedrive(const std::string& queue, const std::string& dlq, int max_receive_count) {
    redrive_[queue] = {dlq, max_receive_count};
    queues_[dlq];
  }
  void Drop(const std::string& queue) { queues_.erase(queue); }
  void Create(const std::string& queue) { queues_[queue]; }
  int receive_calls() const { return receive_calls_; }
  int listeners() const { return static_cast<int>(listeners_.size()); }

  Result<std::vector<store::ReceivedMessage>> Receive(const std::string& queue, int max,
                                                      int visibility_s, int64_t now_ms) override {
    ++receive_calls_;
    last_now_ = now_ms;
    auto it = queues_.find(queue);
    if (it == queues_.end()) return MakeError(ErrorCode::kNotFound, "no queue " + queue);
    std::vector<store::ReceivedMessage> out;
    for (auto& m : it->second) {
      if (static_cast<int>(out.size()) >= max) break;
      if (m.deleted || m.stored.visible_at_ms > now_ms) continue;
      auto redrive = redrive_.find(queue);
      if (redrive != redrive_.end() && m.stored.receive_count >= redrive->second.second) {
        Message moved = m;
        moved.stored.receive_count = 0;
        moved.stored.visible_at_ms = now_ms;
        m.deleted = true;
        queues_[redrive->second.first].push_back(moved);
        continue;
      }
      m.stored.receive_count++;
      if (m.stored.first_receive_ms == 0) m.stored.first_receive_ms = now_ms;
      m.stored.visible_at_ms = now_ms + int64_t{visibility_s < 0 ? 30 : visibility_s} * 1000;
      m.handle = m.stored.id + "/" + std::to_string(m.stored.receive_count);
      out.push_back(store::ReceivedMessage{m.stored, m.handle});
    }
    return out;
  }
  void Delete(const std::string& queue, std::vector<std::string> handles,
              Done<std::vector<Status>> done) override {
    std::vector<Status> results;
    for (const std::string& h : handles) {
      bool found = false;
      for (auto& m : queues_[queue]) {
        if (m.handle == h && !m.deleted) {
          m.deleted = true;
          found = true;
        }
      }
      results.push_back(found ? Ok() : Status(MakeError(ErrorCode::kInvalidArgument, h)));
      ++deletes_;
    }
    done(std::move(results));
  }
  Status ChangeVisibility(const std::string& queue, const std::string& handle, int visibility_s,
                          int64_t now_ms) override {
    for (auto& m : queues_[queue]) {
      if (m.handle == handle && !m.deleted) {
        m.stored.visible_at_ms = now_ms + int64_t{visibility_s} * 1000;
        return Ok();
      }
    }
    return MakeError(ErrorCode::kInvalidArgument, "stale handle");
  }
  std::optional<int64_t> NextVisibleAt(const std::string& queue) const override {
    auto it = queues_.find(queue);
    if (it == queues_.end()) return std::nullopt;
    std::optional<int64_t> next;
    for (const auto& m : it->second) {
      if (m.deleted || m.stored.visible_at_ms <= last_now_) continue;
      if (!next || m.stored.visible_at_ms < *next) next = m.stored.visible_at_ms;
    }
    return next;
  }
  int AddListener(std::function<void(const std::string&)> listener) override {
    listeners_[++next_listener_] = std::move(listener);
    return next_listener_;
  }
  void RemoveListener(int id) override { listeners_.erase(id); }

  // Not used by event source mappings.
  Result<store::QueueConfig> CreateQueue(store::QueueConfig c, int64_t) override { return c; }
  Result<store::QueueConfig> GetQueue(const std::string& name) const override {
    if (!queues_.count(name)) return MakeError(ErrorCode::kNotFound, "no queue " + name);
    store::QueueConfig c;
    c.name = name;
    return c;
  }
  std::vector<std::string> ListQueues(const std::string&) const override { return {}; }
  Status SetConfig(const store::QueueConfig&, int64_t) override { return Ok(); }
  Status DeleteQueue(const std::string& name) override {
    queues_.erase(name);
    return Ok();
  }
  Status Purge(const std::string&) override { return Ok(); }
  Result<store::QueueCounts> Counts(const std::string&, int64_t) const override {
    return store::QueueCounts{};
  }
  void Send(const std::string&, std::vector<store::NewMessage>, int64_t,
            Done<std::vector<store::SentMessage>> done) override {
    done(MakeError(ErrorCode::kInternal, "not in the fake"));
  }
  void SendWithCursor(const std::string&, store::NewMessage, const std::string&, const std::string&,
                      int64_t, Done<store::SentMessage> done) override {
    done(MakeError(ErrorCode::kInternal, "not in the fake"));
  }
  std::optional<std::string> Cursor(const std::string&) const override { return std::nullopt; }
  void Requeue(const std::string&, const std::string&, std::string, int, int64_t,
               Done<bool> done) override {
    done(MakeError(ErrorCode::kInternal, "not in the fake"));
  }
  void ExpireOld(int64_t) override {}
  void Flush() override {}

 private:
  std::map<std::string, std::vector<Message>> queues_;
  std::map<std::string, std::pair<std::string, int>> redrive_;
  std::map<int, std::function<void(const std::string&)>> listeners_;
  int next_id_ = 0;
  int next_listener_ = 0;
  int receive_calls_ = 0;
  int deletes_ = 0;
  int64_t last_now_ = 0;
};

// Keeps every Invoke until the test answers it.
class FakeInvoker : public FunctionInvoker {
 public:
  struct Call {
    std::string function;
    std::string qualifier;
    dispatch::InvokeRequest request;
    dispatch::InvokeCallback done;
  };
  void Invoke(const std::string& function, const std::string& qualifier,
              dispatch::InvokeRequest request, dispatch::InvokeCallback done) override {
    calls.push_back(Call{function, qualifier, std::move(request), std::move(done)});
    if (auto_answer) {
      Call call = std::move(calls.back());
      calls.pop_back();
      ++answered;
      call.done(auto_answer(call));
    }
  }
  bool Exists(const std::string& function) override { return function != "missing"; }

  // Answers the oldest open call with `result`.
  void Answer(dispatch::InvokeResult result) {
    Call call = std::move(calls.front());
    calls.erase(calls.begin());
    ++answered;
    result.request_id = call.request.request_id;
    call.done(std::move(result));
  }
  static dispatch::InvokeResult Success(std::string payload = "null") {
    dispatch::InvokeResult r;
    r.payload = std::move(payload);
    return r;
  }
  static dispatch::InvokeResult FunctionError() {
    dispatch::InvokeResult r;
    r.function_error = true;
    r.payload = R"({"errorMessage":"boom","errorType":"Exception"})";
    return r;
  }
  static dispatch::InvokeResult PlatformError(ErrorCode code) {
    dispatch::InvokeResult r;
    r.platform_error = MakeError(code, "platform");
    return r;
  }

  std::vector<Call> calls;  // open calls, oldest first
  int answered = 0;
  // When set, every call is answered at once (inside Invoke) with what it returns.
  std::function<dispatch::InvokeResult(const Call&)> auto_answer;
};

// A manual clock: timers fire only in Advance, in order of their due times.
class ManualClock {
 public:
  class FakeTimer : public net::Timer {
   public:
    explicit FakeTimer(ManualClock* clock) : clock_(clock) {}
    ~FakeTimer() override { Cancel(); }
    void Start(std::chrono::milliseconds delay, std::function<void()> callback) override {
      Cancel();
      due_ = clock_->now_ + delay.count();
      callback_ = std::move(callback);
      clock_->armed_.push_back(this);
    }
    void Cancel() override {
      callback_ = nullptr;
      auto& armed = clock_->armed_;
      armed.erase(std::remove(armed.begin(), armed.end(), this), armed.end());
    }
    int64_t due() const { return due_; }

   private:
    friend class ManualClock;
    ManualClock* clock_;
    int64_t due_ = 0;
    std::function<void()> callback_;
  };

  EsmClock Clock() {
    return EsmClock{[this] { return now_; }, [this] { return std::make_unique<FakeTimer>(this); }};
  }
  int64_t now() const { return now_; }
  // Moves time forward by `ms`, firing each timer due on the way at its due time.
  void Advance(int64_t ms) {
    int64_t end = now_ + ms;
    while (true) {
      FakeTimer* next = nullptr;
      for (FakeTimer* t : armed_) {
        if (t->due_ <= end && (next == nullptr || t->due_ < next->due_)) next = t;
      }
      if (next == nullptr) break;
      now_ = std::max(now_, next->due_);
      std::function<void()> fire = std::move(next->callback_);
      next->Cancel();
      fire();
    }
    now_ = end;
  }
  // The earliest armed timer's due time.
  std::optional<int64_t> NextDue() const {
    std::optional<int64_t> next;
    for (FakeTimer* t : armed_) {
      if (!next || t->due_ < *next) next = t->due_;
    }
    return next;
  }

 private:
  int64_t now_ = 1'700'000'000'000;
  std::vector<FakeTimer*> armed_;
};

}  // namespace kumo::events::testing
