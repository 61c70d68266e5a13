#pragma once
// SQS's errors: each one has a JSON protocol shape name (the "__type" after
// "com.amazonaws.sqs#"), a query protocol code (also sent in the JSON protocol's
// x-amzn-query-error header, which SDK v3 uses to pick the exception), an HTTP status and a fault
// side. The constructors below are the one catalogue of them; both renderers live here too.

#include <string>
#include <utility>
#include <variant>

#include "net/http_types.h"

namespace kumo::api::sqs {

struct SqsError {
  std::string type;        // JSON shape name, e.g. "QueueDoesNotExist"
  std::string query_code;  // e.g. "AWS.SimpleQueueService.NonExistentQueue"
  int status = 400;
  bool sender_fault = true;  // "Sender" (the caller's fault) or "Receiver"
  std::string message;
};

// A value or an SqsError, as kumo::Result is for kumo::Error.
template <typename T>
class [[nodiscard]] SqsResult {
 public:
  SqsResult(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design.
  SqsResult(SqsError error) : v_(std::move(error)) {}  // NOLINT
  bool ok() const { return v_.index() == 0; }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& value() const& { return std::get<0>(v_); }
  const SqsError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, SqsError> v_;
};

SqsError QueueDoesNotExist();
SqsError QueueNameExists(std::string message);
SqsError InvalidParameterValue(std::string message);
SqsError MissingParameter(const std::string& name);
SqsError InvalidAttributeName(std::string message);
SqsError InvalidAttributeValue(std::string message);
SqsError InvalidMessageContents(std::string message);
SqsError ReceiptHandleIsInvalid(std::string message);
SqsError EmptyBatchRequest();
SqsError TooManyEntriesInBatchRequest(size_t count);
SqsError BatchEntryIdsNotDistinct(const std::string& id);
SqsError BatchRequestTooLong(size_t bytes, size_t limit);
SqsError InvalidBatchEntryId(const std::string& id);
SqsError InvalidAction(const std::string& action);
// An SQS action kumo does not implement (AddPermission, message move tasks, ...).
SqsError UnsupportedOperation(const std::string& action);
SqsError MalformedRequest(std::string message);  // unparsable JSON or form body
SqsError InternalFailure(std::string message);

// The JSON protocol's error: status, {"__type": "com.amazonaws.sqs#<type>", "message": ...},
// x-amzn-query-error "<code>;Sender|Receiver" and x-amzn-RequestId.
net::HttpResponse JsonErrorResponse(const SqsError& error, const std::string& request_id);
// The query protocol's error: status and <ErrorResponse><Error><Type/><Code/><Message/>
// <Detail/></Error><RequestId/></ErrorResponse>.
net::HttpResponse XmlErrorResponse(const SqsError& error, const std::string& request_id);

}  // namespace kumo::api::sqs
