#include "api/event_invoke_api.h"

#include "api/errors.h"
#include "api/qualifier.h"
#include "api/request_json.h"
#include "api/request_path.h"
#include "api/validation.h"
#include "common/arn.h"
#include "common/time_format.h"

namespace kumo::api {
namespace json = boost::json;
namespace {

constexpr std::string_view kPrefix = "/2019-09-25/functions/";

}  // namespace

store::EventInvokeConfig EventInvokeApi::Lookup(const std::string& function,
                                                const std::string& qualifier) {
  auto stored = configs_.Get(function, qualifier);
  if (stored.ok() && stored->has_value()) return **stored;
  store::EventInvokeConfig defaults;
  defaults.function_name = function;
  defaults.qualifier = qualifier;
  return defaults;
}

bool EventInvokeApi::Handle(net::HttpRequest& req, net::Responder& respond) {
  std::string_view path = req.path;
  if (path.substr(0, kPrefix.size()) != kPrefix) return false;
  std::vector<std::string> parts = SplitPath(path.substr(kPrefix.size()));
  if (parts.size() < 2 || parts[1] != "event-invoke-config") return false;
  std::string qualifier = req.QueryParam("Qualifier");
  std::string name = NameFromPath(parts[0], &qualifier);
  const std::string& m = req.method;
  if (parts.size() == 3 && parts[2] == "list" && m == "GET") {
    if (auto f = functions_.Get(name); !f.ok()) {
      respond(ErrorResponse(404, "ResourceNotFoundException",
                            "Function not found: " + FunctionArn(arn_, name)));
      return true;
    }
    auto list = configs_.List(name);
    if (!list.ok()) {
      respond(ErrorResponse(list.error()));
      return true;
    }
    json::array items;
    for (const auto& c : *list) items.push_back(json::parse(Json(c)));
    respond(net::HttpResponse::Json(
        200, json::serialize(json::object{{"FunctionEventInvokeConfigs", std::move(items)},
                                          {"NextMarker", nullptr}})));
    return true;
  }
  if (parts.size() != 2) return false;
  // The function and qualifier must exist, with Lambda's not-found message.
  auto target = ResolvePrimary(functions_, arn_, name, qualifier);
  if (!target.ok()) {
    respond(ErrorResponse(target.error()));
    return true;
  }
  if (qualifier.empty()) qualifier = "$LATEST";
  if (m == "PUT" || m == "POST") {
    Put(name, qualifier, req, m == "POST", respond);
  } else if (m == "GET") {
    auto got = configs_.Get(name, qualifier);
    if (!got.ok()) {
      respond(ErrorResponse(got.error()));
    } else if (!got->has_value()) {
      respond(ErrorResponse(404, "ResourceNotFoundException",
                            "The function " + FunctionArn(arn_, name) + ":" + qualifier +
                                " doesn't have an EventInvokeConfig"));
    } else {
      respond(net::HttpResponse::Json(200, Json(**got)));
    }
  } else if (m == "DELETE") {
    Status deleted = configs_.Delete(name, qualifier);
    if (!deleted.ok() && deleted.error().code == ErrorCode::kNotFound) {
      respond(ErrorResponse(404, "ResourceNotFoundException",
                            "The function " + FunctionArn(arn_, name) + ":" + qualifier +
                                " doesn't have an EventInvokeConfig"));
    } else if (!deleted.ok()) {
      respond(ErrorResponse(deleted.error()));
    } else {
      net::HttpResponse r;
      r.status = 204;
      respond(std::move(r));
    }
  } else {
    return false;
  }
  return true;
}

void EventInvokeApi::Put(const std::string& name, const std::string& qualifier,
                         const net::HttpRequest& req, bool merge, net::Responder& respond) {
  auto body = ParseJsonBodyOrRespond(req, respond);
  if (!body) return;
  store::EventInvokeConfig c;
  c.function_name = name;
  c.qualifier = qualifier;
  if (merge) {
    auto existing = configs_.Get(name, qualifier);
    if (existing.ok() && existing->has_value()) {
      c = **existing;
    } else {
      // Lambda: Update of a config that does not exist is an error.
      return respond(ErrorResponse(404, "ResourceNotFoundException",
                                   "The function " + FunctionArn(arn_, name) + ":" + qualifier +
                                       " doesn't have an EventInvokeConfig"));
    }
  }
  auto bad = [&](const std::string& message) {
    respond(ErrorResponse(400, "InvalidParameterValueException", message));
  };
  auto retries = IntField(*body, "MaximumRetryAttempts");
  if (!retries.ok()) return bad(retries.error().message);
  if (*retries) {
    if (**retries < 0 || **retries > 2) {
      return bad("1 validation error detected: Value '" + std::to_string(**retries) +
                 "' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have "
                 "value between 0 and 2");
    }
    c.maximum_retry_attempts = static_cast<int>(**retries);
  }
  auto age = IntField(*body, "MaximumEventAgeInSeconds");
  if (!age.ok()) return bad(age.error().message);
  if (*age) {
    if (**age < 60 || **age > 21600) {
      return bad("1 validation error detected: Value '" + std::to_string(**age) +
                 "' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must "
                 "have value between 60 and 21600");
    }
    c.maximum_event_age_s = static_cast<int>(**age);
  }
  if (const json::value* dest = body->if_contains("DestinationConfig")) {
    if (!dest->is_object()) return bad("DestinationConfig must be an object");
    for (const char* which : {"OnSuccess", "OnFailure"}) {
      std::string* slot = std::string_view(which) == "OnSuccess" ? &c.on_success : &c.on_failure;
      const json::value* d = dest->as_object().if_contains(which);
      if (d == nullptr) {
        if (!merge) slot->clear();
        continue;
      }
      if (!d->is_object()) return bad(std::string(which) + " must be an object");
      auto arn = StringField(d->as_object(), "Destination");
      if (!arn.ok()) return bad(arn.error().message);
      std::string value = arn->value_or("");
      if (!value.empty()) {
        if (Status ok = CheckDestination(value); !ok.ok()) return bad(ok.error().message);
      }
      *slot = value;
    }
  }
  c.last_modified_ms = NowEpochMillis();
  if (Status saved = configs_.Put(c); !saved.ok()) return respond(ErrorResponse(saved.error()));
  respond(net::HttpResponse::Json(200, Json(c)));
}

Status EventInvokeApi::CheckDestination(const std::string& arn) {
  std::optional<Arn> parsed = ParseArn(arn);
  if (!parsed) {
    return MakeError(ErrorCode::kInvalidArgument, "The destination ARN " + arn + " is invalid");
  }
  const std::string& resource = parsed->resource;
  if (parsed->service == "sqs") {
    if (!queues_.GetQueue(resource).ok()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "The destination queue " + arn + " does not exist");
    }
    return Ok();
  }
  if (parsed->service == "lambda" && resource.rfind("function:", 0) == 0) {
    std::string name = resource.substr(9);
    name = name.substr(0, name.find(':'));
    if (!functions_.Get(name).ok()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "The destination function " + arn + " does not exist");
    }
    return Ok();
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   "The destination " + arn +
                       " is not supported: kumo sends records to a kumo queue (arn:aws:sqs:...) "
                       "or function (arn:aws:lambda:...)");
}

std::string EventInvokeApi::Json(const store::EventInvokeConfig& c) {
  json::object dest;
  json::object on_success, on_failure;
  if (!c.on_success.empty()) on_success["Destination"] = c.on_success;
  if (!c.on_failure.empty()) on_failure["Destination"] = c.on_failure;
  dest["OnSuccess"] = std::move(on_success);
  dest["OnFailure"] = std::move(on_failure);
  json::object o{{"LastModified", static_cast<double>(c.last_modified_ms) / 1000.0},
                 {"FunctionArn", FunctionArn(arn_, c.function_name) + ":" + c.qualifier},
                 {"MaximumRetryAttempts", c.maximum_retry_attempts},
                 {"MaximumEventAgeInSeconds", c.maximum_event_age_s},
                 {"DestinationConfig", std::move(dest)}};
  return json::serialize(o);
}

}  // namespace kumo::api
