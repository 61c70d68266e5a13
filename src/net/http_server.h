#pragma once
// An HTTP/1.1 server on the event loop (Beast underneath, kept in http_server.cc). Serves
// kept-alive connections one request at a time per connection; the handler answers through its
// Responder whenever it is ready, which lets long polls (the Runtime API's /next) wait without
// blocking the loop. Loop thread only.

#include <cstdint>
#include <memory>
#include <string>

#include "common/result.h"
#include "common/unique_fd.h"
#include "net/event_loop.h"
#include "net/http_types.h"

namespace kumo::net {

struct HttpServerOptions {
  uint64_t max_body_bytes = 80ull << 20;  // larger bodies are answered 413 and the connection closed
  std::string server_header = "kumo";
};

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
