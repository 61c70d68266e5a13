#include "api/esm_api.h"

#include <chrono>
#include <set>

#include "api/errors.h"
#include "api/paging.h"
#include "api/request_json.h"
#include "api/request_path.h"
#include "api/validation.h"
#include "common/encoding.h"
#include "events/sqs_event.h"

namespace kumo::api {
namespace json = boost::json;
namespace {

constexpr std::string_view kPrefix = "/2015-03-31/event-source-mappings";

struct FunctionRef {
  std::string name;
  std::string qualifier;
};

std::vector<std::string> SplitColons(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t colon = text.find(':', start);
    parts.push_back(text.substr(start, colon - start));
    if (colon == std::string::npos) return parts;
    start = colon + 1;
  }
}

// FunctionName as Lambda takes it: NAME, NAME:QUALIFIER, ACCOUNT:function:NAME[:QUALIFIER] or
// arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER].
Result<FunctionRef> ParseFunctionRef(const std::string& text) {
  std::vector<std::string> p = SplitColons(text);
  FunctionRef ref;
  size_t name_at = 0;
  if (p.size() >= 7 && p[0] == "arn" && p[2] == "lambda" && p[5] == "function") {
    name_at = 6;
  } else if (p.size() >= 3 && p[1] == "function") {
    name_at = 2;
  }
  if (p.size() > name_at + 2) {
    return MakeError(ErrorCode::kInvalidArgument, "Invalid FunctionName: " + text);
  }
  ref.name = p[name_at];
  if (p.size() == name_at + 2) {
    ref.qualifier = p[name_at + 1];
    if (ref.qualifier.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, "Invalid FunctionName: " + text);
    }
  }
  KUMO_RETURN_IF_ERROR(ValidateFunctionName(ref.name));
  return ref;
}

Result<std::optional<bool>> BoolField(const json::object& o, const char* name) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr || v->is_null()) return std::optional<bool>();
  if (!v->is_bool()) {
    return MakeError(ErrorCode::kInvalidArgument, std::string(name) + " must be a boolean");
  }
  return std::optional<bool>(v->as_bool());
}

Error OutOfRange(const char* field, int64_t value, int64_t low, int64_t high) {
  return MakeError(ErrorCode::kInvalidArgument,
                   "1 validation error detected: Value '" + std::to_string(value) + "' at '" +
                       field + "' failed to satisfy constraint: Member must have value between " +
                       std::to_string(low) + " and " + std::to_string(high));
}

// Fields that Lambda takes for other sources (streams, Kafka, MQ) or that kumo does not act on
// yet are refused by name rather than ignored. Tags are accepted and not kept.
Status CheckFields(const json::object& body, bool creating) {
  static const std::set<std::string, std::less<>> kCreate = {"EventSourceArn",
                                                             "FunctionName",
                                                             "Enabled",
                                                             "BatchSize",
                                                             "MaximumBatchingWindowInSeconds",
                                                             "FunctionResponseTypes",
                                                             "ScalingConfig",
                                                             "Tags"};
  static const std::set<std::string, std::less<>> kUpdate = {
      "FunctionName",          "Enabled",      "BatchSize", "MaximumBatchingWindowInSeconds",
      "FunctionResponseTypes", "ScalingConfig"};
  const auto& known = creating ? kCreate : kUpdate;
  for (const auto& [key, value] : body) {
    if (value.is_null() || known.count(std::string_view(key))) continue;
    return MakeError(ErrorCode::kInvalidArgument,
                     "kumo does not support " + std::string(key) + " for SQS event sources");
  }
  return Ok();
}

// Reads the settable fields present in `body` into `m`.
Status ApplyFields(const json::object& body, store::EventSourceMapping* m) {
  KUMO_ASSIGN_OR_RETURN(auto enabled, BoolField(body, "Enabled"));
  KUMO_ASSIGN_OR_RETURN(auto batch, IntField(body, "BatchSize"));
  KUMO_ASSIGN_OR_RETURN(auto window, IntField(body, "MaximumBatchingWindowInSeconds"));
  if (enabled) m->enabled = *enabled;
  if (batch) {
    if (*batch < 1 || *batch > 10000) return OutOfRange("batchSize", *batch, 1, 10000);
    m->batch_size = static_cast<int>(*batch);
  }
  if (window) {
    if (*window < 0 || *window > 300) {
      return OutOfRange("maximumBatchingWindowInSeconds", *window, 0, 300);
    }
    m->max_batching_window_s = static_cast<int>(*window);
  }
  if (const json::value* types = body.if_contains("FunctionResponseTypes");
      types != nullptr && !types->is_null()) {
    if (!types->is_array()) {
      return MakeError(ErrorCode::kInvalidArgument, "FunctionResponseTypes must be a list");
    }
    m->report_batch_item_failures = false;
    for (const json::value& t : types->as_array()) {
      if (!t.is_string() || t.as_string() != "ReportBatchItemFailures") {
        return MakeError(ErrorCode::kInvalidArgument,
                         "FunctionResponseTypes may only contain ReportBatchItemFailures");
      }
      m->report_batch_item_failures = true;
    }
  }
  if (const json::value* scaling = body.if_contains("ScalingConfig");
      scaling != nullptr && !scaling->is_null()) {
    if (!scaling->is_object()) {
      return MakeError(ErrorCode::kInvalidArgument, "ScalingConfig must be an object");
    }
    KUMO_ASSIGN_OR_RETURN(auto max, IntField(scaling->as_object(), "MaximumConcurrency"));
    if (max && (*max < 2 || *max > 1000)) {
      return OutOfRange("scalingConfig.maximumConcurrency", *max, 2, 1000);
    }
    m->max_concurrency = max ? static_cast<int>(*max) : 0;  // {} removes the limit
  }
  if (m->batch_size > 10 && m->max_batching_window_s < 1) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Maximum batch window in seconds must be greater than 0 if maximum batch "
                     "size is greater than 10");
  }
  return Ok();
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

EsmApi::EsmApi(store::EsmStore& mappings, events::EsmManager& manager, store::QueueStore& queues,
               events::FunctionInvoker& invoker, std::string region, std::string account_id)
    : mappings_(mappings),
      manager_(manager),
      queues_(queues),
      invoker_(invoker),
      region_(std::move(region)),
      account_id_(std::move(account_id)) {}

bool EsmApi::Handle(net::HttpRequest& req, net::Responder& respond) {
  std::string_view path = req.path;
  if (path.substr(0, kPrefix.size()) != kPrefix) return false;
  std::string_view rest = path.substr(kPrefix.size());
  if (!rest.empty() && rest[0] != '/') return false;
  std::vector<std::string> parts = SplitPath(rest);
  const std::string& m = req.method;
  if (parts.empty() && m == "POST") {
    Create(req, respond);
  } else if (parts.empty() && m == "GET") {
    List(req, respond);
  } else if (parts.size() == 1 && m == "GET") {
    Get(parts[0], respond);
  } else if (parts.size() == 1 && m == "PUT") {
    Update(parts[0], req, respond);
  } else if (parts.size() == 1 && m == "DELETE") {
    Delete(parts[0], respond);
  } else {
    return false;
  }
  return true;
}

Status EsmApi::CheckQueue(const std::string& event_source_arn) {
  std::optional<events::SqsArn> arn = events::ParseSqsArn(event_source_arn);
  if (!arn) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "kumo supports SQS queues as event sources only: EventSourceArn must be "
                     "arn:aws:sqs:<region>:<account>:<queue>, got " +
                         event_source_arn);
  }
  bool ours = arn->region == region_ && arn->account_id == account_id_;
  if (!ours || !queues_.GetQueue(arn->queue).ok()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Error occurred while ReceiveMessage. SQS Error Code: "
                     "AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified "
                     "queue does not exist: " +
                         event_source_arn);
  }
  return Ok();
}

void EsmApi::Create(const net::HttpRequest& req, net::Responder& respond) {
  std::optional<json::object> body = ParseJsonBodyOrRespond(req, respond);
  if (!body) return;
  auto created = [&]() -> Result<store::EventSourceMapping> {
    KUMO_RETURN_IF_ERROR(CheckFields(*body, true));
    KUMO_ASSIGN_OR_RETURN(auto source, StringField(*body, "EventSourceArn"));
    KUMO_ASSIGN_OR_RETURN(auto function, StringField(*body, "FunctionName"));
    if (!function) return MakeError(ErrorCode::kInvalidArgument, "FunctionName is required");
    if (!source) return MakeError(ErrorCode::kInvalidArgument, "EventSourceArn is required");
    KUMO_ASSIGN_OR_RETURN(FunctionRef ref, ParseFunctionRef(*function));
    store::EventSourceMapping m;
    m.uuid = NewUuid();
    m.event_source_arn = *source;
    m.function_name = ref.name;
    m.qualifier = ref.qualifier;
    KUMO_RETURN_IF_ERROR(ApplyFields(*body, &m));
    KUMO_RETURN_IF_ERROR(CheckQueue(m.event_source_arn));
    if (!invoker_.Exists(m.function_name)) {
      return MakeError(ErrorCode::kNotFound, "Function not found: arn:aws:lambda:" + region_ + ":" +
                                                 account_id_ + ":function:" + *function);
    }
    m.last_modified_ms = NowMs();
    KUMO_RETURN_IF_ERROR(mappings_.Create(m));
    return m;
  }();
  if (!created.ok()) return respond(ErrorResponse(created.error()));
  manager_.Apply(*created);
  respond(net::HttpResponse::Json(202, MappingJson(*created, "Creating")));
}

void EsmApi::Get(const std::string& uuid, net::Responder& respond) {
  auto found = mappings_.Get(uuid);
  if (!found.ok()) return respond(ErrorResponse(found.error()));
  respond(net::HttpResponse::Json(200, MappingJson(*found, nullptr)));
}

void EsmApi::Update(const std::string& uuid, const net::HttpRequest& req, net::Responder& respond) {
  std::optional<json::object> body = ParseJsonBodyOrRespond(req, respond);
  if (!body) return;
  auto updated = [&]() -> Result<store::EventSourceMapping> {
    KUMO_ASSIGN_OR_RETURN(store::EventSourceMapping m, mappings_.Get(uuid));
    KUMO_RETURN_IF_ERROR(CheckFields(*body, false));
    KUMO_ASSIGN_OR_RETURN(auto function, StringField(*body, "FunctionName"));
    if (function) {
      KUMO_ASSIGN_OR_RETURN(FunctionRef ref, ParseFunctionRef(*function));
      if (!invoker_.Exists(ref.name)) {
        return MakeError(ErrorCode::kNotFound, "Function not found: arn:aws:lambda:" + region_ +
                                                   ":" + account_id_ + ":function:" + *function);
      }
      m.function_name = ref.name;
      m.qualifier = ref.qualifier;
    }
    KUMO_RETURN_IF_ERROR(ApplyFields(*body, &m));
    m.last_modified_ms = NowMs();
    KUMO_RETURN_IF_ERROR(mappings_.Update(m));
    return m;
  }();
  if (!updated.ok()) return respond(ErrorResponse(updated.error()));
  manager_.Apply(*updated);
  respond(net::HttpResponse::Json(202, MappingJson(*updated, "Updating")));
}

void EsmApi::Delete(const std::string& uuid, net::Responder& respond) {
  auto found = mappings_.Get(uuid);
  if (!found.ok()) return respond(ErrorResponse(found.error()));
  if (auto deleted = mappings_.Delete(uuid); !deleted.ok()) {
    return respond(ErrorResponse(deleted.error()));
  }
  manager_.Remove(uuid);
  respond(net::HttpResponse::Json(202, MappingJson(*found, "Deleting")));
}

void EsmApi::List(const net::HttpRequest& req, net::Responder& respond) {
  auto page = [&]() -> Result<std::string> {
    KUMO_ASSIGN_OR_RETURN(int max_items, ParseMaxItems(req.QueryParam("MaxItems"), 100));
    std::string function_name;
    std::optional<std::string> qualifier;
    if (std::string text = req.QueryParam("FunctionName"); !text.empty()) {
      KUMO_ASSIGN_OR_RETURN(FunctionRef ref, ParseFunctionRef(text));
      function_name = ref.name;
      if (!ref.qualifier.empty()) qualifier = ref.qualifier;
    }
    KUMO_ASSIGN_OR_RETURN(auto found,
                          mappings_.List(req.QueryParam("EventSourceArn"), function_name, qualifier,
                                         req.QueryParam("Marker"), max_items + 1));
    json::object out;
    json::array list;
    bool more = static_cast<int>(found.size()) > max_items;
    if (more) found.resize(max_items);
    for (const auto& m : found) list.push_back(json::parse(MappingJson(m, nullptr)));
    out["EventSourceMappings"] = std::move(list);
    if (more) out["NextMarker"] = found.back().uuid;
    return json::serialize(out);
  }();
  if (!page.ok()) return respond(ErrorResponse(page.error()));
  respond(net::HttpResponse::Json(200, *page));
}

std::string EsmApi::MappingJson(const store::EventSourceMapping& m, const char* state) {
  json::object o;
  o["UUID"] = m.uuid;
  o["BatchSize"] = m.batch_size;
  o["MaximumBatchingWindowInSeconds"] = m.max_batching_window_s;
  o["EventSourceArn"] = m.event_source_arn;
  o["FunctionArn"] = "arn:aws:lambda:" + region_ + ":" + account_id_ +
                     ":function:" + m.function_name +
                     (m.qualifier.empty() ? "" : ":" + m.qualifier);
  // Lambda's timestamps in this API are epoch seconds, as a number.
  o["LastModified"] = static_cast<double>(m.last_modified_ms) / 1000.0;
  o["State"] = state != nullptr ? state : (m.enabled ? "Enabled" : "Disabled");
  std::string problem;
  if (m.enabled) {
    // A deleted queue shows at once, not only when its poller next looks.
    std::optional<events::SqsArn> arn = events::ParseSqsArn(m.event_source_arn);
    if (arn && !queues_.GetQueue(arn->queue).ok()) {
      problem = "PROBLEM: The event source queue " + arn->queue + " does not exist";
    } else {
      problem = manager_.Problem(m.uuid);
    }
  }
  o["StateTransitionReason"] = problem.empty() ? "USER_INITIATED" : problem;
  json::array types;
  if (m.report_batch_item_failures) types.push_back("ReportBatchItemFailures");
  o["FunctionResponseTypes"] = std::move(types);
  if (m.max_concurrency > 0) {
    o["ScalingConfig"] = json::object{{"MaximumConcurrency", m.max_concurrency}};
  }
  o["EventSourceMappingArn"] =
      "arn:aws:lambda:" + region_ + ":" + account_id_ + ":event-source-mapping:" + m.uuid;
  return json::serialize(o);
}

}  // namespace kumo::api
