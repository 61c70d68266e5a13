#include "api/errors.h"

#include <boost/json.hpp>

namespace kumo::api {
namespace json = boost::json;

net::HttpResponse ErrorResponse(int status, const std::string& type, const std::string& message) {
  json::object body;
  // Lambda says "User" for errors the caller can fix and "Service" for its own.
  body["Type"] = status >= 500 ? "Service" : "User";
  body["Message"] = message;
  net::HttpResponse r = net::HttpResponse::Json(status, json::serialize(body));
  r.headers.emplace_back("X-Amzn-ErrorType", type);
  return r;
}

net::HttpResponse ErrorResponse(const Error& error) {
  switch (error.code) {
    case ErrorCode::kInvalidArgument:
      return ErrorResponse(400, "InvalidParameterValueException", error.message);
    case ErrorCode::kNotFound:
      return ErrorResponse(404, "ResourceNotFoundException", error.message);
    case ErrorCode::kConflict:
      return ErrorResponse(409, "ResourceConflictException", error.message);
    case ErrorCode::kTooLarge:
      return ErrorResponse(413, "RequestTooLargeException", error.message);
    case ErrorCode::kUnsupportedMedia:
      return ErrorResponse(415, "UnsupportedMediaTypeException", error.message);
    case ErrorCode::kTooManyRequests:
      return ErrorResponse(429, "TooManyRequestsException", error.message);
    case ErrorCode::kUnavailable:
      return ErrorResponse(503, "ServiceException", error.message);
    case ErrorCode::kInternal:
      break;
  }
  return ErrorResponse(500, "ServiceException", error.message);
}

namespace {

std::string XmlEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

net::HttpResponse AccessDenied(const net::HttpRequest& req, const std::string& message) {
  if (req.Header("Content-Type").find("x-www-form-urlencoded") != std::string_view::npos) {
    net::HttpResponse r;
    r.status = 403;
    r.headers.emplace_back("Content-Type", "text/xml");
    r.body = "<?xml version=\"1.0\"?><ErrorResponse><Error><Type>Sender</Type>"
             "<Code>AccessDenied</Code><Message>" + XmlEscape(message) +
             "</Message><Detail/></Error><RequestId>00000000-0000-0000-0000-000000000000"
             "</RequestId></ErrorResponse>";
    return r;
  }
  json::object body{{"__type", "AccessDeniedException"}, {"Type", "User"},
                    {"Message", message}, {"message", message}};
  net::HttpResponse r = net::HttpResponse::Json(403, json::serialize(body));
  r.headers.emplace_back("X-Amzn-ErrorType", "AccessDeniedException");
  // AWS JSON-protocol SDKs that came from query protocols (SQS) read the code from here.
  r.headers.emplace_back("x-amzn-query-error", "AccessDenied;Sender");
  return r;
}

}  // namespace kumo::api
