#pragma once
// A Transport for command tests: answers each Send with the next scripted reply and records the
// requests. Test-only.

#include <deque>
#include <string>
#include <vector>

#include "cli/transport.h"

namespace kumo::cli {

class ScriptedTransport : public Transport {
 public:
  void Add(int status, std::string body, HeaderList headers = {}) {
    replies_.push_back(HttpReply{status, std::move(headers), std::move(body)});
  }
  Result<HttpReply> Send(const HttpRequest& request) override {
    sent.push_back(request);
    if (replies_.empty()) return MakeError(ErrorCode::kInternal, "script ran out");
    HttpReply reply = std::move(replies_.front());
    replies_.pop_front();
    return reply;
  }
  void CatchInterrupt() override {}
  bool Interrupted() const override { return false; }

  std::vector<HttpRequest> sent;

 private:
  std::deque<HttpReply> replies_;
};

}  // namespace kumo::cli
