#include "api/sqs/sqs_error.h"

#include <boost/json.hpp>

#include "api/sqs/xml_writer.h"

namespace kumo::api::sqs {
namespace {

SqsError Make(std::string type, std::string query_code, int status, std::string message) {
  return SqsError{std::move(type), std::move(query_code), status, status < 500, std::move(message)};
}

}  // namespace

SqsError QueueDoesNotExist() {
  return Make("QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", 400,
              "The specified queue does not exist.");
}
SqsError QueueNameExists(std::string message) {
  return Make("QueueNameExists", "QueueAlreadyExists", 400, std::move(message));
}
SqsError InvalidParameterValue(std::string message) {
  return Make("InvalidParameterValue", "InvalidParameterValue", 400, std::move(message));
}
SqsError MissingParameter(const std::string& name) {
  return Make("MissingParameter", "MissingParameter", 400,
              "The request must contain the parameter " + name + ".");
}
SqsError InvalidAttributeName(std::string message) {
  return Make("InvalidAttributeName", "InvalidAttributeName", 400, std::move(message));
}
SqsError InvalidAttributeValue(std::string message) {
  return Make("InvalidAttributeValue", "InvalidAttributeValue", 400, std::move(message));
}
SqsError InvalidMessageContents(std::string message) {
  return Make("InvalidMessageContents", "InvalidMessageContents", 400, std::move(message));
}
SqsError ReceiptHandleIsInvalid(std::string message) {
  return Make("ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", 404, std::move(message));
}
SqsError EmptyBatchRequest() {
  return Make("EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest", 400,
              "There should be at least one entry in the request.");
}
SqsError TooManyEntriesInBatchRequest(size_t count) {
  return Make(
      "TooManyEntriesInBatchRequest", "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400,
      "Maximum number of entries per request are 10. You have sent " + std::to_string(count) + ".");
}
SqsError BatchEntryIdsNotDistinct(const std::string& id) {
  return Make("BatchEntryIdsNotDistinct", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", 400,
              "Id " + id + " repeated.");
}
SqsError BatchRequestTooLong(size_t bytes, size_t limit) {
  return Make("BatchRequestTooLong", "AWS.SimpleQueueService.BatchRequestTooLong", 400,
              "Batch requests cannot be longer than " + std::to_string(limit) +
                  " bytes. You have sent " + std::to_string(bytes) + " bytes.");
}
SqsError InvalidBatchEntryId(const std::string& id) {
  return Make("InvalidBatchEntryId", "AWS.SimpleQueueService.InvalidBatchEntryId", 400,
              "A batch entry id can only contain alphanumeric characters, hyphens and "
              "underscores. It can be at most 80 letters long (got \"" +
                  id + "\").");
}
SqsError InvalidAction(const std::string& action) {
  return Make("InvalidAction", "InvalidAction", 400,
              "The action " + action + " is not valid for this endpoint.");
}
SqsError UnsupportedOperation(const std::string& action) {
  return Make("UnsupportedOperation", "AWS.SimpleQueueService.UnsupportedOperation", 400,
              "kumo does not support the SQS action " + action + ".");
}
SqsError MalformedRequest(std::string message) {
  return Make("MalformedQueryString", "MalformedQueryString", 400, std::move(message));
}
SqsError InternalFailure(std::string message) {
  return Make("InternalFailure", "InternalFailure", 500, std::move(message));
}

net::HttpResponse JsonErrorResponse(const SqsError& error, const std::string& request_id) {
  boost::json::object body;
  body["__type"] = "com.amazonaws.sqs#" + error.type;
  body["message"] = error.message;
  net::HttpResponse r;
  r.status = error.status;
  r.headers.emplace_back("Content-Type", "application/x-amz-json-1.0");
  r.headers.emplace_back("x-amzn-RequestId", request_id);
  r.headers.emplace_back("x-amzn-query-error",
                         error.query_code + (error.sender_fault ? ";Sender" : ";Receiver"));
  r.body = boost::json::serialize(body);
  return r;
}

net::HttpResponse XmlErrorResponse(const SqsError& error, const std::string& request_id) {
  XmlWriter xml;
  xml.Declaration();
  xml.Open("ErrorResponse", kSqsXmlNamespace);
  xml.Open("Error");
  xml.Element("Type", error.sender_fault ? "Sender" : "Receiver");
  xml.Element("Code", error.query_code);
  xml.Element("Message", error.message);
  xml.Element("Detail", "");
  xml.Close("Error");
  xml.Element("RequestId", request_id);
  xml.Close("ErrorResponse");
  net::HttpResponse r;
  r.status = error.status;
  r.headers.emplace_back("Content-Type", "text/xml");
  r.headers.emplace_back("x-amzn-RequestId", request_id);
  r.body = xml.Take();
  return r;
}

}  // namespace kumo::api::sqs
