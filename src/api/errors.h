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
// 403 for a call its caller may not make, in the shape its protocol expects: XML for SQS's
// query protocol (form bodies), JSON otherwise (Lambda's and the AWS JSON protocols' fields).
net::HttpResponse AccessDenied(const net::HttpRequest& req, const std::string& message);

}  // namespace kumo::api
