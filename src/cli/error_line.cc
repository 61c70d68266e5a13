#include "cli/error_line.h"

#include <boost/json.hpp>

namespace kumo::cli {
namespace {

namespace json = boost::json;

// The body's Message (Lambda) or message (API Gateway style), or "" when absent.
std::string MessageFromBody(std::string_view body) {
  boost::system::error_code ec;
  json::value value = json::parse(body, ec);
  if (ec || !value.is_object()) return "";
  for (const char* key : {"Message", "message", "errorMessage"}) {
    if (const json::value* field = value.as_object().if_contains(key); field && field->is_string()) {
      return std::string(field->as_string());
    }
  }
  return "";
}

}  // namespace

std::string OneLine(std::string_view text) {
  std::string out;
  for (char c : text) out.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string DescribeErrorReply(const HttpReply& reply, std::string_view function_name) {
  std::string type = reply.Header("X-Amzn-ErrorType");
  // AWS sometimes appends ":http://internal..." to the type; only the name is useful.
  if (size_t colon = type.find(':'); colon != std::string::npos) type.resize(colon);
  if (reply.status == 404 && !function_name.empty() &&
      (type.empty() || type == "ResourceNotFoundException")) {
    return "function \"" + std::string(function_name) + "\" not found";
  }
  std::string message = MessageFromBody(reply.body);
  if (message.empty() && reply.body.size() <= 200) message = reply.body;
  message = OneLine(message);
  std::string status = "HTTP " + std::to_string(reply.status);
  if (message.empty()) return type.empty() ? status : type + " (" + status + ")";
  return message + " (" + (type.empty() ? status : type) + ")";
}

}  // namespace kumo::cli
