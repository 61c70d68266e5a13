#pragma once
// How long an idle instance stays warm before it is stopped (scale to zero). Behind an interface
// so that smarter policies (a per-function histogram of idle times, as in "Serverless in the
// Wild") can replace the fixed one without touching the pools.

#include <chrono>
#include <memory>

#include "store/function_config.h"

namespace kumo::dispatch {

class KeepAlivePolicy {
 public:
  virtual ~KeepAlivePolicy() = default;
  // Called each time an instance of `function` becomes idle.
  virtual std::chrono::milliseconds IdleTimeout(const store::FunctionConfig& function) const = 0;
};

// The function's own keep-alive if it set one, else the server's.
class FixedKeepAlive : public KeepAlivePolicy {
 public:
  explicit FixedKeepAlive(std::chrono::milliseconds server_default) : default_(server_default) {}
  std::chrono::milliseconds IdleTimeout(const store::FunctionConfig& function) const override {
    if (function.keep_alive_s > 0) return std::chrono::seconds(function.keep_alive_s);
    return default_;
  }

 private:
  std::chrono::milliseconds default_;
};

}  // namespace kumo::dispatch
