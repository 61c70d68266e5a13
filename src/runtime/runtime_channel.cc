#include "runtime/runtime_channel.h"

#include <string_view>

namespace kumo::runtime {
namespace {

constexpr std::string_view kPrefix = "/2018-06-01/runtime/";

net::HttpResponse Accepted() { return net::HttpResponse::Json(202, R"({"status":"OK"})"); }

net::HttpResponse RuntimeError(int status, std::string_view type, std::string_view message) {
  return net::HttpResponse::Json(status, "{\"errorMessage\":\"" + std::string(message) +
                                             "\",\"errorType\":\"" + std::string(type) + "\"}");
}

}  // namespace

RuntimeChannel::RuntimeChannel(net::EventLoop& loop, UniqueFd listen_fd, Listener* listener)
    : listener_(listener) {
  net::HttpServerOptions options;
  options.max_body_bytes = kMaxResponseBytes + (1 << 20);
  server_ = net::HttpServer::Adopt(
      loop, std::move(listen_fd),
      [this](net::HttpRequest&& req, net::Responder respond) { Handle(std::move(req), respond); },
      options);
}

RuntimeChannel::~RuntimeChannel() { Close(); }

void RuntimeChannel::Close() {
  if (server_) server_->CloseAll();
  waiting_next_.reset();
}

void RuntimeChannel::Deliver(RuntimeEvent event) {
  pending_ = std::move(event);
  if (waiting_next_) {
    net::Responder respond = std::move(*waiting_next_);
    waiting_next_.reset();
    SendEvent(respond);
  }
}

void RuntimeChannel::SendEvent(net::Responder& respond) {
  RuntimeEvent event = std::move(*pending_);
  pending_.reset();
  current_ = event.request_id;
  net::HttpResponse r = net::HttpResponse::Json(200, std::move(event.payload));
  r.headers.emplace_back("Lambda-Runtime-Aws-Request-Id", event.request_id);
  r.headers.emplace_back("Lambda-Runtime-Deadline-Ms", std::to_string(event.deadline_ms));
  r.headers.emplace_back("Lambda-Runtime-Invoked-Function-Arn", event.function_arn);
  r.headers.emplace_back("Lambda-Runtime-Trace-Id", event.trace_id);
  if (!event.client_context.empty()) {
    r.headers.emplace_back("Lambda-Runtime-Client-Context", event.client_context);
  }
  respond(std::move(r));
}

void RuntimeChannel::Handle(net::HttpRequest&& req, net::Responder respond) {
  std::string_view path = req.path;
  if (path.substr(0, kPrefix.size()) != kPrefix) {
    respond(RuntimeError(404, "InvalidRequest", "unknown Runtime API path"));
    return;
  }
  path.remove_prefix(kPrefix.size());
  if (path == "invocation/next" && req.method == "GET") {
    if (pending_) {
      SendEvent(respond);
      return;
    }
    // A runtime asking again while one /next is parked replaces it (its old connection is gone).
    waiting_next_ = std::move(respond);
    current_.reset();
    listener_->OnReady();
    return;
  }
  if (path == "init/error" && req.method == "POST") {
    std::string type(req.Header("Lambda-Runtime-Function-Error-Type"));
    respond(Accepted());
    listener_->OnInitError(std::move(req.body), std::move(type));
    return;
  }
  constexpr std::string_view kInvocation = "invocation/";
  if (req.method == "POST" && path.substr(0, kInvocation.size()) == kInvocation) {
    path.remove_prefix(kInvocation.size());
    size_t slash = path.find('/');
    std::string id(path.substr(0, slash));
    std::string_view verb = slash == std::string_view::npos ? "" : path.substr(slash + 1);
    if (!current_ || *current_ != id) {
      respond(RuntimeError(400, "InvalidRequestID", "Invalid request ID"));
      return;
    }
    if (verb == "response") {
      current_.reset();
      if (req.body.size() > kMaxResponseBytes) {
        respond(RuntimeError(413, "RequestEntityTooLarge", "Response payload is too large"));
        listener_->OnError(id,
                           R"({"errorMessage":"Response payload size exceeded maximum allowed )"
                           R"(payload size (6291556 bytes).","errorType":"Function.ResponseSizeTooLarge"})",
                           "Function.ResponseSizeTooLarge");
        return;
      }
      respond(Accepted());
      listener_->OnResponse(id, std::move(req.body));
      return;
    }
    if (verb == "error") {
      current_.reset();
      std::string type(req.Header("Lambda-Runtime-Function-Error-Type"));
      respond(Accepted());
      listener_->OnError(id, std::move(req.body), std::move(type));
      return;
    }
  }
  respond(RuntimeError(404, "InvalidRequest", "unknown Runtime API path"));
}

}  // namespace kumo::runtime
