#include "cli/command_util.h"

#include <boost/json.hpp>

#include "cli/error_line.h"

namespace kumo::cli {

namespace json = boost::json;

int Fail(std::ostream& err, std::string_view message) {
  err << "kumo: " << OneLine(message) << std::endl;
  return 1;
}

Result<HttpReply> SendExpectingSuccess(Transport& transport, const HttpRequest& request,
                                       std::string_view function_name) {
  KUMO_ASSIGN_OR_RETURN(HttpReply reply, transport.Send(request));
  if (reply.status < 200 || reply.status > 299) {
    return MakeError(ErrorCode::kInternal, DescribeErrorReply(reply, function_name));
  }
  return reply;
}

Result<json::object> JsonObjectBody(const HttpReply& reply) {
  boost::system::error_code ec;
  json::value value = json::parse(reply.body, ec);
  if (ec || !value.is_object()) {
    return MakeError(ErrorCode::kInternal, "the server sent a reply that is not a JSON object");
  }
  return std::move(value.as_object());
}

std::string StringField(const json::object& object, std::string_view key, std::string fallback) {
  const json::value* field = object.if_contains(key);
  return field && field->is_string() ? std::string(field->as_string()) : fallback;
}

int64_t IntField(const json::object& object, std::string_view key, int64_t fallback) {
  const json::value* field = object.if_contains(key);
  if (!field) return fallback;
  if (field->is_int64()) return field->as_int64();
  if (field->is_uint64()) return static_cast<int64_t>(field->as_uint64());
  if (field->is_double()) return static_cast<int64_t>(field->as_double());
  return fallback;
}

}  // namespace kumo::cli
