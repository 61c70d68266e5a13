#pragma once
// Queue attributes as SQS names them (VisibilityTimeout, RedrivePolicy, ...) to and from
// store::QueueConfig, with SQS's validation and errors.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "api/sqs/sqs_error.h"
#include "store/queue_store.h"

namespace kumo::api::sqs {

struct ArnParts {
  std::string region;
  std::string account_id;
};

// Sets `attributes` on `config`. RedrivePolicy's target must be an existing queue
// (`queue_exists`); an empty RedrivePolicy removes it. Unknown or read-only names are
// InvalidAttributeName, bad values InvalidAttributeValue; nothing is changed on error.
SqsResult<bool> ApplyQueueAttributes(const std::map<std::string, std::string>& attributes,
                                     const std::function<bool(const std::string&)>& queue_exists,
                                     store::QueueConfig* config);

// Every attribute GetQueueAttributes can report, in SQS's order ("All").
std::vector<std::pair<std::string, std::string>> QueueAttributeValues(
    const store::QueueConfig& config, const store::QueueCounts& counts, const ArnParts& arn);

// The ones `names` asks for ("All" or names); an unknown name is InvalidAttributeName.
SqsResult<std::vector<std::pair<std::string, std::string>>> SelectQueueAttributes(
    std::vector<std::pair<std::string, std::string>> all, const std::vector<std::string>& names);

// RedrivePolicy's JSON text for `policy`.
std::string RedrivePolicyJson(const store::RedrivePolicy& policy, const ArnParts& arn);

}  // namespace kumo::api::sqs
