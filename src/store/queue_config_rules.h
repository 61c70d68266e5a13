#pragma once
// The rules a queue's settings must follow (SQS's names and ranges) and how two settings
// differ, for the queue store. Pure.

#include <cstdint>
#include <string>

#include "common/result.h"
#include "store/queue_store.h"

namespace kumo::store {

inline constexpr int kMaxVisibilityS = 43200;
inline constexpr int kMaxDelayS = 900;

// kInvalidArgument naming `attribute` unless low <= value <= high.
Status CheckRange(const std::string& attribute, int64_t value, int64_t low, int64_t high);
// SQS names, or kumo's internal ones ('~' and then printable ASCII without spaces).
Status CheckName(const std::string& attribute, const std::string& name);
// Name, ranges, redrive policy; FIFO queues are refused.
Status ValidateConfig(const QueueConfig& config);
// The SQS name of the first attribute whose value differs, or "" when the settings match.
std::string FirstDifference(const QueueConfig& a, const QueueConfig& b);

}  // namespace kumo::store
