#pragma once
// The record Lambda sends to an asynchronous invocation's destination (on success or failure):
// request context, condition, the event and the function's last response. Pure.

#include <cstdint>
#include <string>

namespace kumo::events {

struct DestinationRecord {
  int64_t timestamp_ms = 0;
  std::string request_id;
  std::string function_arn;  // qualified: ...:function:NAME:$LATEST
  std::string condition;     // "Success", "RetriesExhausted" or "EventAgeExceeded"
  int approximate_invoke_count = 0;
  std::string request_payload;  // the event as sent
  bool has_response = false;    // false when the function never ran (age exceeded first)
  int status_code = 200;
  std::string executed_version;
  std::string function_error;    // "Unhandled" for a function error, "" on success
  std::string response_payload;  // the function's answer or error document
};

// Lambda's destination record JSON. Payloads that are JSON documents are embedded as such,
// others as strings.
std::string DestinationRecordJson(const DestinationRecord& record);

}  // namespace kumo::events
