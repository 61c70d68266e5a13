#pragma once
// An HTTP/1.1 server on the event loop (Beast underneath, kept in http_server.cc). Serves
// kept-alive connections one request at a time per connection; the handler answers through its
// Responder whenever it is ready, which lets long polls (the Runtime API's /next) wait without
// blocking the loop. A response with a body_stream is written as its pieces arrive, and a client
// that goes away meanwhile aborts that stream. Loop thread only.

#include <cstdint>
#include <memory>
#include <string>

#include "common/result.h"
#include "common/unique_fd.h"
#include "net/event_loop.h"
#include "net/http_types.h"

namespace kumo::net {

struct HttpServerOptions {
  // Larger buffered bodies are answered 413 and the connection closed.
  uint64_t max_body_bytes = 80ull << 20;
  std::string server_header = "kumo";
  // Request bodies that are chunked or larger than kBufferedRequestBytes reach the handler as a
  // HttpRequest::body_stream as they arrive, instead of being read whole first; max_body_bytes
  // does not apply to them (the handler decides what it accepts). Smaller ones stay in `body`.
  bool stream_request_bodies = false;
};

// Request bodies up to this size are always read whole before the handler runs.
inline constexpr uint64_t kBufferedRequestBytes = 64 * 1024;

class HttpServer {
 public:
  // Binds host:port (port 0 picks a free one) and starts accepting.
  static Result<std::unique_ptr<HttpServer>> Listen(EventLoop& loop, const std::string& host,
                                                    uint16_t port, HttpHandler handler,
                                                    HttpServerOptions options = {});
  // Serves an already listening socket (one created inside an instance's network namespace).
  static std::unique_ptr<HttpServer> Adopt(EventLoop& loop, UniqueFd listen_fd, HttpHandler handler,
                                           HttpServerOptions options = {});
  virtual ~HttpServer() = default;
  virtual uint16_t port() const = 0;
  // Stops accepting new connections; connections already open keep being served.
  virtual void StopAccepting() = 0;
  // Closes every open connection as well. Pending responders become no-ops.
  virtual void CloseAll() = 0;
};

}  // namespace kumo::net
