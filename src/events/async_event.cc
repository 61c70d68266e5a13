#include "events/async_event.h"

#include <boost/json.hpp>

namespace kumo::events {
namespace json = boost::json;

std::string AsyncQueueName(const std::string& function_name) { return "~async:" + function_name; }

std::string AsyncEventToJson(const AsyncEvent& e) {
  json::object o{{"requestId", e.request_id},   {"function", e.function_name},
                 {"qualifier", e.qualifier},     {"payload", e.payload},
                 {"enqueuedMs", e.enqueued_ms},  {"attempts", e.attempts},
                 {"source", e.source},           {"lastError", e.last_error},
                 {"lastErrorType", e.last_error_type}};
  return json::serialize(o);
}

Result<AsyncEvent> AsyncEventFromJson(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "async event is not a JSON object");
  }
  const json::object& o = v.as_object();
  auto str = [&](const char* key) -> std::string {
    const json::value* f = o.if_contains(key);
    return f && f->is_string() ? std::string(f->as_string()) : std::string();
  };
  auto num = [&](const char* key) -> int64_t {
    const json::value* f = o.if_contains(key);
    return f && f->is_int64() ? f->as_int64() : 0;
  };
  AsyncEvent e;
  e.request_id = str("requestId");
  e.function_name = str("function");
  e.qualifier = str("qualifier");
  e.payload = str("payload");
  e.enqueued_ms = num("enqueuedMs");
  e.attempts = static_cast<int>(num("attempts"));
  e.source = str("source");
  e.last_error = str("lastError");
  e.last_error_type = str("lastErrorType");
  if (e.request_id.empty() || e.function_name.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "async event lacks requestId or function");
  }
  return e;
}

}  // namespace kumo::events
