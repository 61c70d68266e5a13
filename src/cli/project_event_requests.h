#pragma once
// The requests `kumo deploy` sends for a project's queues (SQS's JSON protocol), event source
// mappings and EventInvokeConfigs (Lambda's paths) and schedules (EventBridge Scheduler's
// paths), and the readers of their replies. Pure functions, so the exact bodies are
// unit-tested. Single-threaded.

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "cli/project_event_plan.h"
#include "cli/transport.h"

namespace kumo::cli {

// Region and account of the server's ARNs, as it reports them in a FunctionArn or QueueArn.
struct ArnContext {
  std::string region = "us-east-1";
  std::string account = "000000000000";

  // Reads both from any "arn:aws:SERVICE:REGION:ACCOUNT:..." ARN; false when it is not one.
  bool LearnFrom(std::string_view arn);
  std::string QueueArn(std::string_view queue) const;
  std::string FunctionArn(std::string_view function) const;
  // The ARN of an AsyncSpec destination ("sqs:NAME", "lambda:NAME" or an ARN).
  std::string DestinationArn(const std::string& destination) const;
};

// An SQS JSON-protocol action (X-Amz-Target: AmazonSQS.<action>) with `input` as its body.
HttpRequest SqsRequest(std::string_view action, const boost::json::object& input);
HttpRequest ListQueuesRequest(std::string_view next_token);
HttpRequest CreateQueueRequest(const std::string& project, const QueueSpec& spec,
                               const ArnContext& arns);
// Sets every attribute the file governs, so settings removed from the file are reset.
HttpRequest SetQueueAttributesRequest(std::string_view url, const QueueSpec& spec,
                                      const ArnContext& arns);

HttpRequest ListMappingsRequest(std::string_view function, std::string_view marker);
HttpRequest CreateMappingRequest(std::string_view function, const SqsEventSpec& spec,
                                 const ArnContext& arns);
HttpRequest UpdateMappingRequest(std::string_view uuid, const SqsEventSpec& spec);
HttpRequest DeleteMappingRequest(std::string_view uuid);

HttpRequest ListSchedulesRequest(std::string_view next_token);
HttpRequest GetScheduleRequest(std::string_view name);
// CreateSchedule (POST) or UpdateSchedule (PUT): both take the whole definition.
HttpRequest PutScheduleRequest(bool create, const std::string& project, std::string_view function,
                               const ScheduleSpec& spec, const ArnContext& arns);
HttpRequest DeleteScheduleRequest(std::string_view name);

HttpRequest AsyncConfigPath(std::string_view method, std::string_view function);
HttpRequest PutAsyncRequest(std::string_view function, const AsyncSpec& spec,
                            const ArnContext& arns);

// Readers. Each takes a reply body already known to be 2xx.
Result<std::vector<std::string>> QueueUrlsFromReply(std::string_view body, std::string* next_token);
Result<std::map<std::string, std::string>> StringMapFromReply(std::string_view body,
                                                              std::string_view member);
Result<std::vector<DeployedMapping>> MappingsFromReply(std::string_view body,
                                                       std::string* next_marker);
// Names and target functions of ListSchedules.
Result<std::vector<DeployedSchedule>> ScheduleSummariesFromReply(std::string_view body,
                                                                 std::string* next_token);
Result<DeployedSchedule> ScheduleFromReply(std::string_view body);
Result<DeployedAsync> AsyncFromReply(std::string_view function, std::string_view body);

}  // namespace kumo::cli
