#pragma once
// The one place that maps kumo's error kinds to HTTP statuses and Lambda's error types, and
// writes Lambda's error shape: status, X-Amzn-ErrorType header, {"Type","Message"} body.

#include <string>

#include "common/result.h"
#include "net/http_types.h"

namespace kumo::api {

// For errors whose Lambda type is not implied by the code (InvalidRequestContentException...).
net::HttpResponse ErrorResponse(int status, const std::string& type, const std::string& message);
net::HttpResponse ErrorResponse(const Error& error);

}  // namespace kumo::api
