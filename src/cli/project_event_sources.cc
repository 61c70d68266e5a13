#include "cli/project_event_sources.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cstdlib>

namespace kumo::cli {
namespace {

namespace json = boost::json;

// Scheduler's Description holds "kumo-project:NAME " before the user's text.
constexpr size_t kMaxScheduleDescription = 512;

std::string Join(const std::set<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text.empty() ? "none" : text;
}

// A queue reference: a queue of this file by name, or an SQS ARN.
Result<std::string> QueueRef(const YamlReader& reader, const YAML::Node& at,
                             const std::string& text, const EventContext& context) {
  if (text.rfind("arn:", 0) == 0) {
    std::optional<std::string> name = QueueNameOfArn(text);
    if (!name)
      return reader.At(at, "\"" + text +
                               "\" is not an SQS queue ARN "
                               "(arn:aws:sqs:REGION:ACCOUNT:NAME)");
    return *name;
  }
  if (!context.queues.count(text)) {
    return reader.At(at, "unknown queue \"" + text + "\" (queues of this file: " +
                             Join(context.queues) + "; or give an arn:aws:sqs:... ARN)");
  }
  return text;
}

bool IsScheduleName(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

// YAML as JSON, with plain scalars typed as YAML reads them (true, 3, 2.5, null) and quoted ones
// kept as strings.
Result<json::value> ToJson(const YamlReader& reader, const YAML::Node& node) {
  if (node.IsMap()) {
    json::object object;
    for (auto it = node.begin(); it != node.end(); ++it) {
      KUMO_ASSIGN_OR_RETURN(object[it->first.Scalar()], ToJson(reader, it->second));
    }
    return json::value(std::move(object));
  }
  if (node.IsSequence()) {
    json::array array;
    for (const YAML::Node& item : node) {
      KUMO_ASSIGN_OR_RETURN(json::value value, ToJson(reader, item));
      array.push_back(std::move(value));
    }
    return json::value(std::move(array));
  }
  if (!node.IsScalar()) return json::value(nullptr);
  KUMO_ASSIGN_OR_RETURN(std::string text, reader.Substitute(node, node.Scalar()));
  if (node.Tag() != "?") return json::value(text);
  if (text == "true" || text == "false") return json::value(text == "true");
  if (text == "null" || text == "~") return json::value(nullptr);
  char* end = nullptr;
  if (!text.empty()) {
    long long whole = std::strtoll(text.c_str(), &end, 10);
    if (*end == '\0') return json::value(static_cast<int64_t>(whole));
    double number = std::strtod(text.c_str(), &end);
    if (*end == '\0') return json::value(number);
  }
  return json::value(text);
}

Status CheckExpression(const YamlReader& reader, const YAML::Node& at, const std::string& text) {
  for (const char* kind : {"rate(", "cron(", "at("}) {
    if (text.rfind(kind, 0) == 0 && text.size() > std::string_view(kind).size() &&
        text.back() == ')') {
      return Ok();
    }
  }
  return reader.At(at,
                   "a schedule is rate(5 minutes), cron(0 12 * * ? *) or at(2030-01-01T00:00:00)"
                   " (got \"" +
                       text + "\")");
}

// The settings of the long form of `- schedule:` shared by each of its expressions.
Status ScheduleSettings(const YamlReader& reader, const YAML::Node& key, const YAML::Node& body,
                        const EventContext& context, ScheduleSpec& spec) {
  if (const YAML::Node method = body["method"]) {
    KUMO_ASSIGN_OR_RETURN(std::string text, reader.String(key, method, "method"));
    if (text != "scheduler") {
      return reader.At(method,
                       "kumo runs schedules with EventBridge Scheduler: method may only "
                       "be scheduler");
    }
  }
  if (body["enabled"]) {
    KUMO_ASSIGN_OR_RETURN(spec.enabled, reader.Bool(key, body["enabled"], "enabled"));
  }
  if (body["timezone"]) {
    KUMO_ASSIGN_OR_RETURN(spec.timezone, reader.String(key, body["timezone"], "timezone"));
  }
  if (const YAML::Node input = body["input"]) {
    if (input.IsScalar() && input.Tag() != "?") {
      KUMO_ASSIGN_OR_RETURN(spec.input, reader.String(key, input, "input"));
    } else {
      KUMO_ASSIGN_OR_RETURN(json::value value, ToJson(reader, input));
      spec.input = json::serialize(value);
    }
  }
  if (const YAML::Node missed = body["missed"]) {
    KUMO_ASSIGN_OR_RETURN(spec.missed, reader.String(key, missed, "missed"));
    if (spec.missed != "skip" && spec.missed != "run-once") {
      return reader.At(missed,
                       "missed must be skip or run-once (what to do with firings missed "
                       "while kumo was down)");
    }
  }
  if (const YAML::Node description = body["description"]) {
    KUMO_ASSIGN_OR_RETURN(spec.description, reader.String(key, description, "description"));
    size_t room = kMaxScheduleDescription - (context.project.size() + 14);
    if (spec.description.size() > room) {
      return reader.At(description,
                       "description may have at most " + std::to_string(room) + " characters here");
    }
  }
  return Ok();
}

Result<std::string> Destination(const YamlReader& reader, const YAML::Node& key,
                                const YAML::Node& value, const EventContext& context) {
  KUMO_ASSIGN_OR_RETURN(std::string text, reader.String(key, value, key.Scalar()));
  if (text.rfind("arn:", 0) == 0) return NormalizeDestinationArn(text);
  bool queue = context.queues.count(text), function = context.functions.count(text);
  if (queue && function) {
    return reader.At(value, "\"" + text +
                                "\" names both a queue and a function of this file; "
                                "give the ARN of the one you mean");
  }
  if (queue) return "sqs:" + text;
  if (function) return "lambda:" + text;
  return reader.At(value, "unknown destination \"" + text +
                              "\" (expected a queue or a function of this file, or an ARN)");
}

}  // namespace

std::optional<std::string> QueueNameOfArn(std::string_view arn) {
  if (arn.rfind("arn:", 0) != 0 || arn.find(":sqs:") == std::string_view::npos) return std::nullopt;
  int colons = static_cast<int>(std::count(arn.begin(), arn.end(), ':'));
  std::string_view name = arn.substr(arn.rfind(':') + 1);
  bool ok = colons == 5 && !name.empty() && name.size() <= 80 &&
            std::all_of(name.begin(), name.end(), [](char c) {
              return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
            });
  if (!ok) return std::nullopt;
  return std::string(name);
}

std::string NormalizeDestinationArn(const std::string& arn) {
  if (std::optional<std::string> queue = QueueNameOfArn(arn)) return "sqs:" + *queue;
  const std::string marker = ":function:";
  size_t at = arn.find(marker);
  if (arn.rfind("arn:aws:lambda:", 0) == 0 && at != std::string::npos) {
    std::string name = arn.substr(at + marker.size());
    return "lambda:" + name.substr(0, name.find(':'));
  }
  return arn;
}

Result<SqsEventSpec> ParseSqsEvent(const YamlReader& reader, const YAML::Node& key,
                                   const YAML::Node& body, const EventContext& context) {
  SqsEventSpec spec;
  if (!body.IsMap()) {
    KUMO_ASSIGN_OR_RETURN(std::string text, reader.String(key, body, "sqs"));
    KUMO_ASSIGN_OR_RETURN(spec.queue, QueueRef(reader, body, text, context));
    return spec;
  }
  KUMO_RETURN_IF_ERROR(
      reader.CheckKeys(body, "in an sqs event",
                       {"queue", "arn", "batchSize", "batchWindow", "maximumBatchingWindow",
                        "reportBatchItemFailures", "functionResponseType", "enabled"}));
  if (body["queue"].IsDefined() == body["arn"].IsDefined()) {
    return reader.At(body,
                     "an sqs event needs exactly one of queue: (a queue of this file) and "
                     "arn:");
  }
  YAML::Node queue = body["queue"] ? body["queue"] : body["arn"];
  KUMO_ASSIGN_OR_RETURN(std::string text, reader.String(key, queue, "queue"));
  KUMO_ASSIGN_OR_RETURN(spec.queue, QueueRef(reader, queue, text, context));
  if (body["batchSize"]) {
    KUMO_ASSIGN_OR_RETURN(int64_t size,
                          reader.Integer(key, body["batchSize"], 1, 10000,
                                         "batchSize must be a whole number from 1 to 10000"));
    spec.batch_size = static_cast<int>(size);
  }
  if (body["batchWindow"] && body["maximumBatchingWindow"]) {
    return reader.At(body["maximumBatchingWindow"],
                     "give batchWindow or maximumBatchingWindow, not both");
  }
  if (YAML::Node window =
          body["batchWindow"] ? body["batchWindow"] : body["maximumBatchingWindow"]) {
    KUMO_ASSIGN_OR_RETURN(
        int64_t seconds,
        reader.Seconds(key, window, 0, 300, "the batching window must be 0 to 300 seconds"));
    spec.batching_window_s = static_cast<int>(seconds);
  }
  if (body["reportBatchItemFailures"] && body["functionResponseType"]) {
    return reader.At(body["functionResponseType"],
                     "give reportBatchItemFailures or functionResponseType, not both");
  }
  if (body["reportBatchItemFailures"]) {
    KUMO_ASSIGN_OR_RETURN(
        spec.report_batch_item_failures,
        reader.Bool(key, body["reportBatchItemFailures"], "reportBatchItemFailures"));
  }
  if (const YAML::Node type = body["functionResponseType"]) {
    KUMO_ASSIGN_OR_RETURN(std::string text, reader.String(key, type, "functionResponseType"));
    if (text != "ReportBatchItemFailures") {
      return reader.At(type, "functionResponseType may only be ReportBatchItemFailures");
    }
    spec.report_batch_item_failures = true;
  }
  if (body["enabled"]) {
    KUMO_ASSIGN_OR_RETURN(spec.enabled, reader.Bool(key, body["enabled"], "enabled"));
  }
  if (spec.batch_size > 10 && spec.batching_window_s < 1) {
    return reader.At(body["batchSize"],
                     "a batchSize above 10 needs a batching window of at least "
                     "1 second (batchWindow:)");
  }
  return spec;
}

Status ParseScheduleEvent(const YamlReader& reader, const YAML::Node& key, const YAML::Node& body,
                          EventContext& context, FunctionSpec& spec) {
  ScheduleSpec base;
  YAML::Node rate = body;
  if (body.IsMap()) {
    KUMO_RETURN_IF_ERROR(reader.CheckKeys(
        body, "in a schedule event",
        {"rate", "enabled", "input", "name", "description", "timezone", "method", "missed"}));
    if (!body["rate"])
      return reader.At(body, "a schedule event needs rate: (e.g. rate(5 minutes))");
    rate.reset(body["rate"]);  // plain assignment would overwrite `body` (yaml-cpp aliases)
    KUMO_RETURN_IF_ERROR(ScheduleSettings(reader, key, body, context, base));
  }
  KUMO_ASSIGN_OR_RETURN(std::vector<std::string> expressions, reader.StringList(key, rate, "rate"));
  if (expressions.empty()) return reader.AtValue(key, rate, "a schedule needs an expression");
  if (body.IsMap() && body["name"] && expressions.size() > 1) {
    return reader.At(body["name"], "name: names one schedule; give one expression with it");
  }
  for (size_t i = 0; i < expressions.size(); ++i) {
    ScheduleSpec schedule = base;
    schedule.expression = expressions[i];
    YAML::Node at = rate.IsSequence() ? rate[i] : rate;
    KUMO_RETURN_IF_ERROR(CheckExpression(reader, at, schedule.expression));
    bool named = body.IsMap() && body["name"];
    YAML::Node name_node = named ? body["name"] : at;
    if (named) {
      KUMO_ASSIGN_OR_RETURN(schedule.name, reader.String(key, name_node, "name"));
    } else {
      schedule.name = context.project + "-" + context.function + "-" +
                      std::to_string(spec.schedules.size() + 1);
    }
    const YAML::Node& name_at = name_node;
    if (!IsScheduleName(schedule.name)) {
      return reader.At(name_at, "schedule name \"" + schedule.name +
                                    "\" is not 1 to 64 letters, digits, '.', '-' and '_'" +
                                    (named ? "" : "; give the schedule a shorter name:"));
    }
    auto [taken, inserted] = context.taken_schedules.emplace(schedule.name, context.function);
    if (!inserted) {
      return reader.At(name_at, "schedule \"" + schedule.name +
                                    "\" is already used by function \"" + taken->second + "\"");
    }
    schedule.position = reader.Position(at);
    spec.schedules.push_back(std::move(schedule));
  }
  return Ok();
}

Status ParseAsyncSetting(const YamlReader& reader, const YAML::Node& key, const YAML::Node& value,
                         const EventContext& context, AsyncSpec& async) {
  const std::string& name = key.Scalar();
  if (name == "maximumRetryAttempts") {
    KUMO_ASSIGN_OR_RETURN(
        int64_t retries,
        reader.Integer(key, value, 0, 2, "maximumRetryAttempts must be 0, 1 or 2"));
    async.maximum_retry_attempts = static_cast<int>(retries);
  } else if (name == "maximumEventAge") {
    KUMO_ASSIGN_OR_RETURN(int64_t age,
                          reader.Seconds(key, value, 60, 21600,
                                         "maximumEventAge must be a duration from 60 seconds to 6h "
                                         "(e.g. 3600 or 1h)"));
    async.maximum_event_age_s = static_cast<int>(age);
  } else if (name == "destinations") {
    KUMO_RETURN_IF_ERROR(reader.ExpectMap(key, value, "destinations"));
    KUMO_RETURN_IF_ERROR(reader.CheckKeys(value, "in destinations", {"onSuccess", "onFailure"}));
    for (auto it = value.begin(); it != value.end(); ++it) {
      KUMO_ASSIGN_OR_RETURN(std::string target,
                            Destination(reader, it->first, it->second, context));
      (it->first.Scalar() == "onSuccess" ? async.on_success : async.on_failure) = target;
    }
  }
  return Ok();
}

}  // namespace kumo::cli
