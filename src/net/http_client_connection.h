#pragma once
// An HTTP/1.1 client over one TCP connection on the event loop (Beast underneath, kept in
// http_client_connection.cc). kumo uses it to forward requests to HTTP-server functions over a
// socket created inside the instance's network namespace, keeping the connection alive between
// requests. One request at a time. Loop thread only.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/result.h"
#include "common/unique_fd.h"
#include "net/event_loop.h"
#include "net/http_types.h"

namespace kumo::net {

struct HttpClientOptions {
  uint64_t max_body_bytes = 80ull << 20;  // a larger response body fails Send (not streams)
};

class HttpClientConnection {
 public:
  using ResponseCallback = std::function<void(Result<HttpResponse>)>;
  using EndCallback = std::function<void(Status)>;
  using ConnectCallback = std::function<void(Result<std::unique_ptr<HttpClientConnection>>)>;

  // Connects `socket` (a new, unconnected IPv4 TCP socket) to host:port and calls back on the
  // loop. The callback runs even when the connection fails (ECONNREFUSED while a server is not
  // listening yet); the caller guards its own lifetime.
  static void Connect(EventLoop& loop, UniqueFd socket, const std::string& host, uint16_t port,
                      ConnectCallback done, HttpClientOptions options = {});
  // Uses an already connected socket.
  static std::unique_ptr<HttpClientConnection> Adopt(EventLoop& loop, UniqueFd connected,
                                                     HttpClientOptions options = {});
  virtual ~HttpClientConnection() = default;

  // Sends `request` as is (method, target, headers, body; Content-Length is set from the body
  // and hop-by-hop headers are dropped) and calls back with the whole response, whose hop-by-hop
  // and Content-Length headers are dropped too. Only one request may be outstanding. After
  // Close() or destruction the callback is not called.
  virtual void Send(const HttpRequest& request, ResponseCallback done) = 0;
  // Like Send, but calls `head` as soon as the response's header arrived, with a body_stream
  // that the response's body feeds as the server writes it (reading pauses while the stream is
  // full; aborting it closes the connection). Then `end` runs once: Ok when the body is
  // complete, an error when it broke off or was aborted. `end` is not called when `head` gets
  // an error. A request body_stream is sent as it arrives (chunked unless its length is known)
  // while the response is already being read. After Close() or destruction no callback runs,
  // and a response stream still open fails.
  virtual void SendStreaming(const HttpRequest& request, ResponseCallback head,
                             EndCallback end) = 0;
  // False once the server closed the connection, said "Connection: close", or an error occurred:
  // the next request needs a new connection.
  virtual bool is_open() const = 0;
  virtual void Close() = 0;
};

// True for headers that describe one connection rather than the message (RFC 9110 7.6.1), which
// a proxy must not forward.
bool IsHopByHopHeader(std::string_view name);

}  // namespace kumo::net
