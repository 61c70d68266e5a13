#include "dispatch/error_document.h"

#include <boost/json.hpp>

namespace kumo::dispatch {
namespace json = boost::json;

std::string MakeErrorDocument(const std::string& error_type, const std::string& message) {
  json::object doc;
  doc["errorMessage"] = message;
  doc["errorType"] = error_type;
  return json::serialize(doc);
}

std::string NormalizeErrorDocument(const std::string& body, const std::string& header_type) {
  std::string fallback_type = header_type.empty() ? "Unhandled" : header_type;
  boost::system::error_code ec;
  json::value parsed = json::parse(body, ec);
  if (ec || !parsed.is_object()) {
    return MakeErrorDocument(fallback_type, body);
  }
  json::object& in = parsed.as_object();
  json::object out;
  const json::value* message = in.if_contains("errorMessage");
  out["errorMessage"] = message ? (message->is_string() ? json::value(message->as_string())
                                                         : json::value(json::serialize(*message)))
                                : json::value("");
  const json::value* type = in.if_contains("errorType");
  out["errorType"] = (type && type->is_string() && !type->as_string().empty())
                         ? json::value(type->as_string())
                         : json::value(fallback_type);
  const json::value* trace = in.if_contains("stackTrace");
  if (!trace) trace = in.if_contains("trace");
  if (trace) {
    if (trace->is_array()) {
      out["stackTrace"] = *trace;
    } else if (trace->is_string()) {
      // A single string of lines becomes the list of lines Lambda shows.
      json::array lines;
      std::string_view text = trace->as_string();
      while (!text.empty()) {
        size_t nl = text.find('\n');
        lines.emplace_back(text.substr(0, nl));
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
      }
      out["stackTrace"] = std::move(lines);
    }
  }
  return json::serialize(out);
}

std::string ErrorTypeOf(const std::string& document) {
  boost::system::error_code ec;
  json::value parsed = json::parse(document, ec);
  if (ec || !parsed.is_object()) return "";
  const json::value* type = parsed.as_object().if_contains("errorType");
  return type && type->is_string() ? std::string(type->as_string()) : "";
}

}  // namespace kumo::dispatch
