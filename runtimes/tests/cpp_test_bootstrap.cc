// A bootstrap for the SDK tests: _HANDLER selects a behaviour the example does not show.
#include <stdio.h>
#include <stdlib.h>

#include <stdexcept>
#include <string>

#include "kumo/lambda.h"

namespace {

using kumo::lambda::Invocation;
using kumo::lambda::JsonEscape;
using kumo::lambda::Outcome;

Outcome Context(const Invocation& inv) {
  return Outcome::Success(
      "{\"request_id\":\"" + JsonEscape(inv.request_id) + "\",\"function_arn\":\"" +
      JsonEscape(inv.function_arn) + "\",\"trace_id\":\"" + JsonEscape(inv.trace_id) +
      "\",\"env_trace_id\":\"" + JsonEscape(getenv("_X_AMZN_TRACE_ID") ? getenv("_X_AMZN_TRACE_ID") : "") +
      "\",\"client_context\":\"" + JsonEscape(inv.client_context) +
      "\",\"deadline_ms\":" + std::to_string(inv.deadline_ms) +
      ",\"remaining_ms\":" + std::to_string(inv.RemainingTimeMs()) + "}");
}

}  // namespace

int main() {
  const char* env = getenv("_HANDLER");
  std::string mode = env ? env : "";
  if (mode == "init_error") {
    return kumo::lambda::ReportInitError("Config.Missing", "TABLE_NAME is not \"set\"");
  }
  if (mode == "echo") {
    return kumo::lambda::Run([](const Invocation& inv) {
      printf("echo %zu bytes\n", inv.payload.size());
      return Outcome::Success(inv.payload);
    });
  }
  if (mode == "throw") {
    return kumo::lambda::Run([](const Invocation&) -> Outcome {
      throw std::out_of_range("index 7 out of range");
    });
  }
  if (mode == "context") return kumo::lambda::Run(Context);
  return kumo::lambda::Run(nullptr);
}
