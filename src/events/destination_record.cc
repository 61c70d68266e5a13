#include "events/destination_record.h"

#include <chrono>

#include <boost/json.hpp>

#include "common/time_format.h"

namespace kumo::events {
namespace json = boost::json;
namespace {

json::value Embed(const std::string& payload) {
  boost::system::error_code ec;
  json::value v = json::parse(payload, ec);
  if (ec) return json::value(payload);
  return v;
}

}  // namespace

std::string DestinationRecordJson(const DestinationRecord& r) {
  json::object request_context{{"requestId", r.request_id},
                               {"functionArn", r.function_arn},
                               {"condition", r.condition},
                               {"approximateInvokeCount", r.approximate_invoke_count}};
  json::object record{
      {"version", "1.0"},
      {"timestamp", Iso8601MillisZ(std::chrono::system_clock::time_point(
                        std::chrono::milliseconds(r.timestamp_ms)))},
      {"requestContext", std::move(request_context)},
      {"requestPayload", Embed(r.request_payload)}};
  if (r.has_response) {
    json::object response_context{{"statusCode", r.status_code},
                                  {"executedVersion", r.executed_version}};
    if (!r.function_error.empty()) response_context["functionError"] = r.function_error;
    record["responseContext"] = std::move(response_context);
    record["responsePayload"] = Embed(r.response_payload);
  }
  return json::serialize(record);
}

}  // namespace kumo::events
