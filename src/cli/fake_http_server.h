#pragma once
// Test helper: a tiny HTTP/1.1 server on 127.0.0.1 with a port chosen by the kernel, answering
// each request (one per connection) with whatever a test's handler returns. It does not share
// code with the client under test, so it checks the bytes the client really puts on the wire.
// The handler runs on the server's own thread.

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cli/transport.h"

namespace kumo::cli {

struct SeenRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

struct ScriptedReply {
  int status = 200;
  HeaderList headers;
  std::string body;
  // Never answer; hold the connection until the client closes it (for long-poll tests).
  bool hang = false;
};

class FakeHttpServer {
 public:
  using Handler = std::function<ScriptedReply(const SeenRequest&)>;
  explicit FakeHttpServer(Handler handler);
  ~FakeHttpServer();
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<SeenRequest> requests() const;

 private:
  void Serve();
  void HandleConnection(int fd);

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  mutable std::mutex mu_;  // guards requests_
  std::vector<SeenRequest> requests_;
  std::thread thread_;
};

}  // namespace kumo::cli
