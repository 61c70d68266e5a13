// `kumo invoke NAME`: one synchronous invocation; the function's answer goes to stdout.

#include <boost/json.hpp>

#include "cli/command_util.h"
#include "cli/commands.h"
#include "cli/payload.h"
#include "common/encoding.h"

namespace kumo::cli {
namespace {

// "<errorType>: <errorMessage>" from a function error body, or the raw body if it is not one.
std::string FunctionErrorText(const HttpReply& reply) {
  Result<boost::json::object> body = JsonObjectBody(reply);
  if (!body.ok()) return reply.body.empty() ? reply.Header("X-Amz-Function-Error") : reply.body;
  std::string type = StringField(*body, "errorType", reply.Header("X-Amz-Function-Error"));
  std::string message = StringField(*body, "errorMessage");
  return message.empty() ? type : type + ": " + message;
}

}  // namespace

int Invoke(Transport& transport, const InvokeArgs& args, Io io) {
  Result<std::string> payload = ResolvePayload(args.payload_arg, io.in);
  if (!payload.ok()) return Fail(io.err, payload.error().message);
  Result<HttpReply> reply = SendExpectingSuccess(
      transport, InvokeRequest(args.name, std::move(*payload), args.tail_log), args.name);
  if (!reply.ok()) return Fail(io.err, reply.error().message);

  if (args.tail_log) {
    std::optional<std::string> log = Base64Decode(reply->Header("X-Amz-Log-Result"));
    if (log && !log->empty()) {
      io.err << *log;
      if (log->back() != '\n') io.err << '\n';
    }
  }
  io.out << reply->body << std::endl;
  if (!reply->Header("X-Amz-Function-Error").empty()) {
    return Fail(io.err, args.name + " failed: " + FunctionErrorText(*reply));
  }
  return 0;
}

}  // namespace kumo::cli
