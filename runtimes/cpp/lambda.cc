#include "kumo/lambda.h"

#include <cxxabi.h>
#include <stdio.h>
#include <stdlib.h>

#include <chrono>
#include <exception>
#include <memory>
#include <typeinfo>

#include "runtime_connection.h"

namespace kumo::lambda {
namespace {

constexpr std::string_view kPrefix = "/2018-06-01/runtime/";

std::string ErrorBody(std::string_view type, std::string_view message) {
  return "{\"errorMessage\":\"" + JsonEscape(message) + "\",\"errorType\":\"" + JsonEscape(type) +
         "\",\"stackTrace\":[]}";
}

std::string ErrorHeaders(std::string_view type) {
  std::string clean;
  for (char c : type) {
    if (c != '\r' && c != '\n') clean += c;
  }
  return "Content-Type: application/json\r\nLambda-Runtime-Function-Error-Type: " + clean +
         "\r\n";
}

// The dynamic type of `e`, demangled ("std::runtime_error"), as the errorType of a throw.
std::string TypeName(const std::exception& e) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(
      abi::__cxa_demangle(typeid(e).name(), nullptr, nullptr, &status), free);
  return status == 0 && name ? name.get() : typeid(e).name();
}

const char* RuntimeApi() {
  const char* address = getenv("AWS_LAMBDA_RUNTIME_API");
  if (address == nullptr || *address == '\0') {
    fprintf(stderr, "kumo lambda: AWS_LAMBDA_RUNTIME_API is not set\n");
  }
  return address;
}

bool Post(internal::RuntimeConnection& conn, const std::string& path, std::string_view headers,
          std::string_view body) {
  internal::RuntimeConnection::Response response;
  std::string error;
  if (!conn.Request("POST", path, headers, body, &response, &error)) {
    fprintf(stderr, "kumo lambda: POST %s: %s\n", path.c_str(), error.c_str());
    return false;
  }
  if (response.status >= 300) {
    // kumo refused (the invocation timed out meanwhile, say); the next /next still works.
    fprintf(stderr, "kumo lambda: POST %s: HTTP %d %s\n", path.c_str(), response.status,
            response.body.substr(0, 200).c_str());
  }
  return true;
}

Outcome CallHandler(const Handler& handler, const Invocation& invocation) {
  try {
    return handler(invocation);
  } catch (const std::exception& e) {
    return Outcome::Failure(TypeName(e), e.what());
  } catch (...) {
    return Outcome::Failure("Unhandled", "unknown exception");
  }
}

}  // namespace

int64_t Invocation::RemainingTimeMs() const {
  int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  return deadline_ms > now ? deadline_ms - now : 0;
}

Outcome Outcome::Success(std::string json) {
  Outcome o;
  o.payload_ = std::move(json);
  return o;
}

Outcome Outcome::Failure(std::string error_type, std::string error_message) {
  Outcome o;
  o.ok_ = false;
  o.error_type_ = std::move(error_type);
  o.error_message_ = std::move(error_message);
  return o;
}

std::string JsonEscape(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size() + 8);
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

int ReportInitError(std::string_view error_type, std::string_view message) {
  fprintf(stderr, "kumo lambda: init error %.*s: %.*s\n", static_cast<int>(error_type.size()),
          error_type.data(), static_cast<int>(message.size()), message.data());
  const char* address = RuntimeApi();
  if (address != nullptr && *address != '\0') {
    internal::RuntimeConnection conn(address);
    Post(conn, std::string(kPrefix) + "init/error", ErrorHeaders(error_type),
         ErrorBody(error_type, message));
  }
  return 1;
}

int Run(const Handler& handler) {
  if (!handler) return ReportInitError("Runtime.HandlerNotFound", "no handler given to Run");
  const char* address = RuntimeApi();
  if (address == nullptr || *address == '\0') return 1;
  internal::RuntimeConnection conn(address);
  const std::string next_path = std::string(kPrefix) + "invocation/next";
  internal::RuntimeConnection::Response next;
  Invocation inv;
  for (;;) {
    std::string error;
    if (!conn.Request("GET", next_path, "", "", &next, &error) || next.status != 200) {
      fprintf(stderr, "kumo lambda: GET /invocation/next: %s\n",
              error.empty() ? ("HTTP " + std::to_string(next.status)).c_str() : error.c_str());
      return 1;
    }
    inv.payload = std::move(next.body);
    inv.request_id = next.Header("lambda-runtime-aws-request-id");
    inv.deadline_ms = std::atoll(std::string(next.Header("lambda-runtime-deadline-ms")).c_str());
    inv.function_arn = next.Header("lambda-runtime-invoked-function-arn");
    inv.trace_id = next.Header("lambda-runtime-trace-id");
    inv.client_context = next.Header("lambda-runtime-client-context");
    inv.cognito_identity = next.Header("lambda-runtime-cognito-identity");
    if (!inv.trace_id.empty()) setenv("_X_AMZN_TRACE_ID", inv.trace_id.c_str(), 1);

    Outcome outcome = CallHandler(handler, inv);
    // Handlers that print through stdio expect their lines to show up with this invocation.
    fflush(stdout);
    std::string base = std::string(kPrefix) + "invocation/" + inv.request_id;
    bool posted = outcome.ok()
                      ? Post(conn, base + "/response", "", outcome.payload())
                      : Post(conn, base + "/error", ErrorHeaders(outcome.error_type()),
                             ErrorBody(outcome.error_type(), outcome.error_message()));
    if (!posted) return 1;
  }
}

}  // namespace kumo::lambda
