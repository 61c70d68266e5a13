#include "net/http_server.h"

#include <strings.h>
#include <sys/socket.h>

#include <cerrno>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <list>
#include <optional>

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

bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// One client connection. Reads a request's header, then its body (whole, or as a stream the
// handler consumes while it runs), calls the handler, writes its answer (whole, or piece by
// piece from the response's stream) and reads the next request.
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
    // The other ends of open streams learn that this connection is gone.
    if (in_stream_) in_stream_->Fail("the client's connection closed");
    if (out_stream_) out_stream_->Abort();
    in_stream_.reset();
    out_stream_.reset();
    // Callers hold their own reference, so dropping the one kept for a pending responder is safe.
    pending_self_.reset();
  }

 private:
  void ReadNext() {
    if (closed_) return;
    head_parser_.emplace();
    head_parser_->header_limit(64 * 1024);
    head_parser_->body_limit(boost::none);  // checked in OnHeader, where the choice is made
    http::async_read_header(stream_, buffer_, *head_parser_,
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              self->OnHeader(ec);
                            });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return Finish();
    auto& msg = head_parser_->get();
    keep_alive_ = msg.keep_alive();
    version_ = msg.version();
    head_request_ = msg.method() == http::verb::head;
    bool has_body = !head_parser_->is_done();
    auto length = head_parser_->content_length();
    bool stream = core_->options.stream_request_bodies && has_body &&
                  (!length || *length > kBufferedRequestBytes);
    if (has_body && !stream && length && *length > core_->options.max_body_bytes) {
      return TooLarge();
    }
    bool expect_continue = has_body && SameName(msg[http::field::expect], "100-continue");
    auto next = [self = shared_from_this(), stream] {
      stream ? self->StartStreamedRequest() : self->ReadWholeBody();
    };
    if (!expect_continue) return next();
    // The client waits for this before it sends the body.
    static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    asio::async_write(stream_, asio::buffer(kContinue),
                      [self = shared_from_this(), next](beast::error_code ec, size_t) {
                        if (ec) return self->Finish();
                        next();
                      });
  }

  void TooLarge() {
    HttpResponse r = HttpResponse::Json(
        413, R"({"Type":"User","Message":"Request must be smaller than the server's limit"})");
    r.headers.emplace_back("X-Amzn-ErrorType", "RequestTooLargeException");
    keep_alive_ = false;
    version_ = 11;
    Write(std::move(r));
  }

  HttpRequest RequestHead(const http::request<http::empty_body>& msg) {
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
    beast::error_code peer_ec;
    auto peer = stream_.socket().remote_endpoint(peer_ec);
    if (!peer_ec) req.peer_ip = peer.address().to_string();
    return req;
  }

  void ReadWholeBody() {
    HttpRequest req = RequestHead(head_parser_->get());
    whole_parser_.emplace(std::move(*head_parser_));
    head_parser_.reset();
    whole_parser_->body_limit(core_->options.max_body_bytes);
    auto head = std::make_shared<HttpRequest>(std::move(req));
    http::async_read(stream_, buffer_, *whole_parser_,
                     [self = shared_from_this(), head](beast::error_code ec, size_t) {
                       if (ec == http::error::body_limit) return self->TooLarge();
                       if (ec) return self->Finish();
                       head->body = std::move(self->whole_parser_->get().body());
                       self->whole_parser_.reset();
                       self->request_body_done_ = true;
                       self->CallHandler(std::move(*head));
                     });
  }

  void StartStreamedRequest() {
    // Beast reads at most the buffer's free capacity at once (512 bytes when it has none).
    buffer_.reserve(64 * 1024);
    HttpRequest req = RequestHead(head_parser_->get());
    std::optional<uint64_t> length;
    if (auto announced = head_parser_->content_length()) length = *announced;
    in_stream_ = std::make_shared<BodyStream>(length);
    piece_parser_.emplace(std::move(*head_parser_));
    head_parser_.reset();
    piece_parser_->body_limit(boost::none);
    request_body_done_ = false;
    req.body_stream = in_stream_;
    ReadBodyPiece();
    CallHandler(std::move(req));
  }

  void ReadBodyPiece() {
    if (closed_) return;
    if (piece_.empty()) piece_.resize(64 * 1024);
    auto& body = piece_parser_->get().body();
    body.data = piece_.data();
    body.size = piece_.size();
    body.more = true;
    http::async_read_some(stream_, buffer_, *piece_parser_,
                          [self = shared_from_this()](beast::error_code ec, size_t) {
                            self->OnBodyPiece(ec);
                          });
  }

  void OnBodyPiece(beast::error_code ec) {
    if (closed_ || !in_stream_) return;
    if (ec == http::error::need_buffer) ec = {};
    std::shared_ptr<BodyStream> in = in_stream_;
    size_t got = piece_.size() - piece_parser_->get().body().size;
    if (got > 0) in->Push(std::string(piece_.data(), got));
    if (ec) {
      in->Fail("the client's upload broke off: " + ec.message());
      return Finish();
    }
    if (piece_parser_->is_done()) {
      request_body_done_ = true;
      in_stream_.reset();
      piece_parser_.reset();
      in->End();
      return;
    }
    // Not `in` itself: the stream would hold itself alive through its own callback.
    in->WhenWritable([weak = weak_from_this(), raw = in.get()] {
      auto self = weak.lock();
      // A handler that stopped reading leaves the rest unread; the connection closes after
      // the response.
      if (!self || self->in_stream_.get() != raw || raw->aborted()) return;
      self->ReadBodyPiece();
    });
  }

  void CallHandler(HttpRequest&& req) {
    // A read that completed just before CloseAll must not reach a handler whose owner is gone.
    if (closed_ || core_->closed) return;
    std::weak_ptr<Session> weak = shared_from_this();
    auto once = std::make_shared<bool>(false);
    // The session stays alive through the pending read/write handlers or the responder's owner;
    // keep ourselves alive until the responder is called.
    pending_self_ = shared_from_this();
    core_->handler(std::move(req), [weak, once](HttpResponse response) {
      if (*once) return;
      *once = true;
      if (auto self = weak.lock()) return self->Write(std::move(response));
      // Nobody will read this body: its producer should stop.
      if (response.body_stream) response.body_stream->Abort();
    });
  }

  void Write(HttpResponse response) {
    pending_self_.reset();
    if (closed_) {
      if (response.body_stream) response.body_stream->Abort();
      return;
    }
    // A request body still arriving (or abandoned by the handler) is not read to its end: the
    // connection cannot carry another request.
    if (!request_body_done_) keep_alive_ = false;
    if (response.body_stream) return WriteStreamed(std::move(response));
    auto res = std::make_shared<http::response<http::string_body>>();
    SetHead(*res, response);
    res->body() = std::move(response.body);
    res->prepare_payload();
    http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, size_t) {
      if (ec) return self->Finish();
      self->AfterResponse();
    });
  }

  template <class Message>
  void SetHead(Message& res, const HttpResponse& response) {
    res.version(version_);
    res.result(static_cast<unsigned>(response.status));
    res.set(http::field::server, core_->options.server_header);
    for (auto& [key, value] : response.headers) {
      // A proxied response brings its own Server header: it replaces kumo's.
      if (strcasecmp(key.c_str(), "server") == 0) {
        res.set(http::field::server, value);
      } else {
        res.insert(key, value);
      }
    }
    res.keep_alive(keep_alive_);
  }

  void WriteStreamed(HttpResponse response) {
    out_stream_ = std::move(response.body_stream);
    auto res = std::make_shared<http::response<http::empty_body>>();
    int status = response.status;
    skip_body_ = head_request_ || status / 100 == 1 || status == 204 || status == 304;
    chunked_ = false;
    if (!skip_body_) {
      if (auto length = out_stream_->length()) {
        res->content_length(*length);
      } else if (version_ >= 11) {
        chunked_ = true;
      } else {
        keep_alive_ = false;  // HTTP/1.0: the body ends where the connection does
      }
    }
    SetHead(*res, response);
    if (chunked_) res->chunked(true);
    auto sr = std::make_shared<http::response_serializer<http::empty_body>>(*res);
    http::async_write_header(stream_, *sr,
                             [self = shared_from_this(), res, sr](beast::error_code ec, size_t) {
                               if (ec) return self->Finish();
                               if (self->request_body_done_) self->WatchForDisconnect();
                               self->PumpResponse();
                             });
  }

  void PumpResponse() {
    if (closed_ || !out_stream_) return;
    out_stream_->Pull([self = shared_from_this()](BodyStream::Piece piece) {
      self->OnResponsePiece(std::move(piece));
    });
  }

  void OnResponsePiece(BodyStream::Piece piece) {
    if (closed_) return;
    // A body that broke off is not ended cleanly, so that the client sees it is incomplete.
    if (piece.error) {
      out_stream_.reset();  // its producer gave up already: nothing to abort
      return Finish();
    }
    bool end = piece.end;
    if (piece.data.empty() || skip_body_) {
      return end ? EndStreamedBody() : PumpResponse();
    }
    auto data = std::make_shared<std::string>(std::move(piece.data));
    auto next = [self = shared_from_this(), data, end](beast::error_code ec, size_t) {
      if (ec) return self->Finish();
      end ? self->EndStreamedBody() : self->PumpResponse();
    };
    if (chunked_) {
      asio::async_write(stream_, http::make_chunk(asio::buffer(*data)), std::move(next));
    } else {
      asio::async_write(stream_, asio::buffer(*data), std::move(next));
    }
  }

  void EndStreamedBody() {
    out_stream_.reset();
    if (!chunked_) return AfterResponse();
    asio::async_write(stream_, http::make_chunk_last(),
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) return self->Finish();
                        self->AfterResponse();
                      });
  }

  // While a streamed response waits for the function, a client that closes its end is noticed
  // here rather than at the next write, which may be long in coming (Server-Sent Events).
  void WatchForDisconnect() {
    stream_.socket().async_wait(
        tcp::socket::wait_read, [self = shared_from_this(), out = out_stream_](beast::error_code ec) {
          if (ec || self->closed_ || self->out_stream_ != out) return;
          char c;
          ssize_t n = ::recv(self->stream_.socket().native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
          if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            return self->WatchForDisconnect();
          }
          // n > 0 is a pipelined request, read after this response.
          if (n <= 0) self->Finish();
        });
  }

  void AfterResponse() {
    out_stream_.reset();
    if (!keep_alive_) return Finish();
    ReadNext();
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
  // One of these parses the current request: its header, then its whole body or its pieces.
  std::optional<http::request_parser<http::empty_body>> head_parser_;
  std::optional<http::request_parser<http::string_body>> whole_parser_;
  std::optional<http::request_parser<http::buffer_body>> piece_parser_;
  std::string piece_;  // where a streamed request body's next piece is read
  std::shared_ptr<BodyStream> in_stream_;   // the request body being streamed to the handler
  std::shared_ptr<BodyStream> out_stream_;  // the response body being written
  std::shared_ptr<ServerCore> core_;
  std::list<std::weak_ptr<Session>>::iterator self_entry_;
  std::shared_ptr<Session> pending_self_;
  bool keep_alive_ = true;
  unsigned version_ = 11;
  bool head_request_ = false;
  bool request_body_done_ = true;
  bool skip_body_ = false;
  bool chunked_ = false;
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
