// Api::Invoke: Lambda's Invoke operation (RequestResponse and DryRun).
#include <random>

#include "api/api.h"
#include "api/errors.h"
#include "api/qualifier.h"
#include "api/request_json.h"
#include "common/encoding.h"

namespace kumo::api {
namespace {

// Lambda's limit for synchronous payloads, both ways.
constexpr size_t kMaxPayloadBytes = 6 * 1024 * 1024;
// Lambda's limit for asynchronous events.
constexpr size_t kMaxAsyncPayloadBytes = 256 * 1024;
constexpr size_t kLogTailBytes = 4096;

// A draw from [0, 1) for alias routing.
double Uniform01() {
  static std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

net::HttpResponse Throttled(const std::string& reason, const std::string& message) {
  boost::json::object body{{"Type", "User"}, {"Message", message}, {"Reason", reason}};
  net::HttpResponse r = net::HttpResponse::Json(429, boost::json::serialize(body));
  r.headers.emplace_back("X-Amzn-ErrorType", "TooManyRequestsException");
  r.headers.emplace_back("Retry-After", "1");
  return r;
}

}  // namespace

void Api::Invoke(const std::string& name, const std::string& qualifier, net::HttpRequest&& req,
                 net::Responder respond, const Caller& caller) {
  auto found = ResolveQualifier(functions_, arn_, name, qualifier, Uniform01());
  if (!found.ok()) return respond(ErrorResponse(found.error()));
  if (req.body.size() > kMaxPayloadBytes) {
    return respond(ErrorResponse(
        413, "RequestTooLargeException",
        "Request must be smaller than 6291456 bytes for the InvokeFunction operation"));
  }
  std::string type(req.Header("X-Amz-Invocation-Type"));
  if (type.empty()) type = "RequestResponse";
  if (type == "DryRun") {
    net::HttpResponse r;
    r.status = 204;
    r.headers.emplace_back("X-Amz-Executed-Version", found->version);
    return respond(std::move(r));
  }
  if (type != "RequestResponse" && type != "Event") {
    return respond(ErrorResponse(400, "InvalidParameterValueException",
                                 "X-Amz-Invocation-Type must be RequestResponse, Event or DryRun, "
                                 "not " + type));
  }
  if (req.body.empty()) req.body = "{}";
  boost::system::error_code ec;
  boost::json::parse(req.body, ec);
  if (ec) {
    return respond(ErrorResponse(400, "InvalidRequestContentException",
                                 "Could not parse request body into json: " + ec.message()));
  }
  if (type == "Event") return InvokeAsync(*found, qualifier, std::move(req), respond, caller);
  bool tail = req.Header("X-Amz-Log-Type") == "Tail";
  dispatch::InvokeRequest request;
  request.request_id = NewUuid();
  request.payload = std::move(req.body);
  request.client_context = std::string(req.Header("X-Amz-Client-Context"));
  std::string code_dir = bundles_.PathFor(found->code_hex);
  dispatcher_.Invoke(*found, code_dir, std::move(request),
                     [respond = std::move(respond), tail](dispatch::InvokeResult result) {
    if (result.platform_error) {
      net::HttpResponse r =
          result.platform_error->code == ErrorCode::kTooManyRequests
              ? Throttled(result.throttle_reason, result.platform_error->message)
              : ErrorResponse(*result.platform_error);
      r.headers.emplace_back("x-amzn-RequestId", result.request_id);
      return respond(std::move(r));
    }
    net::HttpResponse r = net::HttpResponse::Json(200, std::move(result.payload));
    r.headers.emplace_back("x-amzn-RequestId", result.request_id);
    r.headers.emplace_back("X-Amz-Executed-Version", result.executed_version);
    // kumo's own: how the call found its instance (cold, warm or provisioned).
    r.headers.emplace_back("X-Kumo-Start-Type", dispatch::StartTypeName(result.start_type));
    if (result.function_error) r.headers.emplace_back("X-Amz-Function-Error", "Unhandled");
    if (tail) {
      std::string_view log = result.log;
      if (log.size() > kLogTailBytes) log = log.substr(log.size() - kLogTailBytes);
      r.headers.emplace_back("X-Amz-Log-Result", Base64Encode(log));
    }
    respond(std::move(r));
  });
}

void Api::InvokeAsync(const store::FunctionConfig& config, const std::string& qualifier,
                      net::HttpRequest&& req, net::Responder& respond, const Caller& caller) {
  if (async_ == nullptr) {
    return respond(ErrorResponse(503, "ServiceException", "async invocations are not available"));
  }
  if (req.body.size() > kMaxAsyncPayloadBytes) {
    return respond(ErrorResponse(
        413, "RequestTooLargeException",
        "Request must be smaller than 262144 bytes for the InvokeAsync operation"));
  }
  events::AsyncEvent event;
  event.request_id = NewUuid();
  event.function_name = config.name;
  // Resolved again when it runs: an alias shift or an update applies to waiting events.
  event.qualifier = qualifier == "$LATEST" ? "" : qualifier;
  event.payload = std::move(req.body);
  event.source = caller.function.empty() ? "lambda" : "lambda:" + caller.function;
  std::string request_id = event.request_id;
  // 202 only once the event is committed: from then on it runs at least once.
  async_->Enqueue(std::move(event), std::nullopt,
                  [respond = std::move(respond), request_id](Status stored) {
                    if (!stored.ok()) return respond(ErrorResponse(stored.error()));
                    net::HttpResponse r;
                    r.status = 202;
                    r.headers.emplace_back("x-amzn-RequestId", request_id);
                    respond(std::move(r));
                  });
}

}  // namespace kumo::api
