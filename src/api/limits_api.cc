// Api's concurrency operations: PutFunctionConcurrency and friends (reserved concurrency),
// Put/Get/Delete/ListProvisionedConcurrencyConfig, and kumo's own per-function settings
// (keep-alive), which Lambda's API has no field for.
#include <chrono>

#include "api/api.h"
#include "api/errors.h"
#include "api/qualifier.h"
#include "api/request_json.h"
#include "api/request_path.h"
#include "api/validation.h"
#include "common/time_format.h"

namespace kumo::api {
namespace json = boost::json;
namespace {

net::HttpResponse Json(int status, const json::object& o) {
  return net::HttpResponse::Json(status, json::serialize(o));
}

}  // namespace

Status Api::RestoreState() {
  std::string marker;
  do {
    KUMO_ASSIGN_OR_RETURN(store::FunctionStore::Page page, functions_.List(marker, 1000));
    for (const auto& f : page.functions) {
      if (f.reserved_concurrency) dispatcher_.SetReservation(f.name, f.reserved_concurrency);
    }
    marker = page.next_marker.value_or("");
  } while (!marker.empty());
  KUMO_ASSIGN_OR_RETURN(auto provisioned, functions_.ListAllProvisioned());
  Status first_error = Ok();
  for (const auto& p : provisioned) {
    // One broken setting must not keep the others from starting.
    if (auto applied = ApplyProvisioned(p, p.requested); !applied.ok() && first_error.ok()) {
      first_error = applied;
    }
  }
  return first_error;
}

bool Api::HandleLimits(net::HttpRequest& req, net::Responder& respond) {
  std::vector<std::string> parts = SplitPath(req.path);
  // /2017-10-31|2019-09-30/functions/{name}/concurrency|provisioned-concurrency
  // /kumo/v1/functions/{name}/settings
  // kumo's own paths carry one more segment ("kumo", "v1"); drop it to share the shape.
  if (parts.size() == 5 && parts[0] == "kumo" && parts[1] == "v1") parts.erase(parts.begin() + 1);
  if (parts.size() != 4 || parts[1] != "functions") return false;
  const std::string& m = req.method;
  std::string ignored;
  std::string name = NameFromPath(parts[2], &ignored);
  const std::string& op = parts[3];
  if (op == "concurrency" && (parts[0] == "2017-10-31" || parts[0] == "2019-09-30")) {
    if (m == "PUT") return PutConcurrency(name, req, respond), true;
    if (m == "GET") return GetConcurrency(name, respond), true;
    if (m == "DELETE") return DeleteConcurrency(name, respond), true;
  }
  if (op == "provisioned-concurrency" && parts[0] == "2019-09-30") {
    if (m == "GET" && req.QueryParam("List") == "ALL") return ListProvisioned(name, respond), true;
    if (m == "PUT") return PutProvisioned(name, req, respond), true;
    if (m == "GET") return GetProvisioned(name, req.QueryParam("Qualifier"), respond), true;
    if (m == "DELETE") return DeleteProvisioned(name, req.QueryParam("Qualifier"), respond), true;
  }
  if (op == "settings" && parts[0] == "kumo") {
    if (m == "PUT") return PutSettings(name, req, respond), true;
    if (m == "GET") return GetSettings(name, respond), true;
  }
  return false;
}

void Api::PutConcurrency(const std::string& name, const net::HttpRequest& req,
                         net::Responder& respond) {
  std::optional<json::object> parsed = ParseJsonBodyOrRespond(req, respond);
  if (!parsed) return;
  const json::object& body = *parsed;
  auto result = [&]() -> Result<int> {
    KUMO_ASSIGN_OR_RETURN(store::FunctionConfig config, Find(name));
    KUMO_ASSIGN_OR_RETURN(auto value, IntField(body, "ReservedConcurrentExecutions"));
    if (!value || *value < 0) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "ReservedConcurrentExecutions must be an integer of at least 0");
    }
    int others = dispatcher_.reserved_total() - config.reserved_concurrency.value_or(0);
    if (*value + others > dispatcher_.max_concurrency()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "Specified ReservedConcurrentExecutions for function decreases account's "
                       "UnreservedConcurrentExecution below its minimum value of [0]: the server "
                       "allows " + std::to_string(dispatcher_.max_concurrency()) +
                           " concurrent executions and " + std::to_string(others) +
                           " are reserved by other functions");
    }
    config.reserved_concurrency = static_cast<int>(*value);
    KUMO_RETURN_IF_ERROR(functions_.Update(config));
    dispatcher_.SetReservation(name, config.reserved_concurrency);
    return static_cast<int>(*value);
  }();
  if (!result.ok()) return respond(ErrorResponse(result.error()));
  respond(Json(200, {{"ReservedConcurrentExecutions", *result}}));
}

void Api::GetConcurrency(const std::string& name, net::Responder& respond) {
  auto found = Find(name);
  if (!found.ok()) return respond(ErrorResponse(found.error()));
  json::object o;
  if (found->reserved_concurrency) o["ReservedConcurrentExecutions"] = *found->reserved_concurrency;
  respond(Json(200, o));
}

void Api::DeleteConcurrency(const std::string& name, net::Responder& respond) {
  auto result = [&]() -> Status {
    KUMO_ASSIGN_OR_RETURN(store::FunctionConfig config, Find(name));
    config.reserved_concurrency.reset();
    KUMO_RETURN_IF_ERROR(functions_.Update(config));
    dispatcher_.SetReservation(name, std::nullopt);
    return Ok();
  }();
  if (!result.ok()) return respond(ErrorResponse(result.error()));
  net::HttpResponse r;
  r.status = 204;
  respond(std::move(r));
}

// The status Lambda reports for a provisioned configuration, from the dispatcher's view of the
// version that serves it.
std::string Api::ProvisionedJson(const store::ProvisionedConfig& p) {
  json::object o;
  o["RequestedProvisionedConcurrentExecutions"] = p.requested;
  int ready = 0;
  std::string failure;
  auto target = ResolvePrimary(functions_, arn_, p.function_name, p.qualifier);
  if (target.ok()) {
    dispatch::ProvisionedStatus status =
        dispatcher_.GetProvisionedStatus(p.function_name, target->version);
    ready = std::min(status.ready, p.requested);
    failure = status.failure;
  }
  o["AvailableProvisionedConcurrentExecutions"] = ready;
  o["AllocatedProvisionedConcurrentExecutions"] = ready;
  if (!failure.empty()) {
    o["Status"] = "FAILED";
    o["StatusReason"] = failure;
  } else {
    o["Status"] = ready >= p.requested ? "READY" : "IN_PROGRESS";
  }
  o["LastModified"] = p.last_modified;
  return json::serialize(o);
}

Status Api::ApplyProvisioned(const store::ProvisionedConfig& p, int count) {
  KUMO_ASSIGN_OR_RETURN(store::FunctionConfig target,
                        ResolvePrimary(functions_, arn_, p.function_name, p.qualifier));
  dispatcher_.SetProvisioned(target, bundles_.PathFor(target.code_hex), count);
  return Ok();
}

void Api::PutProvisioned(const std::string& name, const net::HttpRequest& req,
                         net::Responder& respond) {
  std::optional<json::object> parsed = ParseJsonBodyOrRespond(req, respond);
  if (!parsed) return;
  const json::object& body = *parsed;
  std::string qualifier = req.QueryParam("Qualifier");
  auto result = [&]() -> Result<store::ProvisionedConfig> {
    KUMO_RETURN_IF_ERROR(Find(name));
    if (qualifier.empty() || qualifier == "$LATEST") {
      return MakeError(ErrorCode::kInvalidArgument,
                       "Provisioned Concurrency Configs cannot be applied to unpublished function "
                       "versions: give a version number or an alias as Qualifier");
    }
    KUMO_ASSIGN_OR_RETURN(auto count, IntField(body, "ProvisionedConcurrentExecutions"));
    if (!count || *count < 1) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "ProvisionedConcurrentExecutions must be an integer of at least 1");
    }
    store::ProvisionedConfig p;
    p.function_name = name;
    p.qualifier = qualifier;
    p.requested = static_cast<int>(*count);
    p.last_modified = Iso8601Millis(std::chrono::system_clock::now());
    KUMO_RETURN_IF_ERROR(functions_.PutProvisioned(p));
    KUMO_RETURN_IF_ERROR(ApplyProvisioned(p, p.requested));
    return p;
  }();
  if (!result.ok()) return respond(ErrorResponse(result.error()));
  respond(net::HttpResponse::Json(202, ProvisionedJson(*result)));
}

void Api::GetProvisioned(const std::string& name, const std::string& qualifier,
                         net::Responder& respond) {
  auto result = [&]() -> Result<store::ProvisionedConfig> {
    KUMO_RETURN_IF_ERROR(Find(name));
    auto p = functions_.GetProvisioned(name, qualifier);
    if (!p.ok() && p.error().code == ErrorCode::kNotFound) {
      return MakeError(ErrorCode::kNotFound,
                       "No Provisioned Concurrency Config found for this function");
    }
    return p;
  }();
  if (!result.ok()) {
    net::HttpResponse r = ErrorResponse(result.error());
    if (result.error().code == ErrorCode::kNotFound && result.error().message.rfind("No ", 0) == 0) {
      r = ErrorResponse(404, "ProvisionedConcurrencyConfigNotFoundException",
                        result.error().message);
    }
    return respond(std::move(r));
  }
  respond(net::HttpResponse::Json(200, ProvisionedJson(*result)));
}

void Api::DeleteProvisioned(const std::string& name, const std::string& qualifier,
                            net::Responder& respond) {
  auto result = [&]() -> Status {
    KUMO_RETURN_IF_ERROR(Find(name));
    KUMO_ASSIGN_OR_RETURN(store::ProvisionedConfig p, functions_.GetProvisioned(name, qualifier));
    KUMO_RETURN_IF_ERROR(functions_.DeleteProvisioned(name, qualifier));
    return ApplyProvisioned(p, 0);
  }();
  if (!result.ok()) return respond(ErrorResponse(result.error()));
  net::HttpResponse r;
  r.status = 204;
  respond(std::move(r));
}

void Api::ListProvisioned(const std::string& name, net::Responder& respond) {
  auto found = Find(name);
  if (!found.ok()) return respond(ErrorResponse(found.error()));
  auto list = functions_.ListProvisioned(name);
  if (!list.ok()) return respond(ErrorResponse(list.error()));
  json::array configs;
  for (const auto& p : *list) {
    json::object o = json::parse(ProvisionedJson(p)).as_object();
    o["FunctionArn"] = FunctionArn(arn_, name) + ":" + p.qualifier;
    configs.push_back(std::move(o));
  }
  respond(Json(200, {{"ProvisionedConcurrencyConfigs", std::move(configs)}}));
}

void Api::PutSettings(const std::string& name, const net::HttpRequest& req,
                      net::Responder& respond) {
  std::optional<json::object> parsed = ParseJsonBodyOrRespond(req, respond);
  if (!parsed) return;
  const json::object& body = *parsed;
  auto result = [&]() -> Result<store::FunctionConfig> {
    KUMO_ASSIGN_OR_RETURN(store::FunctionConfig config, Find(name));
    KUMO_ASSIGN_OR_RETURN(auto keep_alive, IntField(body, "KeepAliveSeconds"));
    if (keep_alive) {
      if (*keep_alive < 0 || *keep_alive > 7 * 24 * 3600) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "KeepAliveSeconds must be between 0 (the server's default) and 604800");
      }
      config.keep_alive_s = static_cast<int>(*keep_alive);
    }
    KUMO_RETURN_IF_ERROR(functions_.Update(config));
    // Idle instances armed with the old keep-alive retire; new ones use the new value.
    dispatcher_.Retire(name);
    return config;
  }();
  if (!result.ok()) return respond(ErrorResponse(result.error()));
  respond(Json(200, {{"KeepAliveSeconds", result->keep_alive_s}}));
}

void Api::GetSettings(const std::string& name, net::Responder& respond) {
  auto found = Find(name);
  if (!found.ok()) return respond(ErrorResponse(found.error()));
  respond(Json(200, {{"KeepAliveSeconds", found->keep_alive_s}}));
}

}  // namespace kumo::api
