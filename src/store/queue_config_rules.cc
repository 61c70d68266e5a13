#include "store/queue_config_rules.h"

#include <algorithm>

namespace kumo::store {
namespace {

constexpr size_t kMaxNameLength = 80;
constexpr size_t kMaxInternalNameLength = 256;

Error BadValue(const std::string& attribute, int64_t value, int64_t low, int64_t high) {
  return MakeError(ErrorCode::kInvalidArgument, "Invalid value for the parameter " + attribute +
                                                    ": " + std::to_string(value) +
                                                    " (must be from " + std::to_string(low) +
                                                    " to " + std::to_string(high) + ")");
}

bool IsFifo(const QueueConfig& config) {
  if (config.name.size() >= 5 && config.name.compare(config.name.size() - 5, 5, ".fifo") == 0) {
    return true;
  }
  auto fifo = config.other_attributes.find("FifoQueue");
  return fifo != config.other_attributes.end() && fifo->second == "true";
}

}  // namespace

Status CheckRange(const std::string& attribute, int64_t value, int64_t low, int64_t high) {
  if (value < low || value > high) return BadValue(attribute, value, low, high);
  return Ok();
}

Status CheckName(const std::string& attribute, const std::string& name) {
  bool ok;
  if (!name.empty() && name[0] == '~') {
    ok = name.size() >= 2 && name.size() <= kMaxInternalNameLength &&
         std::all_of(name.begin(), name.end(), [](char c) { return c > ' ' && c < 0x7f; });
  } else {
    ok = !name.empty() && name.size() <= kMaxNameLength &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_';
         });
  }
  if (ok) return Ok();
  return MakeError(ErrorCode::kInvalidArgument,
                   "Invalid value for the parameter " + attribute + ": \"" + name +
                       "\". Can only include alphanumeric characters, hyphens, or underscores. 1 "
                       "to 80 in length");
}

Status ValidateConfig(const QueueConfig& c) {
  if (IsFifo(c)) {
    return MakeError(ErrorCode::kInvalidArgument, "FIFO queues are not supported by kumo yet");
  }
  KUMO_RETURN_IF_ERROR(CheckName("QueueName", c.name));
  KUMO_RETURN_IF_ERROR(CheckRange("VisibilityTimeout", c.visibility_timeout_s, 0, kMaxVisibilityS));
  KUMO_RETURN_IF_ERROR(CheckRange("DelaySeconds", c.delay_s, 0, kMaxDelayS));
  KUMO_RETURN_IF_ERROR(CheckRange("MessageRetentionPeriod", c.retention_s, 60, 1209600));
  KUMO_RETURN_IF_ERROR(CheckRange("MaximumMessageSize", c.max_message_bytes, 1024, 262144));
  KUMO_RETURN_IF_ERROR(CheckRange("ReceiveMessageWaitTimeSeconds", c.receive_wait_s, 0, 20));
  if (c.redrive.has_value()) {
    KUMO_RETURN_IF_ERROR(CheckName("RedrivePolicy", c.redrive->dead_letter_queue));
    KUMO_RETURN_IF_ERROR(CheckRange("RedrivePolicy", c.redrive->max_receive_count, 1, 1000));
  }
  return Ok();
}

std::string FirstDifference(const QueueConfig& a, const QueueConfig& b) {
  if (a.visibility_timeout_s != b.visibility_timeout_s) return "VisibilityTimeout";
  if (a.delay_s != b.delay_s) return "DelaySeconds";
  if (a.retention_s != b.retention_s) return "MessageRetentionPeriod";
  if (a.max_message_bytes != b.max_message_bytes) return "MaximumMessageSize";
  if (a.receive_wait_s != b.receive_wait_s) return "ReceiveMessageWaitTimeSeconds";
  if (a.redrive.has_value() != b.redrive.has_value() ||
      (a.redrive.has_value() && (a.redrive->dead_letter_queue != b.redrive->dead_letter_queue ||
                                 a.redrive->max_receive_count != b.redrive->max_receive_count))) {
    return "RedrivePolicy";
  }
  for (const auto* side : {&a.other_attributes, &b.other_attributes}) {
    const auto* other = side == &a.other_attributes ? &b.other_attributes : &a.other_attributes;
    for (const auto& [key, value] : *side) {
      auto it = other->find(key);
      if (it == other->end() || it->second != value) return key;
    }
  }
  return "";
}

}  // namespace kumo::store
