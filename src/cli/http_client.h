#pragma once
// The real Transport: plain HTTP/1.1 over TCP with Boost.Beast, one connection per request. Beast
// stays inside http_client.cc because its translation units are slow to compile.

#include <memory>

#include "cli/endpoint.h"
#include "cli/transport.h"

namespace kumo::cli {

// Owns its own io_context; used from one thread only.
class HttpClient : public Transport {
 public:
  explicit HttpClient(Endpoint endpoint);
  ~HttpClient() override;

  Result<HttpReply> Send(const HttpRequest& request) override;
  void CatchInterrupt() override;
  bool Interrupted() const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kumo::cli
