#pragma once
// The event sources of a function in kumo.yaml beyond HTTP, in serverless.yml's spellings:
// `- sqs: NAME | ARN | {queue|arn, batchSize, batchWindow|maximumBatchingWindow,
// reportBatchItemFailures|functionResponseType, enabled}`, `- schedule: EXPRESSION |
// {rate, enabled, input, name, description, timezone, method, missed}`, and the function's
// async settings `maximumRetryAttempts`, `maximumEventAge` and `destinations`.
// Single-threaded.

#include <map>
#include <set>
#include <string>

#include "cli/yaml_reader.h"

namespace kumo::cli {

// What the events of one function may refer to, and what earlier functions already took.
struct EventContext {
  std::string project;
  std::string function;
  std::set<std::string> queues;                        // the names under queues:
  std::set<std::string> functions;                     // the names under functions:
  std::map<std::string, std::string> taken_routes;     // route key -> function
  std::map<std::string, std::string> taken_schedules;  // schedule name -> function
};

// The queue named by an SQS ARN (its last part); nullopt when `arn` is not one.
std::optional<std::string> QueueNameOfArn(std::string_view arn);

// An async destination ARN as AsyncSpec keeps it: "sqs:NAME", "lambda:NAME" or the ARN itself.
std::string NormalizeDestinationArn(const std::string& arn);

// `body` of one `- sqs:` event.
Result<SqsEventSpec> ParseSqsEvent(const YamlReader& reader, const YAML::Node& key,
                                   const YAML::Node& body, const EventContext& context);

// `body` of one `- schedule:` event; appends its schedules (one per expression) to `spec`.
Status ParseScheduleEvent(const YamlReader& reader, const YAML::Node& key, const YAML::Node& body,
                          EventContext& context, FunctionSpec& spec);

// One of maximumRetryAttempts, maximumEventAge and destinations (named by `key`).
Status ParseAsyncSetting(const YamlReader& reader, const YAML::Node& key, const YAML::Node& value,
                         const EventContext& context, AsyncSpec& async);

}  // namespace kumo::cli
