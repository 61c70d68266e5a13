#pragma once
// An in-memory QueueStore for the SQS layer's unit tests: the rules the protocol layer relies on
// (delay, visibility, receipt handles, redrive, listeners) in their simplest form. Completions
// and listener calls go to a queue of pending callbacks that the test runs with RunPending(), the
// way the real store hands them to the loop after a commit.

#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "store/queue_store.h"

namespace kumo::api::sqs {

class FakeQueueStore : public store::QueueStore {
 public:
  Result<store::QueueConfig> CreateQueue(store::QueueConfig config, int64_t now_ms) override {
    if (auto it = queues_.find(config.name); it != queues_.end()) {
      const store::QueueConfig& old = it->second.config;
      if (old.visibility_timeout_s != config.visibility_timeout_s ||
          old.delay_s != config.delay_s) {
        return MakeError(ErrorCode::kConflict,
                         "A queue already exists with the same name and a "
                         "different value for attribute VisibilityTimeout");
      }
      return old;
    }
    config.created_ms = config.modified_ms = now_ms;
    queues_[config.name].config = config;
    return config;
  }
  Result<store::QueueConfig> GetQueue(const std::string& name) const override {
    auto it = queues_.find(name);
    if (it == queues_.end()) return MakeError(ErrorCode::kNotFound, "no queue " + name);
    return it->second.config;
  }
  std::vector<std::string> ListQueues(const std::string& prefix) const override {
    std::vector<std::string> out;
    for (const auto& [name, q] : queues_) {
      if (name.rfind(prefix, 0) == 0 && (name[0] != '~' || prefix.rfind("~", 0) == 0)) {
        out.push_back(name);
      }
    }
    return out;
  }
  Status SetConfig(const store::QueueConfig& config, int64_t now_ms) override {
    auto it = queues_.find(config.name);
    if (it == queues_.end()) return MakeError(ErrorCode::kNotFound, "no queue");
    it->second.config = config;
    it->second.config.modified_ms = now_ms;
    return Ok();
  }
  Status DeleteQueue(const std::string& name) override {
    return queues_.erase(name) ? Ok() : Status(MakeError(ErrorCode::kNotFound, "no queue"));
  }
  Status Purge(const std::string& name) override {
    auto it = queues_.find(name);
    if (it == queues_.end()) return MakeError(ErrorCode::kNotFound, "no queue");
    it->second.messages.clear();
    return Ok();
  }
  Result<store::QueueCounts> Counts(const std::string& name, int64_t now_ms) const override {
    auto it = queues_.find(name);
    if (it == queues_.end()) return MakeError(ErrorCode::kNotFound, "no queue");
    store::QueueCounts counts;
    for (const Entry& e : it->second.messages) {
      if (e.message.visible_at_ms <= now_ms) {
        ++counts.visible;
      } else if (e.message.receive_count > 0) {
        ++counts.in_flight;
      } else {
        ++counts.delayed;
      }
    }
    return counts;
  }
  void Send(const std::string& queue, std::vector<store::NewMessage> messages, int64_t now_ms,
            Done<std::vector<store::SentMessage>> done) override {
    auto it = queues_.find(queue);
    if (it == queues_.end()) {
      pending_.push_back([done] { done(MakeError(ErrorCode::kNotFound, "no queue")); });
      return;
    }
    std::vector<store::SentMessage> sent;
    for (store::NewMessage& m : messages) {
      Entry e;
      e.message.id = std::string("m").append(std::to_string(++next_id_));
      int delay = m.delay_s >= 0 ? m.delay_s : it->second.config.delay_s;
      e.message.sent_ms = now_ms;
      e.message.visible_at_ms = now_ms + delay * 1000;
      sent.push_back({e.message.id, m.md5_of_body, m.md5_of_message_attributes});
      e.message.content = std::move(m);
      it->second.messages.push_back(std::move(e));
    }
    ++sends_;
    pending_.push_back([this, queue, done, sent] {
      done(sent);
      Notify(queue);
    });
  }
  void SendWithCursor(const std::string&, store::NewMessage, const std::string&, const std::string&,
                      int64_t, Done<store::SentMessage> done) override {
    done(MakeError(ErrorCode::kInternal, "not in the fake"));
  }
  std::optional<std::string> Cursor(const std::string&) const override { return std::nullopt; }

  Result<std::vector<store::ReceivedMessage>> Receive(const std::string& queue, int max,
                                                      int visibility_s, int64_t now_ms) override {
    auto it = queues_.find(queue);
    if (it == queues_.end()) return MakeError(ErrorCode::kNotFound, "no queue");
    QueueState& q = it->second;
    std::vector<store::ReceivedMessage> out;
    for (size_t i = 0; i < q.messages.size() && static_cast<int>(out.size()) < max;) {
      Entry& e = q.messages[i];
      if (e.message.visible_at_ms > now_ms) {
        ++i;
        continue;
      }
      if (q.config.redrive && e.message.receive_count >= q.config.redrive->max_receive_count) {
        auto dlq = queues_.find(q.config.redrive->dead_letter_queue);
        if (dlq != queues_.end()) {
          Entry moved = e;
          moved.message.receive_count = 0;
          moved.message.visible_at_ms = now_ms;
          dlq->second.messages.push_back(moved);
          q.messages.erase(q.messages.begin() + i);
          pending_.push_back([this, name = dlq->first] { Notify(name); });
          continue;
        }
      }
      ++e.message.receive_count;
      if (e.message.first_receive_ms == 0) e.message.first_receive_ms = now_ms;
      int vis = visibility_s >= 0 ? visibility_s : q.config.visibility_timeout_s;
      e.message.visible_at_ms = now_ms + vis * 1000;
      e.handle = e.message.id + "#" + std::to_string(e.message.receive_count);
      out.push_back({e.message, e.handle});
      ++i;
    }
    return out;
  }
  void Delete(const std::string& queue, std::vector<std::string> handles,
              Done<std::vector<Status>> done) override {
    auto it = queues_.find(queue);
    if (it == queues_.end()) {
      pending_.push_back([done] { done(MakeError(ErrorCode::kNotFound, "no queue")); });
      return;
    }
    std::vector<Status> statuses;
    for (const std::string& h : handles) {
      size_t hash = h.find('#');
      if (hash == std::string::npos) {
        statuses.push_back(MakeError(ErrorCode::kInvalidArgument, "bad handle"));
        continue;
      }
      std::string id = h.substr(0, hash);
      auto& msgs = it->second.messages;
      std::erase_if(msgs, [&](const Entry& e) { return e.message.id == id; });
      statuses.push_back(Ok());
    }
    pending_.push_back([done, statuses] { done(statuses); });
  }
  Status ChangeVisibility(const std::string& queue, const std::string& handle, int visibility_s,
                          int64_t now_ms) override {
    auto it = queues_.find(queue);
    if (it == queues_.end()) return MakeError(ErrorCode::kNotFound, "no queue");
    for (Entry& e : it->second.messages) {
      if (e.handle != handle) continue;
      if (e.message.visible_at_ms <= now_ms) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "Value " + handle +
                             " for parameter ReceiptHandle is invalid. Reason: "
                             "Message does not exist or is not available for visibility timeout "
                             "change.");
      }
      e.message.visible_at_ms = now_ms + visibility_s * 1000;
      if (visibility_s == 0) pending_.push_back([this, queue] { Notify(queue); });
      return Ok();
    }
    return MakeError(ErrorCode::kInvalidArgument, "receipt handle is not valid");
  }
  void Requeue(const std::string&, const std::string&, std::string, int, int64_t,
               Done<bool> done) override {
    done(MakeError(ErrorCode::kInternal, "not in the fake"));
  }
  std::optional<int64_t> NextVisibleAt(const std::string& queue) const override {
    auto it = queues_.find(queue);
    if (it == queues_.end()) return std::nullopt;
    std::optional<int64_t> next;
    for (const Entry& e : it->second.messages) {
      if (!next || e.message.visible_at_ms < *next) next = e.message.visible_at_ms;
    }
    return next;
  }
  int AddListener(std::function<void(const std::string&)> listener) override {
    listeners_[++next_listener_] = std::move(listener);
    return next_listener_;
  }
  void RemoveListener(int id) override { listeners_.erase(id); }
  void ExpireOld(int64_t) override {}
  void Flush() override {}

  // Runs completions and listener calls queued so far (and any they queue).
  void RunPending() {
    while (!pending_.empty()) {
      auto fn = std::move(pending_.front());
      pending_.pop_front();
      fn();
    }
  }
  int sends() const { return sends_; }
  size_t message_count(const std::string& queue) const {
    auto it = queues_.find(queue);
    return it == queues_.end() ? 0 : it->second.messages.size();
  }
  const store::StoredMessage& message(const std::string& queue, size_t i) const {
    return queues_.at(queue).messages.at(i).message;
  }

 private:
  struct Entry {
    store::StoredMessage message;
    std::string handle;
  };
  struct QueueState {
    store::QueueConfig config;
    std::vector<Entry> messages;
  };
  void Notify(const std::string& queue) {
    for (auto& [id, listener] : listeners_) listener(queue);
  }

  std::map<std::string, QueueState> queues_;
  std::deque<std::function<void()>> pending_;
  std::map<int, std::function<void(const std::string&)>> listeners_;
  int next_listener_ = 0;
  int next_id_ = 0;
  int sends_ = 0;
};

}  // namespace kumo::api::sqs
