#pragma once
// The server side of the Lambda Runtime API for one instance. Each instance gets its own
// channel, served on a listening socket that only that instance can reach, so no instance can
// read or answer another's invocations. The channel knows nothing about pools: it tells its
// Listener what the runtime did. Loop thread only.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/unique_fd.h"
#include "net/event_loop.h"
#include "net/http_server.h"

namespace kumo::runtime {

// One invocation as the runtime receives it from /next.
struct RuntimeEvent {
  std::string request_id;
  std::string payload;
  int64_t deadline_ms = 0;  // epoch milliseconds
  std::string function_arn;
  std::string trace_id;
  std::string client_context;
};

class RuntimeChannel {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    // The runtime asked for work (GET /next) and nothing is assigned: it is idle and ready.
    virtual void OnReady() = 0;
    virtual void OnResponse(const std::string& request_id, std::string body) = 0;
    virtual void OnError(const std::string& request_id, std::string body,
                         std::string error_type) = 0;
    virtual void OnInitError(std::string body, std::string error_type) = 0;
  };

  // Largest response a function may return (Lambda: 6 MB for synchronous calls).
  static constexpr uint64_t kMaxResponseBytes = 6ull << 20;

  RuntimeChannel(net::EventLoop& loop, UniqueFd listen_fd, Listener* listener);
  ~RuntimeChannel();

  // Hands an invocation to the runtime: at once if it is waiting on /next, else on its next /next.
  void Deliver(RuntimeEvent event);
  // The request id currently being processed by the runtime, if any.
  const std::optional<std::string>& current() const { return current_; }
  // Stops serving: open connections are closed.
  void Close();

 private:
  void Handle(net::HttpRequest&& req, net::Responder respond);
  void SendEvent(net::Responder& respond);

  Listener* listener_;
  std::unique_ptr<net::HttpServer> server_;
  std::optional<net::Responder> waiting_next_;
  std::optional<RuntimeEvent> pending_;  // delivered but not yet fetched by /next
  std::optional<std::string> current_;   // fetched, not yet answered
};

}  // namespace kumo::runtime
