#pragma once
// Queue URLs (http://<host>/<account>/<name>) and ARNs (arn:aws:sqs:<region>:<account>:<name>).

#include <optional>
#include <string>
#include <string_view>

namespace kumo::api::sqs {

// SQS's rule: 1 to 80 of [A-Za-z0-9_-]. kumo's internal queues ('~...') fail it, so no client
// can reach them.
bool ValidQueueName(std::string_view name);

std::string MakeQueueUrl(std::string_view host, std::string_view account_id, std::string_view name);
std::string MakeQueueArn(std::string_view region, std::string_view account_id,
                         std::string_view name);

// The queue name of a queue URL of any host: its last path segment, when that is a valid name.
std::optional<std::string> QueueNameFromUrl(std::string_view url);
// The name in an SQS ARN (its last ':' field), when the ARN is of SQS and the name valid.
std::optional<std::string> QueueNameFromArn(std::string_view arn);

}  // namespace kumo::api::sqs
