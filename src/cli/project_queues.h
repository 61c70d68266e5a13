#pragma once
// The `queues:` map of kumo.yaml: kumo's own SQS-compatible queues that the deploy creates,
// with their attributes and dead-letter queues. Single-threaded.

#include <vector>

#include "cli/yaml_reader.h"

namespace kumo::cli {

// Sorted by name. A deadLetterQueue must be another queue of the map, and redrive may not loop.
Result<std::vector<QueueSpec>> ParseQueues(const YamlReader& reader, const YAML::Node& key,
                                           const YAML::Node& value);

// `queues` ordered so that every dead-letter queue comes before the queues that use it (the order
// in which they can be created).
std::vector<const QueueSpec*> DeadLettersFirst(const std::vector<QueueSpec>& queues);

}  // namespace kumo::cli
