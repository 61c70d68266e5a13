#pragma once
// Reading JSON request bodies with Lambda's errors for the ways they go wrong. Only the api
// folder's .cc files include this (it brings Boost.JSON in).

#include <boost/json.hpp>
#include <map>
#include <optional>
#include <string>

#include "common/result.h"
#include "net/http_types.h"

namespace kumo::api {

// What a failed parse answers: a status and Lambda type beyond what ErrorCode implies.
struct RequestError {
  int status;
  std::string type;
  std::string message;
};

template <typename T>
using Parsed = std::variant<T, RequestError>;

// The body as a JSON object: 415 for a non-JSON content type, 400 for malformed JSON.
Parsed<boost::json::object> ParseJsonBody(const net::HttpRequest& req);

// ParseJsonBody for handlers: the object, or nullopt after answering the error through
// `respond` (in Lambda's error shape).
std::optional<boost::json::object> ParseJsonBodyOrRespond(const net::HttpRequest& req,
                                                          net::Responder& respond);

// Typed optional fields; a present field of the wrong type is an error.
Result<std::optional<std::string>> StringField(const boost::json::object& o, const char* name);
Result<std::optional<int64_t>> IntField(const boost::json::object& o, const char* name);
Result<std::optional<std::map<std::string, std::string>>> EnvironmentField(
    const boost::json::object& o);

}  // namespace kumo::api
