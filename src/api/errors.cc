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

}  // namespace kumo::api
