#include "cli/project_event_requests.h"

#include <boost/json.hpp>

#include "cli/command_util.h"
#include "cli/project_event_sources.h"
#include "cli/requests.h"

namespace kumo::cli {
namespace {

namespace json = boost::json;

constexpr std::string_view kMappings = "/2015-03-31/event-source-mappings/";

HttpRequest Json(std::string method, std::string target, const json::value& body) {
  HttpRequest request{std::move(method), std::move(target), {}, json::serialize(body)};
  request.headers = {{"Content-Type", "application/json"}};
  return request;
}

Result<json::object> ParseObject(std::string_view body) {
  boost::system::error_code ec;
  json::value value = json::parse(body.empty() ? std::string_view("{}") : body, ec);
  if (ec || !value.is_object()) {
    return MakeError(ErrorCode::kInternal, "the server sent a reply that is not a JSON object");
  }
  return std::move(value.as_object());
}

json::object QueueAttributes(const QueueSpec& spec, const ArnContext& arns, bool for_update) {
  json::object attributes{
      {"VisibilityTimeout", std::to_string(spec.visibility_timeout_s)},
      {"DelaySeconds", std::to_string(spec.delay_s)},
      {"MessageRetentionPeriod", std::to_string(spec.retention_s)},
      {"MaximumMessageSize", std::to_string(spec.max_message_bytes)},
      {"ReceiveMessageWaitTimeSeconds", std::to_string(spec.receive_wait_s)},
  };
  if (!spec.dead_letter_queue.empty()) {
    attributes["RedrivePolicy"] =
        json::serialize(json::object{{"deadLetterTargetArn", arns.QueueArn(spec.dead_letter_queue)},
                                     {"maxReceiveCount", spec.max_receive_count}});
  } else if (for_update) {
    attributes["RedrivePolicy"] = "";  // removes a policy the file no longer sets
  }
  return attributes;
}

json::object MappingSettings(const SqsEventSpec& spec) {
  json::array types;
  if (spec.report_batch_item_failures) types.push_back("ReportBatchItemFailures");
  return json::object{{"BatchSize", spec.batch_size},
                      {"MaximumBatchingWindowInSeconds", spec.batching_window_s},
                      {"FunctionResponseTypes", std::move(types)},
                      {"Enabled", spec.enabled}};
}

bool Enabled(const std::string& state) { return state != "Disabled" && state != "Disabling"; }

}  // namespace

bool ArnContext::LearnFrom(std::string_view arn) {
  // arn:aws:SERVICE:REGION:ACCOUNT:...
  std::vector<std::string> parts;
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    size_t colon = arn.find(':', start);
    if (colon == std::string_view::npos) return false;
    parts.emplace_back(arn.substr(start, colon - start));
    start = colon + 1;
  }
  if (parts[0] != "arn" || parts[3].empty() || parts[4].empty()) return false;
  region = parts[3];
  account = parts[4];
  return true;
}

std::string ArnContext::QueueArn(std::string_view queue) const {
  return "arn:aws:sqs:" + region + ":" + account + ":" + std::string(queue);
}

std::string ArnContext::FunctionArn(std::string_view function) const {
  return "arn:aws:lambda:" + region + ":" + account + ":function:" + std::string(function);
}

std::string ArnContext::DestinationArn(const std::string& destination) const {
  if (destination.rfind("sqs:", 0) == 0) return QueueArn(destination.substr(4));
  if (destination.rfind("lambda:", 0) == 0) return FunctionArn(destination.substr(7));
  return destination;
}

HttpRequest SqsRequest(std::string_view action, const json::object& input) {
  HttpRequest request{"POST", "/", {}, json::serialize(input)};
  request.headers = {{"X-Amz-Target", "AmazonSQS." + std::string(action)},
                     {"Content-Type", "application/x-amz-json-1.0"}};
  return request;
}

HttpRequest ListQueuesRequest(std::string_view next_token) {
  json::object input{{"MaxResults", 1000}};
  if (!next_token.empty()) input["NextToken"] = next_token;
  return SqsRequest("ListQueues", input);
}

HttpRequest CreateQueueRequest(const std::string& project, const QueueSpec& spec,
                               const ArnContext& arns) {
  return SqsRequest("CreateQueue", json::object{{"QueueName", spec.name},
                                                {"Attributes", QueueAttributes(spec, arns, false)},
                                                {"tags", json::object{{kProjectTagKey, project}}}});
}

HttpRequest SetQueueAttributesRequest(std::string_view url, const QueueSpec& spec,
                                      const ArnContext& arns) {
  return SqsRequest(
      "SetQueueAttributes",
      json::object{{"QueueUrl", url}, {"Attributes", QueueAttributes(spec, arns, true)}});
}

HttpRequest ListMappingsRequest(std::string_view function, std::string_view marker) {
  std::string target = std::string(kMappings) + "?FunctionName=" + PercentEncode(function);
  if (!marker.empty()) target += "&Marker=" + PercentEncode(marker);
  return HttpRequest{"GET", target, {}, ""};
}

HttpRequest CreateMappingRequest(std::string_view function, const SqsEventSpec& spec,
                                 const ArnContext& arns) {
  json::object body = MappingSettings(spec);
  body["FunctionName"] = function;
  body["EventSourceArn"] = arns.QueueArn(spec.queue);
  return Json("POST", std::string(kMappings), body);
}

HttpRequest UpdateMappingRequest(std::string_view uuid, const SqsEventSpec& spec) {
  return Json("PUT", std::string(kMappings) + PercentEncode(uuid), MappingSettings(spec));
}

HttpRequest DeleteMappingRequest(std::string_view uuid) {
  return HttpRequest{"DELETE", std::string(kMappings) + PercentEncode(uuid), {}, ""};
}

HttpRequest ListSchedulesRequest(std::string_view next_token) {
  std::string target = "/schedules?MaxResults=100";
  if (!next_token.empty()) target += "&NextToken=" + PercentEncode(next_token);
  return HttpRequest{"GET", target, {}, ""};
}

HttpRequest GetScheduleRequest(std::string_view name) {
  return HttpRequest{"GET", "/schedules/" + PercentEncode(name), {}, ""};
}

HttpRequest PutScheduleRequest(bool create, const std::string& project, std::string_view function,
                               const ScheduleSpec& spec, const ArnContext& arns) {
  json::object target{{"Arn", arns.FunctionArn(function)},
                      {"RoleArn", "arn:aws:iam::" + arns.account + ":role/kumo"}};
  if (!spec.input.empty()) target["Input"] = spec.input;
  json::object body{{"ScheduleExpression", spec.expression},
                    {"Target", std::move(target)},
                    {"FlexibleTimeWindow", json::object{{"Mode", "OFF"}}},
                    {"State", spec.enabled ? "ENABLED" : "DISABLED"},
                    {"Description", ScheduleDescription(project, spec)}};
  if (!spec.timezone.empty()) body["ScheduleExpressionTimezone"] = spec.timezone;
  if (!spec.missed.empty()) body["KumoMissedFirings"] = spec.missed;
  return Json(create ? "POST" : "PUT", "/schedules/" + PercentEncode(spec.name), body);
}

HttpRequest DeleteScheduleRequest(std::string_view name) {
  return HttpRequest{"DELETE", "/schedules/" + PercentEncode(name), {}, ""};
}

HttpRequest AsyncConfigPath(std::string_view method, std::string_view function) {
  return HttpRequest{std::string(method),
                     "/2019-09-25/functions/" + PercentEncode(function) + "/event-invoke-config",
                     {},
                     ""};
}

HttpRequest PutAsyncRequest(std::string_view function, const AsyncSpec& spec,
                            const ArnContext& arns) {
  json::object body;
  if (spec.maximum_retry_attempts) body["MaximumRetryAttempts"] = *spec.maximum_retry_attempts;
  if (spec.maximum_event_age_s) body["MaximumEventAgeInSeconds"] = *spec.maximum_event_age_s;
  json::object destinations;
  if (!spec.on_success.empty()) {
    destinations["OnSuccess"] = json::object{{"Destination", arns.DestinationArn(spec.on_success)}};
  }
  if (!spec.on_failure.empty()) {
    destinations["OnFailure"] = json::object{{"Destination", arns.DestinationArn(spec.on_failure)}};
  }
  body["DestinationConfig"] = std::move(destinations);
  HttpRequest request = AsyncConfigPath("PUT", function);
  request.headers = {{"Content-Type", "application/json"}};
  request.body = json::serialize(body);
  return request;
}

Result<std::vector<std::string>> QueueUrlsFromReply(std::string_view body,
                                                    std::string* next_token) {
  KUMO_ASSIGN_OR_RETURN(json::object reply, ParseObject(body));
  std::vector<std::string> urls;
  if (const json::value* list = reply.if_contains("QueueUrls"); list && list->is_array()) {
    for (const json::value& url : list->as_array()) {
      if (url.is_string()) urls.emplace_back(url.as_string());
    }
  }
  *next_token = StringField(reply, "NextToken");
  return urls;
}

Result<std::map<std::string, std::string>> StringMapFromReply(std::string_view body,
                                                              std::string_view member) {
  KUMO_ASSIGN_OR_RETURN(json::object reply, ParseObject(body));
  std::map<std::string, std::string> values;
  if (const json::value* map = reply.if_contains(member); map && map->is_object()) {
    for (const auto& [key, value] : map->as_object()) {
      if (value.is_string()) values[std::string(key)] = std::string(value.as_string());
    }
  }
  return values;
}

Result<std::vector<DeployedMapping>> MappingsFromReply(std::string_view body,
                                                       std::string* next_marker) {
  KUMO_ASSIGN_OR_RETURN(json::object reply, ParseObject(body));
  const json::value* list = reply.if_contains("EventSourceMappings");
  if (!list || !list->is_array()) {
    return MakeError(ErrorCode::kInternal, "the server's mapping list has no EventSourceMappings");
  }
  std::vector<DeployedMapping> mappings;
  for (const json::value& item : list->as_array()) {
    if (!item.is_object()) continue;
    const json::object& m = item.as_object();
    DeployedMapping mapping;
    mapping.uuid = StringField(m, "UUID");
    std::string function = NormalizeDestinationArn(StringField(m, "FunctionArn"));
    mapping.function = function.rfind("lambda:", 0) == 0 ? function.substr(7) : function;
    mapping.queue = QueueNameOfArn(StringField(m, "EventSourceArn")).value_or("");
    mapping.batch_size = static_cast<int>(IntField(m, "BatchSize", 10));
    mapping.batching_window_s = static_cast<int>(IntField(m, "MaximumBatchingWindowInSeconds", 0));
    if (const json::value* types = m.if_contains("FunctionResponseTypes");
        types && types->is_array()) {
      for (const json::value& type : types->as_array()) {
        mapping.report_batch_item_failures |=
            type.is_string() && type.as_string() == "ReportBatchItemFailures";
      }
    }
    mapping.enabled = Enabled(StringField(m, "State", "Enabled"));
    mappings.push_back(std::move(mapping));
  }
  *next_marker = StringField(reply, "NextMarker");
  return mappings;
}

Result<std::vector<DeployedSchedule>> ScheduleSummariesFromReply(std::string_view body,
                                                                 std::string* next_token) {
  KUMO_ASSIGN_OR_RETURN(json::object reply, ParseObject(body));
  const json::value* list = reply.if_contains("Schedules");
  if (!list || !list->is_array()) {
    return MakeError(ErrorCode::kInternal, "the server's schedule list has no Schedules");
  }
  std::vector<DeployedSchedule> schedules;
  for (const json::value& item : list->as_array()) {
    if (!item.is_object()) continue;
    KUMO_ASSIGN_OR_RETURN(DeployedSchedule s, ScheduleFromReply(json::serialize(item)));
    schedules.push_back(std::move(s));
  }
  *next_token = StringField(reply, "NextToken");
  return schedules;
}

Result<DeployedSchedule> ScheduleFromReply(std::string_view body) {
  KUMO_ASSIGN_OR_RETURN(json::object reply, ParseObject(body));
  DeployedSchedule s;
  s.name = StringField(reply, "Name");
  s.expression = StringField(reply, "ScheduleExpression");
  s.timezone = StringField(reply, "ScheduleExpressionTimezone");
  s.state = StringField(reply, "State");
  s.description = StringField(reply, "Description");
  s.missed = StringField(reply, "KumoMissedFirings");
  if (const json::value* target = reply.if_contains("Target"); target && target->is_object()) {
    std::string function = NormalizeDestinationArn(StringField(target->as_object(), "Arn"));
    if (function.rfind("lambda:", 0) == 0) s.function = function.substr(7);
    s.input = StringField(target->as_object(), "Input");
  }
  return s;
}

Result<DeployedAsync> AsyncFromReply(std::string_view function, std::string_view body) {
  KUMO_ASSIGN_OR_RETURN(json::object reply, ParseObject(body));
  DeployedAsync a;
  a.function = std::string(function);
  a.maximum_retry_attempts = static_cast<int>(IntField(reply, "MaximumRetryAttempts", 2));
  a.maximum_event_age_s = static_cast<int>(IntField(reply, "MaximumEventAgeInSeconds", 21600));
  if (const json::value* d = reply.if_contains("DestinationConfig"); d && d->is_object()) {
    for (const char* which : {"OnSuccess", "OnFailure"}) {
      const json::value* slot = d->as_object().if_contains(which);
      if (!slot || !slot->is_object()) continue;
      std::string arn = StringField(slot->as_object(), "Destination");
      if (arn.empty()) continue;
      (std::string_view(which) == "OnSuccess" ? a.on_success : a.on_failure) =
          NormalizeDestinationArn(arn);
    }
  }
  return a;
}

}  // namespace kumo::cli
