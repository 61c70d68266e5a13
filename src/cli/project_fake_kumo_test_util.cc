#include "cli/project_fake_kumo_test_util.h"

namespace kumo::cli {
namespace {

namespace json = boost::json;

HttpReply Reply(int status, const json::value& body) {
  return HttpReply{status, {}, json::serialize(body)};
}

HttpReply NotFound(const std::string& message = "Function not found") {
  return HttpReply{404,
                   {{"X-Amzn-ErrorType", "ResourceNotFoundException"}},
                   json::serialize(json::object{{"Type", "User"}, {"Message", message}})};
}

HttpReply BadRequest(const std::string& type, const std::string& message) {
  return HttpReply{
      400, {{"X-Amzn-ErrorType", type}}, json::serialize(json::object{{"Message", message}})};
}

HttpReply SqsError(const std::string& type, const std::string& message) {
  return HttpReply{
      400,
      {},
      json::serialize(json::object{{"__type", "com.amazonaws.sqs#" + type}, {"message", message}})};
}

std::string NameIn(const std::string& target, const std::string& prefix) {
  std::string rest = target.substr(prefix.size());
  return rest.substr(0, rest.find_first_of("/?"));
}

std::string LastPart(const std::string& text, char separator) {
  return text.substr(text.rfind(separator) + 1);
}

std::string Str(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

void Configure(json::object& config, const json::object& body) {
  for (const char* key : {"Runtime", "Handler", "Description", "MemorySize", "Timeout"}) {
    if (body.contains(key)) config[key] = body.at(key);
  }
  if (body.contains("Environment")) config["Environment"] = body.at("Environment");
}

std::string ZipSha(const json::value& zip) {
  return Base64Encode(Sha256(Base64Decode(std::string(zip.as_string())).value()));
}

}  // namespace

Result<HttpReply> FakeKumo::Send(const HttpRequest& request) {
  std::string target;
  for (const auto& [name, value] : request.headers) {
    if (name == "X-Amz-Target") target = value;
  }
  sent.push_back(target.empty() ? request.method + " " + request.target
                                : "SQS " + target.substr(target.find('.') + 1));
  return Handle(request);
}

std::vector<std::string> FakeKumo::Writes() const {
  std::vector<std::string> writes;
  for (const std::string& line : sent) {
    bool read = line.rfind("GET ", 0) == 0 || line.rfind("SQS List", 0) == 0 ||
                line.rfind("SQS Get", 0) == 0;
    if (!read) writes.push_back(line);
  }
  return writes;
}

HttpReply FakeKumo::Handle(const HttpRequest& request) {
  const std::string& m = request.method;
  const std::string& t = request.target;
  json::value body = request.body.empty() ? json::value() : json::parse(request.body);
  for (const auto& [name, value] : request.headers) {
    if (name == "X-Amz-Target") {
      return HandleSqs(value.substr(value.find('.') + 1), body.as_object());
    }
  }
  if (m == "GET" && t.rfind("/2015-03-31/functions/?", 0) == 0) {
    json::array list;
    for (const auto& [name, f] : functions) list.push_back(f.config);
    return Reply(200, json::object{{"Functions", list}});
  }
  if (m == "POST" && t == "/2015-03-31/functions") {
    json::object config{
        {"FunctionName", body.at("FunctionName")},
        {"FunctionArn",
         Arn("lambda", "function:" + std::string(body.at("FunctionName").as_string()))},
        {"MemorySize", 128},
        {"Timeout", 3},
        {"Description", ""}};
    Configure(config, body.as_object());
    config["CodeSha256"] = ZipSha(body.at("Code").at("ZipFile"));
    functions[std::string(body.at("FunctionName").as_string())].config = config;
    return Reply(201, config);
  }
  if (t == "/kumo/v1/gateway/cors") {
    if (m == "PUT") cors = body.as_object();
    return Reply(200, cors ? json::value(*cors) : json::value(json::object()));
  }
  if (t.rfind("/2015-03-31/event-source-mappings/", 0) == 0) return HandleMappings(request, body);
  if (t.rfind("/schedules", 0) == 0) return HandleSchedules(request, body);
  if (t.rfind("/2019-09-25/functions/", 0) == 0) {
    return HandleAsync(NameIn(t, "/2019-09-25/functions/"), request, body);
  }
  return HandleFunction(request, body);
}

HttpReply FakeKumo::HandleFunction(const HttpRequest& request, const json::value& body) {
  const std::string& m = request.method;
  const std::string& t = request.target;
  std::string name;
  for (const char* prefix : {"/2015-03-31/functions/", "/2017-10-31/functions/",
                             "/2019-09-30/functions/", "/kumo/v1/functions/"}) {
    if (t.rfind(prefix, 0) == 0) name = NameIn(t, prefix);
  }
  auto it = functions.find(name);
  if (it == functions.end()) return NotFound();
  Function& f = it->second;
  std::string op = t.substr(t.find(name) + name.size());
  if (m == "DELETE" && op.empty()) {
    functions.erase(it);
    return HttpReply{204, {}, ""};
  }
  if (m == "GET" && op.empty()) return Reply(200, json::object{{"Configuration", f.config}});
  if (op == "/code") f.config["CodeSha256"] = ZipSha(body.at("ZipFile"));
  if (op == "/configuration") Configure(f.config, body.as_object());
  if (op == "/routes" && m == "PUT" && refuse_routes) {
    return HttpReply{409,
                     {{"X-Amzn-ErrorType", "ResourceConflictException"}},
                     R"({"Type":"User","Message":"route GET /hello is used by function other"})"};
  }
  if (op == "/routes" && m == "PUT") f.routes = body.at("Routes");
  if (op == "/routes") return Reply(200, json::object{{"Routes", f.routes}});
  if (op == "/settings" && m == "PUT") f.keep_alive = body.at("KeepAliveSeconds").as_int64();
  if (op == "/settings") return Reply(200, json::object{{"KeepAliveSeconds", f.keep_alive}});
  if (op == "/concurrency") {
    if (m == "PUT") f.reserved = body.at("ReservedConcurrentExecutions").as_int64();
    if (m == "DELETE") f.reserved.reset();
    json::object o;
    if (f.reserved) o["ReservedConcurrentExecutions"] = *f.reserved;
    return Reply(200, o);
  }
  return Reply(200, f.config);
}

HttpReply FakeKumo::HandleSqs(const std::string& action, const json::object& in) {
  if (action == "ListQueues") {
    json::array urls;
    for (const auto& [name, q] : queues)
      urls.push_back(json::value("http://h/000000000000/" + name));
    json::object out;
    if (!urls.empty()) out["QueueUrls"] = urls;
    return Reply(200, out);
  }
  std::string name =
      action == "CreateQueue" ? Str(in, "QueueName") : LastPart(Str(in, "QueueUrl"), '/');
  auto attributes = [&](Queue& q) -> std::optional<HttpReply> {
    if (const json::value* a = in.if_contains("Attributes")) {
      for (const auto& [key, value] : a->as_object()) {
        std::string text(value.as_string());
        if (key == "RedrivePolicy" && !text.empty()) {
          std::string dlq =
              LastPart(Str(json::parse(text).as_object(), "deadLetterTargetArn"), ':');
          if (!queues.count(dlq)) {
            return SqsError("InvalidAttributeValue", "Dead-letter target does not exist.");
          }
        }
        if (text.empty()) {
          q.attributes.erase(std::string(key));
        } else {
          q.attributes[std::string(key)] = text;
        }
      }
    }
    return std::nullopt;
  };
  if (action == "CreateQueue") {
    Queue q;
    q.attributes = {{"VisibilityTimeout", "30"},
                    {"DelaySeconds", "0"},
                    {"MessageRetentionPeriod", "345600"},
                    {"MaximumMessageSize", "262144"},
                    {"ReceiveMessageWaitTimeSeconds", "0"}};
    if (auto error = attributes(q)) return *error;
    if (const json::value* tags = in.if_contains("tags")) {
      for (const auto& [key, value] : tags->as_object()) {
        q.tags[std::string(key)] = std::string(value.as_string());
      }
    }
    queues[name] = q;
    return Reply(200, json::object{{"QueueUrl", "http://h/000000000000/" + name}});
  }
  auto it = queues.find(name);
  if (it == queues.end())
    return SqsError("QueueDoesNotExist", "The specified queue does not exist.");
  if (action == "ListQueueTags") {
    json::object tags;
    for (const auto& [key, value] : it->second.tags) tags[key] = value;
    return Reply(200, tags.empty() ? json::object() : json::object{{"Tags", tags}});
  }
  if (action == "GetQueueAttributes") {
    json::object out{{"QueueArn", Arn("sqs", name)}};
    for (const auto& [key, value] : it->second.attributes) out[key] = value;
    return Reply(200, json::object{{"Attributes", out}});
  }
  if (action == "SetQueueAttributes") {
    if (auto error = attributes(it->second)) return *error;
    return Reply(200, json::object());
  }
  if (action == "DeleteQueue") {
    queues.erase(it);
    return Reply(200, json::object());
  }
  return SqsError("InvalidAction", action);
}

HttpReply FakeKumo::HandleMappings(const HttpRequest& request, const json::value& body) {
  const std::string prefix = "/2015-03-31/event-source-mappings/";
  std::string rest = request.target.substr(prefix.size());
  if (request.method == "GET" && rest.rfind("?FunctionName=", 0) == 0) {
    std::string function = rest.substr(14);
    json::array list;
    for (const auto& [uuid, mapping] : mappings) {
      if (LastPart(Str(mapping, "FunctionArn"), ':') == function) list.push_back(mapping);
    }
    return Reply(200, json::object{{"EventSourceMappings", list}});
  }
  auto apply = [](json::object& mapping, const json::object& in) {
    for (const char* key :
         {"BatchSize", "MaximumBatchingWindowInSeconds", "FunctionResponseTypes"}) {
      if (in.contains(key)) mapping[key] = in.at(key);
    }
    if (in.contains("Enabled"))
      mapping["State"] = in.at("Enabled").as_bool() ? "Enabled" : "Disabled";
  };
  if (request.method == "POST" && rest.empty()) {
    const json::object& in = body.as_object();
    std::string source = Str(in, "EventSourceArn");
    if (source != Arn("sqs", LastPart(source, ':')) || !queues.count(LastPart(source, ':'))) {
      return BadRequest("InvalidParameterValueException", "queue does not exist: " + source);
    }
    std::string function = Str(in, "FunctionName");
    if (!functions.count(function)) return NotFound();
    json::object mapping{{"UUID", "uuid-" + std::to_string(next_uuid_++)},
                         {"EventSourceArn", source},
                         {"FunctionArn", Arn("lambda", "function:" + function)},
                         {"BatchSize", 10},
                         {"MaximumBatchingWindowInSeconds", 0},
                         {"FunctionResponseTypes", json::array()},
                         {"State", "Enabled"}};
    apply(mapping, in);
    mappings[Str(mapping, "UUID")] = mapping;
    return Reply(202, mapping);
  }
  auto it = mappings.find(rest);
  if (it == mappings.end()) return NotFound("mapping not found");
  if (request.method == "DELETE") {
    json::object deleted = it->second;
    mappings.erase(it);
    return Reply(202, deleted);
  }
  apply(it->second, body.as_object());
  return Reply(202, it->second);
}

HttpReply FakeKumo::HandleSchedules(const HttpRequest& request, const json::value& body) {
  const std::string& t = request.target;
  if (request.method == "GET" && (t == "/schedules" || t.rfind("/schedules?", 0) == 0)) {
    json::array list;
    for (const auto& [name, s] : schedules) {
      list.push_back(json::object{{"Name", name},
                                  {"Target", json::object{{"Arn", s.at("Target").at("Arn")}}}});
    }
    return Reply(200, json::object{{"Schedules", list}});
  }
  std::string name = NameIn(t, "/schedules/");
  auto it = schedules.find(name);
  if (request.method == "POST" || request.method == "PUT") {
    if ((request.method == "POST") == (it != schedules.end())) {
      return request.method == "POST"
                 ? HttpReply{409, {{"X-Amzn-ErrorType", "ConflictException"}}, "{}"}
                 : NotFound("Schedule " + name + " does not exist.");
    }
    json::object s = body.as_object();
    std::string expression = Str(s, "ScheduleExpression");
    if (expression.rfind("rate(", 0) != 0 && expression.rfind("cron(", 0) != 0) {
      return BadRequest("ValidationException", "ScheduleExpression: not an expression");
    }
    if (expression == "rate(0 minutes)") {
      return BadRequest("ValidationException", "ScheduleExpression: rate must be at least 1");
    }
    std::string function = LastPart(Str(s.at("Target").as_object(), "Arn"), ':');
    if (!functions.count(function)) {
      return BadRequest("ValidationException",
                        "Target.Arn: function " + function + " does not exist");
    }
    s["Name"] = name;
    s.erase("FlexibleTimeWindow");
    schedules[name] = s;
    return Reply(200, json::object{{"ScheduleArn", Arn("scheduler", "schedule/default/" + name)}});
  }
  if (it == schedules.end()) return NotFound("Schedule " + name + " does not exist.");
  if (request.method == "DELETE") {
    schedules.erase(it);
    return Reply(200, json::object());
  }
  return Reply(200, it->second);
}

HttpReply FakeKumo::HandleAsync(const std::string& function, const HttpRequest& request,
                                const json::value& body) {
  if (!functions.count(function)) return NotFound();
  auto it = asyncs.find(function);
  if (request.method == "GET") {
    if (it == asyncs.end()) return NotFound("no EventInvokeConfig");
    return Reply(200, it->second);
  }
  if (request.method == "DELETE") {
    if (it == asyncs.end()) return NotFound("no EventInvokeConfig");
    asyncs.erase(it);
    return HttpReply{204, {}, ""};
  }
  const json::object& in = body.as_object();
  json::object config{{"MaximumRetryAttempts", 2}, {"MaximumEventAgeInSeconds", 21600}};
  for (const char* key : {"MaximumRetryAttempts", "MaximumEventAgeInSeconds"}) {
    if (in.contains(key)) config[key] = in.at(key);
  }
  json::object destinations{{"OnSuccess", json::object()}, {"OnFailure", json::object()}};
  if (const json::value* d = in.if_contains("DestinationConfig")) {
    for (const auto& [which, slot] : d->as_object()) {
      std::string arn = Str(slot.as_object(), "Destination");
      std::string target = LastPart(arn, ':');
      bool exists = arn.find(":sqs:") != std::string::npos ? queues.count(target) > 0
                                                           : functions.count(target) > 0;
      if (!exists) {
        return BadRequest("InvalidParameterValueException",
                          "The destination " + arn + " does not exist");
      }
      destinations[which] = slot;
    }
  }
  config["DestinationConfig"] = destinations;
  asyncs[function] = config;
  return Reply(200, config);
}

}  // namespace kumo::cli
