#include "net/http_client_connection.h"

#include <strings.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

namespace kumo::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// Dropped from forwarded messages besides the hop-by-hop ones: Beast sets them from the body.
bool IsFramingHeader(std::string_view name) {
  return IsHopByHopHeader(name) || SameName(name, "content-length");
}

// State the connection shares with its pending handlers, so that destroying the connection while
// a request is in flight is safe (the handler sees `closed` and does nothing).
struct ClientCore {
  explicit ClientCore(tcp::socket s) : stream(std::move(s)) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  std::optional<http::response_parser<http::string_body>> parser;
  bool closed = false;
  bool open = true;
  bool busy = false;
};

class BeastClientConnection : public HttpClientConnection {
 public:
  BeastClientConnection(tcp::socket socket, HttpClientOptions options)
      : core_(std::make_shared<ClientCore>(std::move(socket))), options_(options) {}
  ~BeastClientConnection() override { Close(); }

  void Send(const HttpRequest& request, ResponseCallback done) override {
    if (core_->closed || !core_->open || core_->busy) {
      done(MakeError(ErrorCode::kUnavailable,
                     core_->busy ? "a request is already in flight" : "connection is closed"));
      return;
    }
    core_->busy = true;
    auto req = std::make_shared<http::request<http::string_body>>();
    req->version(11);
    req->method_string(request.method);
    req->target(request.target.empty() ? "/" : request.target);
    for (const auto& [key, value] : request.headers) {
      if (!IsFramingHeader(key)) req->insert(key, value);
    }
    req->body() = request.body;
    req->keep_alive(true);
    req->prepare_payload();
    auto core = core_;
    uint64_t limit = options_.max_body_bytes;
    auto cb = std::make_shared<ResponseCallback>(std::move(done));
    http::async_write(core->stream, *req, [core, req, cb, limit](beast::error_code ec, size_t) {
      if (core->closed) return;
      if (ec) return Fail(*core, *cb, "sending the request", ec);
      core->parser.emplace();
      core->parser->body_limit(limit);
      core->parser->header_limit(64 * 1024);
      http::async_read(core->stream, core->buffer, *core->parser,
                       [core, cb](beast::error_code ec, size_t) {
                         if (core->closed) return;
                         if (ec) {
                           return Fail(*core, *cb, "reading the response", ec);
                         }
                         OnResponse(*core, *cb);
                       });
    });
  }

  bool is_open() const override { return !core_->closed && core_->open; }

  void Close() override {
    if (core_->closed) return;
    core_->closed = true;
    beast::error_code ignored;
    core_->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    core_->stream.socket().close(ignored);
  }

 private:
  static void Fail(ClientCore& core, const ResponseCallback& done, const char* step,
                   beast::error_code ec) {
    core.busy = false;
    core.open = false;
    std::string why = ec == http::error::end_of_stream || ec == asio::error::eof
                          ? std::string("the server closed the connection")
                          : ec.message();
    done(MakeError(ErrorCode::kUnavailable, std::string(step) + ": " + why));
  }

  static void OnResponse(ClientCore& core, const ResponseCallback& done) {
    core.busy = false;
    auto& msg = core.parser->get();
    if (!msg.keep_alive()) core.open = false;
    HttpResponse r;
    r.status = static_cast<int>(msg.result_int());
    for (const auto& field : msg) {
      if (IsFramingHeader(field.name_string())) continue;
      r.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    r.body = std::move(msg.body());
    core.parser.reset();
    done(std::move(r));
  }

  std::shared_ptr<ClientCore> core_;
  HttpClientOptions options_;
};

}  // namespace

bool IsHopByHopHeader(std::string_view name) {
  for (const char* h : {"connection", "keep-alive", "proxy-connection", "proxy-authenticate",
                        "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade"}) {
    if (SameName(name, h)) return true;
  }
  return false;
}

void HttpClientConnection::Connect(EventLoop& loop, UniqueFd socket, const std::string& host,
                                   uint16_t port, ConnectCallback done, HttpClientOptions options) {
  auto& io = *static_cast<asio::io_context*>(loop.native());
  beast::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) {
    done(MakeError(ErrorCode::kInvalidArgument, "bad address: " + host));
    return;
  }
  auto sock = std::make_shared<tcp::socket>(io);
  sock->assign(tcp::v4(), socket.Release(), ec);
  if (ec) {
    done(MakeError(ErrorCode::kInternal, "cannot adopt socket: " + ec.message()));
    return;
  }
  std::string where = host + ":" + std::to_string(port);
  sock->async_connect(tcp::endpoint(address, port), [sock, done = std::move(done), options,
                                                     where](beast::error_code ec) {
    if (ec) {
      done(MakeError(ErrorCode::kUnavailable, "connect " + where + ": " + ec.message()));
      return;
    }
    beast::error_code ignored;
    sock->set_option(tcp::no_delay(true), ignored);
    done(std::unique_ptr<HttpClientConnection>(
        new BeastClientConnection(std::move(*sock), options)));
  });
}

std::unique_ptr<HttpClientConnection> HttpClientConnection::Adopt(EventLoop& loop,
                                                                  UniqueFd connected,
                                                                  HttpClientOptions options) {
  auto& io = *static_cast<asio::io_context*>(loop.native());
  tcp::socket sock(io);
  beast::error_code ec;
  sock.assign(tcp::v4(), connected.Release(), ec);
  return std::make_unique<BeastClientConnection>(std::move(sock), options);
}

}  // namespace kumo::net
