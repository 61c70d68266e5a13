#pragma once
// Small helpers the command files share: the failure line and reading JSON replies.

#include <boost/json/object.hpp>

#include <ostream>
#include <string>
#include <string_view>

#include "cli/transport.h"
#include "common/result.h"

namespace kumo::cli {

// Prints "kumo: <message>" and returns exit code 1.
int Fail(std::ostream& err, std::string_view message);

// Sends `request` and returns the reply if its status is 2xx; otherwise the error's message is the
// line to print (see DescribeErrorReply for `function_name`).
Result<HttpReply> SendExpectingSuccess(Transport& transport, const HttpRequest& request,
                                       std::string_view function_name);

// The reply body as a JSON object; fails with a readable message when it is not one.
Result<boost::json::object> JsonObjectBody(const HttpReply& reply);

// Reads optional fields of a reply object, falling back when absent or of another type.
std::string StringField(const boost::json::object& object, std::string_view key,
                        std::string fallback = "");
int64_t IntField(const boost::json::object& object, std::string_view key, int64_t fallback);

}  // namespace kumo::cli
