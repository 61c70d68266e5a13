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
// kumo answers "Expect: 100-continue" itself, so the function never sees it.
bool IsFramingHeader(std::string_view name) {
  return IsHopByHopHeader(name) || SameName(name, "content-length") || SameName(name, "expect");
}

// One request and its response, from Send to the end of the response body.
struct Exchange {
  HttpClientConnection::ResponseCallback head;
  HttpClientConnection::EndCallback end;
  std::shared_ptr<BodyStream> in;   // the request body, when it is streamed
  std::shared_ptr<BodyStream> out;  // the response body, once the header arrived
  bool head_request = false;
  bool request_sent = false;
  bool finished = false;
};

// State the connection shares with its pending handlers, so that destroying the connection while
// a request is in flight is safe (the handler sees `closed` and does nothing).
struct ClientCore {
  // Beast reads at most the buffer's free capacity (at least 512 bytes) at once: without room,
  // a large body would come in 512-byte reads.
  explicit ClientCore(tcp::socket s) : stream(std::move(s)) { buffer.reserve(64 * 1024); }
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  std::optional<http::response_parser<http::empty_body>> head_parser;
  std::optional<http::response_parser<http::buffer_body>> piece_parser;
  std::string piece;  // where the response body's next piece is read
  std::shared_ptr<Exchange> current;
  bool closed = false;
  bool open = true;
  bool busy = false;

  void Shut() {
    open = false;
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.socket().close(ignored);
  }
};

using Core = std::shared_ptr<ClientCore>;
using Ex = std::shared_ptr<Exchange>;

std::string Why(beast::error_code ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
                 ec == http::error::partial_message
             ? std::string("the server closed the connection")
             : ec.message();
}

// Ends an exchange that went wrong; the connection cannot be used again.
void FailExchange(const Core& core, const Ex& ex, std::string why) {
  if (ex->finished) return;
  ex->finished = true;
  core->busy = false;
  core->current.reset();
  core->head_parser.reset();
  core->piece_parser.reset();
  core->Shut();
  if (ex->in) ex->in->Abort();
  if (!ex->out) return ex->head(MakeError(ErrorCode::kUnavailable, why));
  ex->out->Fail(why);
  ex->end(MakeError(ErrorCode::kUnavailable, why));
}

void CompleteExchange(const Core& core, const Ex& ex, bool keep_alive) {
  ex->finished = true;
  core->busy = false;
  core->current.reset();
  core->piece_parser.reset();
  // A request body the server did not wait for is still unsent: the connection is out of step.
  if (!keep_alive || !ex->request_sent) core->Shut();
  if (ex->in) ex->in->Abort();
  ex->out->End();
  ex->end(Ok());
}

void ReadPiece(const Core& core, const Ex& ex);

void OnPiece(const Core& core, const Ex& ex, beast::error_code ec) {
  if (core->closed || ex->finished) return;
  if (ec == http::error::need_buffer) ec = {};
  size_t got = core->piece.size() - core->piece_parser->get().body().size;
  if (got > 0) ex->out->Push(std::string(core->piece.data(), got));
  if (ec) return FailExchange(core, ex, "reading the response: " + Why(ec));
  if (core->piece_parser->is_done()) {
    return CompleteExchange(core, ex, core->piece_parser->get().keep_alive());
  }
  // Weak: the stream must not keep its own exchange alive (the connection's `current` does).
  ex->out->WhenWritable([core, weak = std::weak_ptr<Exchange>(ex)] {
    auto ex = weak.lock();
    if (!ex || core->closed || ex->finished || ex->out->aborted()) return;
    ReadPiece(core, ex);
  });
}

void ReadPiece(const Core& core, const Ex& ex) {
  if (core->piece_parser->is_done()) {
    return CompleteExchange(core, ex, core->piece_parser->get().keep_alive());
  }
  auto& body = core->piece_parser->get().body();
  body.data = core->piece.data();
  body.size = core->piece.size();
  body.more = true;
  http::async_read_some(core->stream, core->buffer, *core->piece_parser,
                        [core, ex](beast::error_code ec, size_t) { OnPiece(core, ex, ec); });
}

void ReadHead(const Core& core, const Ex& ex);

void OnHead(const Core& core, const Ex& ex, beast::error_code ec) {
  if (core->closed || ex->finished) return;
  if (ec) return FailExchange(core, ex, "reading the response: " + Why(ec));
  auto& msg = core->head_parser->get();
  int status = static_cast<int>(msg.result_int());
  if (status / 100 == 1 && status != 101) return ReadHead(core, ex);  // interim: skip it
  HttpResponse r;
  r.status = status;
  for (const auto& field : msg) {
    std::string_view name = field.name_string();
    // A HEAD answer's Content-Length describes the GET body and passes on.
    if (IsFramingHeader(name) && !(ex->head_request && SameName(name, "content-length"))) continue;
    r.headers.emplace_back(std::string(name), std::string(field.value()));
  }
  std::optional<uint64_t> length;
  if (auto announced = core->head_parser->content_length(); announced && !ex->head_request) {
    length = *announced;
  }
  if (core->head_parser->is_done()) length = 0;
  ex->out = std::make_shared<BodyStream>(length);
  r.body_stream = ex->out;
  core->piece_parser.emplace(std::move(*core->head_parser));
  core->head_parser.reset();
  core->piece_parser->body_limit(boost::none);
  if (core->piece.empty()) core->piece.resize(64 * 1024);
  ex->out->OnAbort([core, weak = std::weak_ptr<Exchange>(ex)] {
    auto ex = weak.lock();
    if (ex && !core->closed) FailExchange(core, ex, "the response's reader went away");
  });
  auto head = std::move(ex->head);
  head(std::move(r));
  if (core->closed || ex->finished || ex->out->aborted()) return;
  ReadPiece(core, ex);
}

void ReadHead(const Core& core, const Ex& ex) {
  core->head_parser.emplace();
  core->head_parser->header_limit(64 * 1024);
  core->head_parser->body_limit(boost::none);
  if (ex->head_request) core->head_parser->skip(true);
  http::async_read_header(core->stream, core->buffer, *core->head_parser,
                          [core, ex](beast::error_code ec, size_t) { OnHead(core, ex, ec); });
}

// Writes the streamed request body as it arrives, chunked when its length is unknown.
void PumpRequest(const Core& core, const Ex& ex, bool chunked) {
  ex->in->Pull([core, ex, chunked](BodyStream::Piece piece) {
    if (core->closed || ex->finished) return;
    // The client's upload broke off: the function must not take the truncated body as whole.
    if (piece.error) return FailExchange(core, ex, "the request body broke off: " + *piece.error);
    auto data = std::make_shared<std::string>(std::move(piece.data));
    bool end = piece.end;
    auto next = [core, ex, chunked, end, data](beast::error_code ec, size_t) {
      if (core->closed || ex->finished) return;
      if (ec) return FailExchange(core, ex, "sending the request: " + Why(ec));
      if (!end) return PumpRequest(core, ex, chunked);
      if (!chunked) {
        ex->request_sent = true;
        return;
      }
      asio::async_write(core->stream, http::make_chunk_last(),
                        [core, ex](beast::error_code ec, size_t) {
                          if (core->closed || ex->finished) return;
                          if (ec) return FailExchange(core, ex, "sending the request: " + Why(ec));
                          ex->request_sent = true;
                        });
    };
    if (data->empty()) return next({}, 0);
    if (chunked) {
      asio::async_write(core->stream, http::make_chunk(asio::buffer(*data)), std::move(next));
    } else {
      asio::async_write(core->stream, asio::buffer(*data), std::move(next));
    }
  });
}

template <class Message>
void SetRequestHead(Message& req, const HttpRequest& request) {
  req.version(11);
  req.method_string(request.method);
  req.target(request.target.empty() ? "/" : request.target);
  for (const auto& [key, value] : request.headers) {
    if (!IsFramingHeader(key)) req.insert(key, value);
  }
  req.keep_alive(true);
}

void WriteRequest(const Core& core, const Ex& ex, const HttpRequest& request) {
  if (!request.body_stream) {
    auto req = std::make_shared<http::request<http::string_body>>();
    SetRequestHead(*req, request);
    req->body() = request.body;
    req->prepare_payload();
    http::async_write(core->stream, *req, [core, ex, req](beast::error_code ec, size_t) {
      if (core->closed || ex->finished) return;
      if (ec) return FailExchange(core, ex, "sending the request: " + Why(ec));
      ex->request_sent = true;
      ReadHead(core, ex);
    });
    return;
  }
  ex->in = request.body_stream;
  auto req = std::make_shared<http::request<http::empty_body>>();
  SetRequestHead(*req, request);
  bool chunked = !ex->in->length().has_value();
  if (chunked) {
    req->chunked(true);
  } else {
    req->content_length(*ex->in->length());
  }
  auto sr = std::make_shared<http::request_serializer<http::empty_body>>(*req);
  http::async_write_header(core->stream, *sr, [core, ex, req, sr, chunked](beast::error_code ec,
                                                                           size_t) {
    if (core->closed || ex->finished) return;
    if (ec) return FailExchange(core, ex, "sending the request: " + Why(ec));
    // The answer is read while the body goes out: a server may answer before reading it all.
    ReadHead(core, ex);
    PumpRequest(core, ex, chunked);
  });
}

class BeastClientConnection : public HttpClientConnection {
 public:
  BeastClientConnection(tcp::socket socket, HttpClientOptions options)
      : core_(std::make_shared<ClientCore>(std::move(socket))), options_(options) {}
  ~BeastClientConnection() override { Close(); }

  void Send(const HttpRequest& request, ResponseCallback done) override {
    uint64_t limit = options_.max_body_bytes;
    auto cb = std::make_shared<ResponseCallback>(std::move(done));
    SendStreaming(
        request,
        [cb, limit](Result<HttpResponse> head) {
          if (!head.ok()) return (*cb)(head.error());
          auto stream = std::move(head->body_stream);
          auto response = std::make_shared<HttpResponse>(std::move(head.value()));
          CollectBody(std::move(stream), limit, [cb, response](Result<std::string> body) {
            if (!body.ok()) {
              return (*cb)(MakeError(ErrorCode::kUnavailable,
                                     body.error().message.rfind("reading", 0) == 0
                                         ? body.error().message
                                         : "reading the response: " + body.error().message));
            }
            response->body = std::move(body.value());
            (*cb)(std::move(*response));
          });
        },
        [](Status) {});
  }

  void SendStreaming(const HttpRequest& request, ResponseCallback head, EndCallback end) override {
    if (core_->closed || !core_->open || core_->busy) {
      head(MakeError(ErrorCode::kUnavailable,
                     core_->busy ? "a request is already in flight" : "connection is closed"));
      return;
    }
    core_->busy = true;
    auto ex = std::make_shared<Exchange>();
    ex->head = std::move(head);
    ex->end = std::move(end);
    ex->head_request = request.method == "HEAD";
    core_->current = ex;
    WriteRequest(core_, ex, request);
  }

  bool is_open() const override { return !core_->closed && core_->open; }

  void Close() override {
    if (core_->closed) return;
    core_->closed = true;
    core_->Shut();
    if (auto ex = std::move(core_->current)) {
      // No callback runs after Close, but whoever reads the streams learns they broke off.
      ex->finished = true;
      if (ex->in) ex->in->Abort();
      if (ex->out) ex->out->Fail("the connection to the server was closed");
    }
  }

 private:
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
