#pragma once
// The SQS event Lambda hands a function for a batch of queue messages ({"Records": [...]}), and
// the partial batch response ({"batchItemFailures": [...]}) the function may answer with. Pure
// functions of their inputs; any thread.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/queue_store.h"

namespace kumo::events {

// Where the records come from, as written into each record.
struct SqsSource {
  std::string queue_arn;   // eventSourceARN
  std::string region;      // awsRegion
  std::string account_id;  // SenderId when the message has no sender of its own

  bool operator==(const SqsSource&) const = default;
};

// The queue name of an SQS queue ARN (arn:aws:sqs:<region>:<account>:<name>), with its region
// and account; nullopt when `arn` is not of that form.
struct SqsArn {
  std::string region;
  std::string account_id;
  std::string queue;
};
std::optional<SqsArn> ParseSqsArn(std::string_view arn);

// One element of Records, serialized: messageId, receiptHandle, body, attributes
// (ApproximateReceiveCount, SentTimestamp, SenderId, ApproximateFirstReceiveTimestamp and
// AWSTraceHeader when sent), messageAttributes in Lambda's camel-case shape, md5OfBody,
// md5OfMessageAttributes when there are attributes, eventSource, eventSourceARN, awsRegion.
std::string SqsRecordJson(const store::ReceivedMessage& message, const SqsSource& source);
// {"Records":[<records joined by commas>]}.
std::string SqsEventJson(const std::vector<std::string>& records);
// The size of SqsEventJson for records whose sizes add up to `records_bytes`.
size_t SqsEventSize(size_t record_count, size_t records_bytes);

// What a function's answer means for a batch when the mapping reports batch item failures.
struct BatchResponse {
  enum class Kind {
    kAllSucceeded,  // delete every message
    kSomeFailed,    // delete all but `failed_ids`
    kInvalid,       // the whole batch failed: delete nothing
  };
  Kind kind = Kind::kAllSucceeded;
  std::vector<std::string> failed_ids;  // message ids, each once
  std::string reason;                   // why kInvalid, for the log
};
// Lambda's rules: an empty payload, null, an object without batchItemFailures, or a null or
// empty batchItemFailures list mean success. Anything else that is not a list of objects each
// with a non-empty string itemIdentifier naming a message of the batch (`batch_ids`) fails the
// whole batch, and so does a payload that is not JSON or JSON other than an object or null.
BatchResponse ParseBatchResponse(std::string_view payload,
                                 const std::vector<std::string>& batch_ids);

}  // namespace kumo::events
