#include "cli/http_client.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <csignal>
#include <optional>

namespace kumo::cli {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

// Replies above this are not something kumo sends (invoke payloads are capped at 6 MB).
constexpr uint64_t kMaxReplyBytes = 64ull << 20;

// What one exchange ended with: a reply, or the step that failed and why.
struct Outcome {
  std::optional<HttpReply> reply;
  std::string failed_step;
  beast::error_code error;
};

asio::awaitable<void> Exchange(const Endpoint& endpoint, const HttpRequest& request,
                               beast::tcp_stream& stream, Outcome& outcome) {
  beast::error_code ec;
  auto on_error = asio::redirect_error(asio::use_awaitable, ec);
  tcp::resolver resolver(stream.get_executor());
  stream.expires_after(request.timeout);
  auto addresses = co_await resolver.async_resolve(endpoint.host, endpoint.port, on_error);
  if (ec) {
    outcome = {std::nullopt, "resolve", ec};
    co_return;
  }
  co_await stream.async_connect(addresses, on_error);
  if (ec) {
    outcome = {std::nullopt, "connect", ec};
    co_return;
  }
  auto verb = http::string_to_verb(request.method);
  http::request<http::string_body> message{verb, endpoint.base_path + request.target, 11};
  message.set(http::field::host, endpoint.host + ":" + endpoint.port);
  message.set(http::field::user_agent, "kumo-cli");
  for (const auto& [name, value] : request.headers) message.set(name, value);
  message.body() = request.body;
  message.prepare_payload();
  co_await http::async_write(stream, message, on_error);
  if (ec) {
    outcome = {std::nullopt, "send", ec};
    co_return;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxReplyBytes);
  co_await http::async_read(stream, buffer, parser, on_error);
  if (ec) {
    outcome = {std::nullopt, "read reply", ec};
    co_return;
  }
  auto response = parser.release();
  HttpReply reply;
  reply.status = static_cast<int>(response.result_int());
  for (const auto& field : response) {
    reply.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  reply.body = std::move(response.body());
  outcome.reply = std::move(reply);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

std::string Describe(const beast::error_code& ec) {
  if (ec == beast::error::timeout) return "no answer in time";
  std::string text = ec.message();
  if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  return text;
}

}  // namespace

struct HttpClient::Impl {
  Endpoint endpoint;
  asio::io_context io;
  // Present once CatchInterrupt was called; kept for the client's life so a SIGINT between two
  // requests is queued and still ends the next one.
  std::optional<asio::signal_set> signals;
  bool interrupted = false;
};

HttpClient::HttpClient(Endpoint endpoint) : impl_(std::make_unique<Impl>()) {
  impl_->endpoint = std::move(endpoint);
}

HttpClient::~HttpClient() = default;

void HttpClient::CatchInterrupt() {
  if (!impl_->signals) impl_->signals.emplace(impl_->io, SIGINT);
}

bool HttpClient::Interrupted() const { return impl_->interrupted; }

Result<HttpReply> HttpClient::Send(const HttpRequest& request) {
  const Endpoint& endpoint = impl_->endpoint;
  if (impl_->interrupted) return MakeError(ErrorCode::kUnavailable, "interrupted");
  impl_->io.restart();
  beast::tcp_stream stream(impl_->io);
  Outcome outcome;
  bool done = false;
  if (impl_->signals) {
    impl_->signals->async_wait([this, &stream](const beast::error_code& ec, int) {
      if (ec) return;
      impl_->interrupted = true;
      stream.cancel();
    });
  }
  try {
    asio::co_spawn(impl_->io, Exchange(endpoint, request, stream, outcome),
                   [this, &done](std::exception_ptr) {
                     done = true;
                     if (impl_->signals) impl_->signals->cancel();
                   });
    impl_->io.run();
  } catch (const std::exception& e) {
    // Beast throws only for impossible states (e.g. a malformed header name we built ourselves).
    return MakeError(ErrorCode::kInternal, std::string("HTTP client failed: ") + e.what());
  }
  if (impl_->interrupted) return MakeError(ErrorCode::kUnavailable, "interrupted");
  if (!done || !outcome.reply) {
    std::string why = Describe(outcome.error);
    if (outcome.failed_step == "resolve" || outcome.failed_step == "connect") {
      return MakeError(ErrorCode::kUnavailable, "cannot reach kumo at " + endpoint.url + ": " + why);
    }
    return MakeError(ErrorCode::kUnavailable, "kumo at " + endpoint.url + " failed to answer (" +
                                                  outcome.failed_step + "): " + why);
  }
  return std::move(*outcome.reply);
}

}  // namespace kumo::cli
