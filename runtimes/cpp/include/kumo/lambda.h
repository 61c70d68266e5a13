#pragma once

// kumo's C++ function SDK: turns a handler into a `bootstrap` for the `provided` runtimes.
//
//   int main() {
//     return kumo::lambda::Run([](const kumo::lambda::Invocation& inv) {
//       return kumo::lambda::Outcome::Success(R"({"ok": true})");
//     });
//   }
//
// Run speaks the Lambda Runtime API at $AWS_LAMBDA_RUNTIME_API (kumo, or AWS Lambda itself),
// one invocation at a time, over one kept-alive connection. No dependencies beyond libstdc++.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace kumo::lambda {

// One event and the facts Lambda sends with it. Owned by Run; valid during the handler call.
struct Invocation {
  std::string payload;           // the event, raw JSON
  std::string request_id;        // Lambda-Runtime-Aws-Request-Id
  int64_t deadline_ms = 0;       // Unix epoch milliseconds after which the invocation times out
  std::string function_arn;      // Lambda-Runtime-Invoked-Function-Arn
  std::string trace_id;          // Lambda-Runtime-Trace-Id (also exported as _X_AMZN_TRACE_ID)
  std::string client_context;    // Lambda-Runtime-Client-Context, raw JSON, may be empty
  std::string cognito_identity;  // Lambda-Runtime-Cognito-Identity, raw JSON, may be empty

  // Milliseconds until deadline_ms, never negative.
  int64_t RemainingTimeMs() const;
};

// What a handler returns: a JSON result, or an error Lambda reports with errorType/errorMessage.
class Outcome {
 public:
  // `json` must be valid JSON; it is passed through unchanged.
  static Outcome Success(std::string json);
  static Outcome Failure(std::string error_type, std::string error_message);

  bool ok() const { return ok_; }
  const std::string& payload() const { return payload_; }
  const std::string& error_type() const { return error_type_; }
  const std::string& error_message() const { return error_message_; }

 private:
  bool ok_ = true;
  std::string payload_;
  std::string error_type_;
  std::string error_message_;
};

using Handler = std::function<Outcome(const Invocation&)>;

// Serves invocations with `handler` until the Runtime API goes away; returns the process exit
// code (non-zero). A handler that throws is reported as a failure with the exception's type.
// Call from main; not thread-safe (one Run per process).
int Run(const Handler& handler);

// For set-up failures before Run (bad configuration, say): posts /runtime/init/error so the
// caller sees `error_type` and `message`, and returns 1 to be used as the exit code.
int ReportInitError(std::string_view error_type, std::string_view message);

// Escapes `text` as the contents of a JSON string (without the quotes), for building payloads.
std::string JsonEscape(std::string_view text);

}  // namespace kumo::lambda
