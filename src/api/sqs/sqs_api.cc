#include "api/sqs/sqs_api.h"

#include <boost/json.hpp>
#include <chrono>

#include "api/sqs/form_params.h"
#include "api/sqs/query_response.h"
#include "api/sqs/sqs_error.h"
#include "api/sqs/sqs_service.h"
#include "common/encoding.h"

namespace kumo::api {
namespace json = boost::json;
using sqs::SqsError;
using sqs::SqsResult;

namespace {

constexpr std::string_view kTargetPrefix = "AmazonSQS.";
// Ten 256 KiB messages with attributes, base64 and form escaping fit well below this.
constexpr uint64_t kMaxRequestBytes = 8 << 20;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "/" or a queue URL's path "/<account id>/<queue>": where query protocol requests are sent.
// The account id is digits, which keeps Lambda's two-segment paths ("/2015-03-31/functions") out.
bool IsQueryPath(const std::string& path, std::string* path_queue) {
  if (path.empty() || path == "/") return true;
  std::string_view p(path);
  p.remove_prefix(1);
  if (!p.empty() && p.back() == '/') p.remove_suffix(1);
  size_t slash = p.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == p.size()) return false;
  if (p.find('/', slash + 1) != std::string_view::npos) return false;
  for (char c : p.substr(0, slash)) {
    if (c < '0' || c > '9') return false;
  }
  *path_queue = std::string(p.substr(slash + 1));
  return true;
}

bool IsForm(const net::HttpRequest& req) {
  std::string_view type = req.Header("Content-Type");
  return type.rfind("application/x-www-form-urlencoded", 0) == 0;
}

bool HasActionParam(std::string_view text) {
  for (const auto& [key, value] : sqs::ParseForm(text)) {
    if (key == "Action" && !value.empty()) return true;
  }
  return false;
}

SqsError SerializationError(std::string message) {
  SqsError e = sqs::MalformedRequest(std::move(message));
  e.type = "SerializationException";
  e.query_code = "SerializationException";
  return e;
}

net::HttpResponse Render(SqsResult<json::object> result, bool json_protocol,
                         const std::string& action, const std::string& request_id) {
  if (!result.ok()) {
    return json_protocol ? sqs::JsonErrorResponse(result.error(), request_id)
                         : sqs::XmlErrorResponse(result.error(), request_id);
  }
  net::HttpResponse r;
  r.status = 200;
  r.headers.emplace_back("x-amzn-RequestId", request_id);
  if (json_protocol) {
    r.headers.emplace_back("Content-Type", "application/x-amz-json-1.0");
    r.body = json::serialize(result.value());
  } else {
    r.headers.emplace_back("Content-Type", "text/xml");
    r.body = sqs::RenderQueryResponse(action, result.value(), request_id);
  }
  return r;
}

}  // namespace

SqsApi::SqsApi(net::EventLoop& loop, store::QueueStore& queues, std::string region,
               std::string account_id)
    : service_(std::make_unique<sqs::SqsService>(queues, std::move(region), std::move(account_id),
                                                 NowMs, [&loop] { return loop.NewTimer(); })) {}

SqsApi::~SqsApi() { *alive_ = false; }

void SqsApi::Shutdown() { service_->Shutdown(); }

bool SqsApi::Handle(net::HttpRequest& req, net::Responder& respond, const std::string& sender_id) {
  Protocol protocol;
  std::string action;
  std::string path_queue;
  std::string_view target = req.Header("X-Amz-Target");
  if (!target.empty()) {
    if (target.rfind(kTargetPrefix, 0) != 0) return false;
    protocol = Protocol::kJson;
    action = std::string(target.substr(kTargetPrefix.size()));
  } else {
    if (!IsQueryPath(req.path, &path_queue)) return false;
    bool claimed = false;
    if (req.method == "GET") {
      claimed = HasActionParam(req.query);
    } else if (req.method == "POST" && IsForm(req)) {
      // A streamed form body at an SQS path is taken on trust; it says its action once read.
      claimed = req.body_stream != nullptr || HasActionParam(req.body) || HasActionParam(req.query);
    }
    if (!claimed) return false;
    protocol = Protocol::kQuery;
  }
  std::string host(req.Header("Host"));
  if (!req.body_stream) {
    Run(protocol, std::move(action), req.query, std::move(req.body), std::move(path_queue),
        std::move(host), sender_id, std::move(respond));
    return true;
  }
  std::weak_ptr<bool> alive = alive_;
  net::CollectBody(req.body_stream, kMaxRequestBytes,
                   [this, alive, protocol, action = std::move(action), query = req.query,
                    path_queue = std::move(path_queue), host = std::move(host), sender_id,
                    respond = std::move(respond)](kumo::Result<std::string> body) mutable {
                     if (!alive.lock()) return;
                     if (!body.ok()) {
                       SqsError e = sqs::MalformedRequest("Request body could not be read: " +
                                                          body.error().message);
                       std::string id = NewUuid();
                       return respond(protocol == Protocol::kJson ? sqs::JsonErrorResponse(e, id)
                                                                  : sqs::XmlErrorResponse(e, id));
                     }
                     Run(protocol, std::move(action), query, std::move(body).value(),
                         std::move(path_queue), std::move(host), sender_id, std::move(respond));
                   });
  return true;
}

void SqsApi::Run(Protocol protocol, std::string action, const std::string& query, std::string body,
                 std::string path_queue, std::string host, const std::string& sender_id,
                 net::Responder respond) {
  std::string request_id = NewUuid();
  bool json_protocol = protocol == Protocol::kJson;
  auto fail = [&](const SqsError& e) {
    respond(json_protocol ? sqs::JsonErrorResponse(e, request_id)
                          : sqs::XmlErrorResponse(e, request_id));
  };
  json::object input;
  if (json_protocol) {
    if (!body.empty()) {
      boost::system::error_code ec;
      json::value parsed = json::parse(body, ec);
      if (ec || !parsed.is_object()) {
        return fail(SerializationError("The request body is not a JSON object."));
      }
      input = std::move(parsed.as_object());
    }
  } else {
    sqs::FormParams params = sqs::ParseForm(query);
    for (auto& param : sqs::ParseForm(body)) params.push_back(std::move(param));
    action = sqs::FormValue(params, "Action");
    if (action.empty()) return fail(sqs::MissingParameter("Action"));
    SqsResult<json::object> converted = sqs::FormToJson(params);
    if (!converted.ok()) return fail(converted.error());
    input = std::move(converted).value();
  }
  sqs::CallContext ctx{std::move(host), sender_id, std::move(path_queue)};
  service_->Execute(action, input, ctx,
                    [respond = std::move(respond), json_protocol, action,
                     request_id](SqsResult<json::object> result) {
                      respond(Render(std::move(result), json_protocol, action, request_id));
                    });
}

}  // namespace kumo::api
