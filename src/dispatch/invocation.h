#pragma once
// What a caller hands the dispatcher and what it gets back.

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/result.h"
#include "net/http_types.h"

namespace kumo::dispatch {

// How an invocation found its instance: started for it (cold), idle and warm, or kept ready
// by provisioned concurrency.
enum class StartType { kCold, kWarm, kProvisioned };
const char* StartTypeName(StartType t);

struct InvokeRequest {
  std::string request_id;
  std::string payload;
  std::string client_context;  // base64, passed through to the runtime
  // For http-runtime functions: the request to forward as is (the gateway's client request).
  // Without it they get `POST /` with the payload as a JSON body.
  std::shared_ptr<const net::HttpRequest> http;
  // For http-runtime functions: when set, called as soon as the function's response header
  // arrives, with its body as a body_stream fed while the function writes it (a streamed
  // download or Server-Sent Events reach the caller as they are written). `done` follows when
  // the body is complete or broke off, which ends the invocation; its result then only says how.
  // Without it the body is read whole first (Lambda Invoke).
  std::function<void(net::HttpResponse)> http_head;
};

struct InvokeResult {
  std::string request_id;
  // Set when kumo could not run the invocation at all (throttled, shutting down, cannot start
  // an instance for a reason that is kumo's, not the function's). Nothing else is meaningful.
  std::optional<Error> platform_error;
  bool function_error = false;  // the payload is an error document: X-Amz-Function-Error
  std::string payload;
  std::string log;  // what this invocation logged, START to REPORT
  std::string executed_version = "$LATEST";
  StartType start_type = StartType::kWarm;
  // With platform_error kTooManyRequests: Lambda's Reason for the throttle.
  std::string throttle_reason;
  // For http-runtime functions that answered: their response as is (payload is its body).
  std::optional<net::HttpResponse> http;
};

using InvokeCallback = std::function<void(InvokeResult)>;

}  // namespace kumo::dispatch
