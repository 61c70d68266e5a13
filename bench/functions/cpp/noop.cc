// The benchmark's function for kumo's provided.al2023 runtime, built with the kumo_lambda SDK.
// The Handler setting (_HANDLER) picks the behaviour: "noop" answers at once, so a call measures
// only the platform; "burst" holds its instance for 100 ms and names it, so a burst shows how
// many instances served.
#include <stdlib.h>

#include <chrono>
#include <string>
#include <thread>

#include "kumo/lambda.h"

namespace {

using kumo::lambda::Invocation;
using kumo::lambda::Outcome;

std::string InstanceId() {
  const char* stream = getenv("AWS_LAMBDA_LOG_STREAM_NAME");
  std::string text = stream ? stream : "";
  return text.substr(text.rfind(']') + 1);
}

}  // namespace

int main() {
  const char* handler = getenv("_HANDLER");
  if (handler && std::string(handler) == "burst") {
    const std::string answer =
        "{\"instance\":\"" + kumo::lambda::JsonEscape(InstanceId()) + "\"}";
    return kumo::lambda::Run([&answer](const Invocation&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      return Outcome::Success(answer);
    });
  }
  return kumo::lambda::Run([](const Invocation&) { return Outcome::Success("{\"ok\":true}"); });
}
