#pragma once
// Lambda's function error document {"errorMessage","errorType","stackTrace"}: built by kumo for
// timeouts and crashes, and normalised from what runtimes post (some send "trace" instead of
// "stackTrace", some plain text).

#include <string>

namespace kumo::dispatch {

std::string MakeErrorDocument(const std::string& error_type, const std::string& message);
// `body` as a runtime posted it to /error or /init/error; `header_type` from
// Lambda-Runtime-Function-Error-Type, used when the body names no type.
std::string NormalizeErrorDocument(const std::string& body, const std::string& header_type);
// The errorType of a document (empty if none).
std::string ErrorTypeOf(const std::string& document);

}  // namespace kumo::dispatch
