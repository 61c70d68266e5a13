#include "cli/project_queues.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>

namespace kumo::cli {
namespace {

bool IsQueueName(std::string_view name) {
  return !name.empty() && name.size() <= 80 && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

Status DeadLetter(const YamlReader& reader, const YAML::Node& key, const YAML::Node& value,
                  QueueSpec& spec) {
  KUMO_RETURN_IF_ERROR(reader.ExpectMap(key, value, "deadLetterQueue"));
  KUMO_RETURN_IF_ERROR(reader.CheckKeys(value, "in deadLetterQueue", {"queue", "maxReceiveCount"}));
  if (!value["queue"])
    return reader.At(value, "deadLetterQueue needs queue: (a queue of this file)");
  KUMO_ASSIGN_OR_RETURN(spec.dead_letter_queue, reader.String(key, value["queue"], "queue"));
  spec.max_receive_count = 3;
  if (value["maxReceiveCount"]) {
    KUMO_ASSIGN_OR_RETURN(int64_t count,
                          reader.Integer(key, value["maxReceiveCount"], 1, 1000,
                                         "maxReceiveCount must be a whole number from 1 to 1000"));
    spec.max_receive_count = static_cast<int>(count);
  }
  return Ok();
}

Status Field(const YamlReader& reader, const YAML::Node& key, const YAML::Node& value,
             QueueSpec& spec) {
  const std::string& name = key.Scalar();
  auto seconds = [&](int* field, int64_t min, int64_t max, const std::string& message) -> Status {
    KUMO_ASSIGN_OR_RETURN(int64_t number, reader.Seconds(key, value, min, max, message));
    *field = static_cast<int>(number);
    return Ok();
  };
  if (name == "visibilityTimeout") {
    return seconds(&spec.visibility_timeout_s, 0, 43200,
                   "visibilityTimeout must be a duration from 0 to 12h (e.g. 30 or 5m)");
  }
  if (name == "delaySeconds") {
    return seconds(&spec.delay_s, 0, 900, "delaySeconds must be a duration from 0 to 15m");
  }
  if (name == "retention") {
    return seconds(&spec.retention_s, 60, 1209600,
                   "retention must be a duration from 60 seconds to 14d (e.g. 4d or 345600)");
  }
  if (name == "receiveWaitTime") {
    return seconds(&spec.receive_wait_s, 0, 20, "receiveWaitTime must be 0 to 20 seconds");
  }
  if (name == "maxMessageSize") {
    KUMO_ASSIGN_OR_RETURN(int64_t bytes,
                          reader.Integer(key, value, 1024, 262144,
                                         "maxMessageSize must be a whole number of bytes from 1024 "
                                         "to 262144"));
    spec.max_message_bytes = static_cast<int>(bytes);
    return Ok();
  }
  return DeadLetter(reader, key, value, spec);  // the only key left after CheckKeys
}

Result<QueueSpec> ParseQueue(const YamlReader& reader, const YAML::Node& key,
                             const YAML::Node& value) {
  QueueSpec spec;
  spec.name = key.Scalar();
  if (!key.IsScalar() || !IsQueueName(spec.name)) {
    return reader.At(
        key, "queue names use 1 to 80 letters, digits, '-' and '_' (got \"" + spec.name + "\")");
  }
  if (value.IsNull()) return spec;  // `orders-dlq:` alone takes every default
  KUMO_RETURN_IF_ERROR(reader.ExpectMap(key, value, "queue \"" + spec.name + "\""));
  KUMO_RETURN_IF_ERROR(reader.CheckKeys(value, "in queue \"" + spec.name + "\"",
                                        {"visibilityTimeout", "delaySeconds", "retention",
                                         "maxMessageSize", "receiveWaitTime", "deadLetterQueue"}));
  for (auto it = value.begin(); it != value.end(); ++it) {
    KUMO_RETURN_IF_ERROR(Field(reader, it->first, it->second, spec));
  }
  return spec;
}

// Fails when a dead-letter queue is unknown, the queue itself, or part of a loop.
Status CheckDeadLetters(const YamlReader& reader, const YAML::Node& value,
                        const std::vector<QueueSpec>& queues) {
  std::map<std::string, const QueueSpec*> by_name;
  for (const QueueSpec& q : queues) by_name[q.name] = &q;
  for (const QueueSpec& q : queues) {
    if (q.dead_letter_queue.empty()) continue;
    YAML::Node at = value[q.name]["deadLetterQueue"]["queue"];
    if (!by_name.count(q.dead_letter_queue)) {
      return reader.At(at, "unknown queue \"" + q.dead_letter_queue +
                               "\" (a deadLetterQueue must be a queue of this file)");
    }
    std::set<std::string> seen{q.name};
    for (const QueueSpec* next = by_name[q.dead_letter_queue]; next;) {
      if (!seen.insert(next->name).second) {
        return reader.At(at, "the dead-letter queues of \"" + q.name + "\" form a loop");
      }
      next = next->dead_letter_queue.empty() ? nullptr : by_name[next->dead_letter_queue];
    }
  }
  return Ok();
}

}  // namespace

Result<std::vector<QueueSpec>> ParseQueues(const YamlReader& reader, const YAML::Node& key,
                                           const YAML::Node& value) {
  std::vector<QueueSpec> queues;
  if (value.IsNull()) return queues;
  KUMO_RETURN_IF_ERROR(reader.ExpectMap(key, value, "queues"));
  std::set<std::string> names;
  for (auto it = value.begin(); it != value.end(); ++it) {
    KUMO_ASSIGN_OR_RETURN(QueueSpec spec, ParseQueue(reader, it->first, it->second));
    if (!names.insert(spec.name).second) {
      return reader.At(it->first, "duplicate queue \"" + spec.name + "\"");
    }
    queues.push_back(std::move(spec));
  }
  KUMO_RETURN_IF_ERROR(CheckDeadLetters(reader, value, queues));
  std::sort(queues.begin(), queues.end(),
            [](const QueueSpec& a, const QueueSpec& b) { return a.name < b.name; });
  return queues;
}

std::vector<const QueueSpec*> DeadLettersFirst(const std::vector<QueueSpec>& queues) {
  std::map<std::string, const QueueSpec*> by_name;
  for (const QueueSpec& q : queues) by_name[q.name] = &q;
  std::vector<const QueueSpec*> order;
  std::set<std::string> placed;
  // Depth of a queue's dead-letter chain is bounded by the number of queues (no loops).
  std::function<void(const QueueSpec*)> place = [&](const QueueSpec* q) {
    if (placed.count(q->name)) return;
    auto dlq = by_name.find(q->dead_letter_queue);
    if (dlq != by_name.end()) place(dlq->second);
    placed.insert(q->name);
    order.push_back(q);
  };
  for (const QueueSpec& q : queues) place(&q);
  return order;
}

}  // namespace kumo::cli
