// Hello world as a native function for kumo's provided runtimes, built on the kumo_lambda SDK.
// The build puts it at build/examples/cpp-hello/bootstrap, ready for
// `kumo deploy build/examples/cpp-hello --name cpp-hello --runtime provided.al2023`.
#include <stdio.h>

#include <boost/json.hpp>
#include <string>

#include "kumo/lambda.h"

namespace {

using kumo::lambda::Invocation;
using kumo::lambda::Outcome;

// Module state lives as long as the warm instance: the count shows instance reuse.
int count = 0;

Outcome Hello(const Invocation& inv) {
  boost::system::error_code ec;
  boost::json::value event = boost::json::parse(inv.payload, ec);
  if (ec) return Outcome::Failure("InvalidEvent", "event is not JSON: " + ec.message());
  std::string name = "world";
  if (const auto* object = event.if_object()) {
    if (const auto* field = object->if_contains("name")) {
      if (!field->is_string()) return Outcome::Failure("InvalidEvent", "name must be a string");
      name = field->as_string().c_str();
    }
  }
  ++count;
  printf("hello called for %s request %s\n", name.c_str(), inv.request_id.c_str());
  boost::json::object result{{"message", "hello " + name}, {"count", count}};
  return Outcome::Success(boost::json::serialize(result));
}

}  // namespace

int main() { return kumo::lambda::Run(Hello); }
