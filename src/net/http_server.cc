#include "net/http_server.h"

#include <strings.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <list>

namespace kumo::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

class Session;

// State shared by a server and its sessions. Sessions hold it by shared_ptr so a server can be
// destroyed while sessions finish their last write.
struct ServerCore {
  HttpHandler handler;
  HttpServerOptions options;
  std::list<std::weak_ptr<Session>> sessions;
  bool closed = false;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<ServerCore> core)
      : stream_(std::move(socket)), core_(std::move(core)) {}

  void Start(std::list<std::weak_ptr<Session>>::iterator self_entry) {
    self_entry_ = self_entry;
    ReadNext();
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
    // Callers hold their own reference, so dropping the one kept for a pending responder is safe.
    pending_self_.reset();
  }

 private:
  void ReadNext() {
    if (closed_) return;
    parser_.emplace();
    parser_->body_limit(core_->options.max_body_bytes);
    parser_->header_limit(64 * 1024);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      HttpResponse r = HttpResponse::Json(
          413, R"({"Type":"User","Message":"Request must be smaller than the server's limit"})");
      r.headers.emplace_back("X-Amzn-ErrorType", "RequestTooLargeException");
      Write(std::move(r), /*keep_alive=*/false, 11);
      return;
    }
    if (ec) {
      Finish();
      return;
    }
    auto& msg = parser_->get();
    HttpRequest req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    size_t q = req.target.find('?');
    req.path = PercentDecode(std::string_view(req.target).substr(0, q));
    if (q != std::string::npos) req.query = req.target.substr(q + 1);
    req.headers.reserve(8);
    for (const auto& field : msg) {
      req.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    req.body = std::move(msg.body());
    beast::error_code peer_ec;
    auto peer = stream_.socket().remote_endpoint(peer_ec);
    if (!peer_ec) req.peer_ip = peer.address().to_string();
    bool keep_alive = msg.keep_alive();
    unsigned version = msg.version();
    std::weak_ptr<Session> weak = shared_from_this();
    auto once = std::make_shared<bool>(false);
    core_->handler(std::move(req), [weak, keep_alive, version, once](HttpResponse response) {
      if (*once) return;
      *once = true;
      if (auto self = weak.lock()) self->Write(std::move(response), keep_alive, version);
    });
    // The session stays alive through the pending read/write handlers or the responder's owner;
    // keep ourselves alive until the responder is called.
    pending_self_ = shared_from_this();
  }

  void Write(HttpResponse response, bool keep_alive, unsigned version) {
    pending_self_.reset();
    if (closed_) return;
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(version);
    res->result(static_cast<unsigned>(response.status));
    res->set(http::field::server, core_->options.server_header);
    for (auto& [key, value] : response.headers) {
      // A proxied response brings its own Server header: it replaces kumo's.
      if (strcasecmp(key.c_str(), "server") == 0) {
        res->set(http::field::server, value);
      } else {
        res->insert(key, value);
      }
    }
    res->body() = std::move(response.body);
    res->keep_alive(keep_alive);
    res->prepare_payload();
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res, keep_alive](beast::error_code ec, size_t) {
                        if (ec || !keep_alive) {
                          self->Finish();
                          return;
                        }
                        self->ReadNext();
                      });
  }

  void Finish() {
    if (!core_) return;
    Close();
    pending_self_.reset();
    if (!core_->closed) core_->sessions.erase(self_entry_);
    core_.reset();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<ServerCore> core_;
  std::list<std::weak_ptr<Session>>::iterator self_entry_;
  std::shared_ptr<Session> pending_self_;
  bool closed_ = false;
};

class BeastHttpServer : public HttpServer {
 public:
  BeastHttpServer(asio::io_context& io, tcp::acceptor acceptor, HttpHandler handler,
                  HttpServerOptions options)
      : acceptor_(std::move(acceptor)), core_(std::make_shared<ServerCore>()) {
    core_->handler = std::move(handler);
    core_->options = std::move(options);
    Accept();
  }
  ~BeastHttpServer() override { CloseAll(); }

  uint16_t port() const override { return port_; }

  void StopAccepting() override {
    beast::error_code ignored;
    acceptor_.close(ignored);
  }

  void CloseAll() override {
    StopAccepting();
    if (core_->closed) return;
    core_->closed = true;
    for (auto& weak : core_->sessions) {
      if (auto s = weak.lock()) s->Close();
    }
    core_->sessions.clear();
  }

  void set_port(uint16_t port) { port_ = port; }

 private:
  void Accept() {
    acceptor_.async_accept([this, core = core_](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || core->closed) return;
      if (!ec) {
        socket.set_option(tcp::no_delay(true), ec);
        auto session = std::make_shared<Session>(std::move(socket), core);
        core->sessions.push_front(session);
        session->Start(core->sessions.begin());
      }
      if (acceptor_.is_open()) Accept();
    });
  }

  tcp::acceptor acceptor_;
  std::shared_ptr<ServerCore> core_;
  uint16_t port_ = 0;
};

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::Listen(EventLoop& loop, const std::string& host,
                                                       uint16_t port, HttpHandler handler,
                                                       HttpServerOptions options) {
  auto& io = *static_cast<asio::io_context*>(loop.native());
  beast::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) return MakeError(ErrorCode::kInvalidArgument, "bad listen address: " + host);
  tcp::acceptor acceptor(io);
  tcp::endpoint endpoint(address, port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return MakeError(ErrorCode::kUnavailable,
                     "cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
  }
  uint16_t bound = acceptor.local_endpoint().port();
  auto server = std::make_unique<BeastHttpServer>(io, std::move(acceptor), std::move(handler),
                                                  std::move(options));
  server->set_port(bound);
  return std::unique_ptr<HttpServer>(std::move(server));
}

std::unique_ptr<HttpServer> HttpServer::Adopt(EventLoop& loop, UniqueFd listen_fd,
                                              HttpHandler handler, HttpServerOptions options) {
  auto& io = *static_cast<asio::io_context*>(loop.native());
  tcp::acceptor acceptor(io);
  beast::error_code ec;
  acceptor.assign(tcp::v4(), listen_fd.Release(), ec);
  uint16_t port = ec ? 0 : acceptor.local_endpoint(ec).port();
  auto server = std::make_unique<BeastHttpServer>(io, std::move(acceptor), std::move(handler),
                                                  std::move(options));
  server->set_port(port);
  return server;
}

}  // namespace kumo::net
