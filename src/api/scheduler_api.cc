#include "api/scheduler_api.h"

#include <boost/json.hpp>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "api/request_path.h"
#include "common/arn.h"
#include "common/time_format.h"
#include "events/schedule_expression.h"

namespace kumo::api {
namespace json = boost::json;
namespace {

constexpr int kMaxListResults = 100;

Error Invalid(const std::string& message) { return MakeError(ErrorCode::kInvalidArgument, message); }

// Scheduler's error shape: {"Message"} and the X-Amzn-ErrorType header the SDK reads.
net::HttpResponse SchedulerError(const Error& error) {
  int status = 500;
  const char* type = "InternalServerException";
  switch (error.code) {
    case ErrorCode::kInvalidArgument:
      status = 400, type = "ValidationException";
      break;
    case ErrorCode::kNotFound:
      status = 404, type = "ResourceNotFoundException";
      break;
    case ErrorCode::kConflict:
      status = 409, type = "ConflictException";
      break;
    case ErrorCode::kTooManyRequests:
      status = 429, type = "ThrottlingException";
      break;
    default:
      break;
  }
  net::HttpResponse r = net::HttpResponse::Json(status, json::serialize(json::object{
                                                            {"Message", error.message}}));
  r.headers.emplace_back("X-Amzn-ErrorType", type);
  return r;
}

bool ValidName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

Status CheckGroup(const std::string& group) {
  if (group.empty() || group == "default") return Ok();
  return MakeError(ErrorCode::kNotFound, "Schedule group " + group + " does not exist.");
}

Result<std::string> OptString(const json::object& o, const char* field, const char* path) {
  const json::value* v = o.if_contains(field);
  if (v == nullptr || v->is_null()) return std::string();
  if (!v->is_string()) return Invalid(std::string(path) + " must be a string");
  return std::string(v->as_string());
}

Result<const json::object*> OptObject(const json::object& o, const char* field) {
  const json::value* v = o.if_contains(field);
  if (v == nullptr || v->is_null()) return static_cast<const json::object*>(nullptr);
  if (!v->is_object()) return Invalid(std::string(field) + " must be an object");
  return &v->as_object();
}

// Timestamps travel as epoch seconds (restJson1), possibly with a fraction. 0 when absent.
Result<int64_t> OptDateMs(const json::object& o, const char* field) {
  const json::value* v = o.if_contains(field);
  if (v == nullptr || v->is_null()) return int64_t{0};
  double seconds;
  if (v->is_int64()) {
    seconds = static_cast<double>(v->as_int64());
  } else if (v->is_uint64()) {
    seconds = static_cast<double>(v->as_uint64());
  } else if (v->is_double()) {
    seconds = v->as_double();
  } else {
    return Invalid(std::string(field) + " must be a timestamp (epoch seconds)");
  }
  if (!(seconds > 0) || seconds > 7258118400.0) {  // after 2200-01-01
    return Invalid(std::string(field) + " is out of range");
  }
  return static_cast<int64_t>(std::llround(seconds * 1000));
}

json::value Seconds(int64_t ms) { return static_cast<double>(ms) / 1000.0; }

struct LambdaTarget {
  std::string function_name;
  std::string qualifier;
};

// arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]
Result<LambdaTarget> ParseLambdaArn(const std::string& text) {
  std::optional<Arn> arn = ParseArn(text);
  constexpr std::string_view kFunction = "function:";
  std::string name = arn && arn->resource.rfind(kFunction, 0) == 0
                         ? arn->resource.substr(kFunction.size())
                         : std::string();
  size_t colon = name.find(':');
  std::string qualifier = colon == std::string::npos ? "" : name.substr(colon + 1);
  if (colon != std::string::npos) name.resize(colon);
  if (!arn || arn->service != "lambda" || name.empty() ||
      (colon != std::string::npos && (qualifier.empty() || qualifier.find(':') != std::string::npos))) {
    return Invalid("Target.Arn: '" + text +
                   "' is not a Lambda function ARN "
                   "(arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>])");
  }
  return LambdaTarget{name, qualifier};
}

std::string FunctionArnOf(const std::string& region, const std::string& account,
                          const store::ScheduleDefinition& s) {
  std::string arn = "arn:aws:lambda:" + region + ":" + account + ":function:" + s.function_name;
  if (!s.qualifier.empty()) arn += ":" + s.qualifier;
  return arn;
}

Status ReadTarget(const json::object& body, store::ScheduleDefinition& s,
                  const std::function<bool(const std::string&)>& function_exists) {
  KUMO_ASSIGN_OR_RETURN(const json::object* target, OptObject(body, "Target"));
  if (target == nullptr) return Invalid("Target is required");
  KUMO_ASSIGN_OR_RETURN(std::string arn, OptString(*target, "Arn", "Target.Arn"));
  if (arn.empty()) return Invalid("Target.Arn is required");
  KUMO_ASSIGN_OR_RETURN(LambdaTarget lambda, ParseLambdaArn(arn));
  if (!function_exists(lambda.function_name)) {
    return Invalid("Target.Arn: function " + lambda.function_name + " does not exist");
  }
  s.function_name = lambda.function_name;
  s.qualifier = lambda.qualifier;
  KUMO_ASSIGN_OR_RETURN(s.role_arn, OptString(*target, "RoleArn", "Target.RoleArn"));
  KUMO_ASSIGN_OR_RETURN(s.input, OptString(*target, "Input", "Target.Input"));
  if (s.input.size() > 8192) return Invalid("Target.Input is longer than 8192 characters");
  return Ok();
}

Status ReadWindow(const json::object& body, store::ScheduleDefinition& s) {
  KUMO_ASSIGN_OR_RETURN(const json::object* window, OptObject(body, "FlexibleTimeWindow"));
  if (window == nullptr) return Invalid("FlexibleTimeWindow is required");
  KUMO_ASSIGN_OR_RETURN(s.flexible_mode, OptString(*window, "Mode", "FlexibleTimeWindow.Mode"));
  if (s.flexible_mode == "OFF") return Ok();
  if (s.flexible_mode != "FLEXIBLE") {
    return Invalid("FlexibleTimeWindow.Mode must be OFF or FLEXIBLE");
  }
  const json::value* minutes = window->if_contains("MaximumWindowInMinutes");
  if (minutes == nullptr || !minutes->is_number() || !minutes->is_int64() ||
      minutes->as_int64() < 1 || minutes->as_int64() > 1440) {
    return Invalid("FlexibleTimeWindow.MaximumWindowInMinutes must be 1-1440 with Mode FLEXIBLE");
  }
  s.flexible_window_minutes = static_cast<int>(minutes->as_int64());
  return Ok();
}

// Everything a Create or Update sets, checked. `s` arrives with name and times set.
Status ReadDefinition(const json::object& body, store::ScheduleDefinition& s,
                      const std::function<bool(const std::string&)>& function_exists) {
  KUMO_ASSIGN_OR_RETURN(std::string group, OptString(body, "GroupName", "GroupName"));
  KUMO_RETURN_IF_ERROR(CheckGroup(group));
  KUMO_ASSIGN_OR_RETURN(s.expression,
                        OptString(body, "ScheduleExpression", "ScheduleExpression"));
  if (s.expression.empty()) return Invalid("ScheduleExpression is required");
  KUMO_ASSIGN_OR_RETURN(s.timezone, OptString(body, "ScheduleExpressionTimezone",
                                              "ScheduleExpressionTimezone"));
  auto parsed = events::ScheduleExpression::Parse(s.expression, "");
  if (!parsed.ok()) return Invalid("ScheduleExpression: " + parsed.error().message);
  auto zoned = events::ScheduleExpression::Parse(s.expression, s.timezone);
  if (!zoned.ok()) return Invalid("ScheduleExpressionTimezone: " + zoned.error().message);
  KUMO_RETURN_IF_ERROR(ReadWindow(body, s));
  KUMO_RETURN_IF_ERROR(ReadTarget(body, s, function_exists));
  KUMO_ASSIGN_OR_RETURN(s.state, OptString(body, "State", "State"));
  if (s.state.empty()) s.state = "ENABLED";
  if (s.state != "ENABLED" && s.state != "DISABLED") {
    return Invalid("State must be ENABLED or DISABLED");
  }
  KUMO_ASSIGN_OR_RETURN(s.description, OptString(body, "Description", "Description"));
  if (s.description.size() > 512) return Invalid("Description is longer than 512 characters");
  KUMO_ASSIGN_OR_RETURN(s.start_ms, OptDateMs(body, "StartDate"));
  KUMO_ASSIGN_OR_RETURN(s.end_ms, OptDateMs(body, "EndDate"));
  if (s.start_ms != 0 && s.end_ms != 0 && s.end_ms <= s.start_ms) {
    return Invalid("EndDate must be after StartDate");
  }
  KUMO_ASSIGN_OR_RETURN(std::string after,
                        OptString(body, "ActionAfterCompletion", "ActionAfterCompletion"));
  if (!after.empty() && after != "NONE") {
    return Invalid("ActionAfterCompletion: kumo supports only NONE");
  }
  KUMO_ASSIGN_OR_RETURN(s.missed, OptString(body, "KumoMissedFirings", "KumoMissedFirings"));
  if (!s.missed.empty() && !events::ParseMissedPolicy(s.missed).ok()) {
    return Invalid("KumoMissedFirings must be skip or run-once");
  }
  return Ok();
}

json::object ScheduleJson(const std::string& region, const std::string& account,
                          const store::ScheduleDefinition& s) {
  json::object target{{"Arn", FunctionArnOf(region, account, s)}};
  if (!s.role_arn.empty()) target["RoleArn"] = s.role_arn;
  if (!s.input.empty()) target["Input"] = s.input;
  json::object window{{"Mode", s.flexible_mode}};
  if (s.flexible_mode == "FLEXIBLE") window["MaximumWindowInMinutes"] = s.flexible_window_minutes;
  json::object o{
      {"Arn", events::ScheduleArn(region, account, s.name)},
      {"Name", s.name},
      {"GroupName", "default"},
      {"ScheduleExpression", s.expression},
      {"State", s.state},
      {"CreationDate", Seconds(s.created_ms)},
      {"LastModificationDate", Seconds(s.modified_ms)},
      {"FlexibleTimeWindow", std::move(window)},
      {"Target", std::move(target)},
      {"ActionAfterCompletion", "NONE"},
  };
  if (!s.timezone.empty()) o["ScheduleExpressionTimezone"] = s.timezone;
  if (!s.description.empty()) o["Description"] = s.description;
  if (s.start_ms != 0) o["StartDate"] = Seconds(s.start_ms);
  if (s.end_ms != 0) o["EndDate"] = Seconds(s.end_ms);
  if (!s.missed.empty()) o["KumoMissedFirings"] = s.missed;
  return o;
}

}  // namespace

SchedulerApi::SchedulerApi(store::ScheduleStore& schedules, events::Scheduler& scheduler,
                           std::string region, std::string account_id,
                           std::function<bool(const std::string&)> function_exists)
    : schedules_(schedules),
      scheduler_(scheduler),
      region_(std::move(region)),
      account_id_(std::move(account_id)),
      function_exists_(std::move(function_exists)) {}

bool SchedulerApi::Handle(net::HttpRequest& req, net::Responder& respond) {
  std::vector<std::string> p = SplitPath(req.path);
  if (p.empty() || p[0] != "schedules" || p.size() > 2) return false;
  const std::string& m = req.method;
  if (p.size() == 1) {
    if (m != "GET") return false;
    List(req, respond);
    return true;
  }
  const std::string& name = p[1];
  if (m != "POST" && m != "PUT" && m != "GET" && m != "DELETE") return false;
  if (!ValidName(name)) {
    respond(SchedulerError(Invalid("Name must be 1-64 characters of [0-9a-zA-Z-_.]")));
    return true;
  }
  if (m == "POST" || m == "PUT") {
    Put(name, req, m == "POST", respond);
    return true;
  }
  Status group = CheckGroup(req.QueryParam("groupName"));
  if (!group.ok()) {
    respond(SchedulerError(group.error()));
    return true;
  }
  if (m == "GET") {
    Get(name, respond);
  } else {
    Delete(name, respond);
  }
  return true;
}

void SchedulerApi::Put(const std::string& name, const net::HttpRequest& req, bool create,
                       net::Responder& respond) {
  boost::system::error_code ec;
  json::value body = json::parse(req.body.empty() ? std::string_view("{}") : req.body, ec);
  if (ec || !body.is_object()) {
    respond(SchedulerError(Invalid("The request body must be a JSON object")));
    return;
  }
  store::ScheduleDefinition s;
  s.name = name;
  s.created_ms = s.modified_ms = NowEpochMillis();
  if (!create) {
    Result<store::ScheduleDefinition> old = schedules_.Get(name);
    if (!old.ok()) return respond(SchedulerError(old.error()));
    s.created_ms = old->created_ms;
  }
  Status read = ReadDefinition(body.as_object(), s, function_exists_);
  if (!read.ok()) return respond(SchedulerError(read.error()));
  Status saved = create ? schedules_.Create(s) : schedules_.Update(s);
  if (!saved.ok()) return respond(SchedulerError(saved.error()));
  scheduler_.Reload(name);
  json::object out{{"ScheduleArn", events::ScheduleArn(region_, account_id_, name)}};
  respond(net::HttpResponse::Json(200, json::serialize(out)));
}

void SchedulerApi::Get(const std::string& name, net::Responder& respond) {
  Result<store::ScheduleDefinition> s = schedules_.Get(name);
  if (!s.ok()) return respond(SchedulerError(s.error()));
  respond(net::HttpResponse::Json(200, json::serialize(ScheduleJson(region_, account_id_, *s))));
}

void SchedulerApi::Delete(const std::string& name, net::Responder& respond) {
  Status deleted = schedules_.Delete(name);
  if (!deleted.ok()) return respond(SchedulerError(deleted.error()));
  scheduler_.Reload(name);
  respond(net::HttpResponse::Json(200, "{}"));
}

void SchedulerApi::List(const net::HttpRequest& req, net::Responder& respond) {
  Status group = CheckGroup(req.QueryParam("ScheduleGroup"));
  if (!group.ok()) return respond(SchedulerError(group.error()));
  std::string state = req.QueryParam("State");
  if (!state.empty() && state != "ENABLED" && state != "DISABLED") {
    return respond(SchedulerError(Invalid("State must be ENABLED or DISABLED")));
  }
  int max = kMaxListResults;
  if (std::string text = req.QueryParam("MaxResults"); !text.empty()) {
    char* end = nullptr;
    long v = std::strtol(text.c_str(), &end, 10);
    if (*end != '\0' || v < 1 || v > kMaxListResults) {
      return respond(SchedulerError(Invalid("MaxResults must be 1-100")));
    }
    max = static_cast<int>(v);
  }
  // NextToken is the name of the last schedule of the previous page.
  std::string after = req.QueryParam("NextToken");
  Result<std::vector<store::ScheduleDefinition>> all = schedules_.List(req.QueryParam("NamePrefix"));
  if (!all.ok()) return respond(SchedulerError(all.error()));
  json::array page;
  std::string last;
  bool more = false;
  for (const store::ScheduleDefinition& s : *all) {
    if (!after.empty() && s.name <= after) continue;
    if (!state.empty() && s.state != state) continue;
    if (static_cast<int>(page.size()) == max) {
      more = true;
      break;
    }
    page.push_back(json::object{
        {"Arn", events::ScheduleArn(region_, account_id_, s.name)},
        {"Name", s.name},
        {"GroupName", "default"},
        {"State", s.state},
        {"CreationDate", Seconds(s.created_ms)},
        {"LastModificationDate", Seconds(s.modified_ms)},
        {"Target", json::object{{"Arn", FunctionArnOf(region_, account_id_, s)}}},
    });
    last = s.name;
  }
  json::object out{{"Schedules", std::move(page)}};
  if (more) out["NextToken"] = last;
  respond(net::HttpResponse::Json(200, json::serialize(out)));
}

}  // namespace kumo::api
