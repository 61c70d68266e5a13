#include "api/sqs/queue_attributes.h"

#include <boost/json.hpp>

#include "api/sqs/params.h"
#include "api/sqs/queue_url.h"

namespace kumo::api::sqs {
namespace json = boost::json;
namespace {

struct IntAttribute {
  const char* name;
  int store::QueueConfig::*field;
  int min;
  int max;
};
constexpr IntAttribute kIntAttributes[] = {
    {"DelaySeconds", &store::QueueConfig::delay_s, 0, 900},
    {"MaximumMessageSize", &store::QueueConfig::max_message_bytes, 1024, 262144},
    {"MessageRetentionPeriod", &store::QueueConfig::retention_s, 60, 1209600},
    {"ReceiveMessageWaitTimeSeconds", &store::QueueConfig::receive_wait_s, 0, 20},
    {"VisibilityTimeout", &store::QueueConfig::visibility_timeout_s, 0, 43200},
};
// Settable attributes kumo keeps and reports but does not act on.
constexpr const char* kKeptAttributes[] = {"Policy", "KmsMasterKeyId",
                                           "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled",
                                           "RedriveAllowPolicy"};
// Read-only attributes (GetQueueAttributes only).
constexpr const char* kReadOnlyAttributes[] = {"QueueArn",
                                               "ApproximateNumberOfMessages",
                                               "ApproximateNumberOfMessagesNotVisible",
                                               "ApproximateNumberOfMessagesDelayed",
                                               "CreatedTimestamp",
                                               "LastModifiedTimestamp"};

SqsError BadValue(const std::string& name, const std::string& reason = "") {
  return InvalidAttributeValue("Invalid value for the parameter " + name + "." +
                               (reason.empty() ? "" : " Reason: " + reason));
}

SqsResult<std::optional<store::RedrivePolicy>> ParseRedrive(
    const std::string& text, const std::function<bool(const std::string&)>& queue_exists) {
  if (text.empty()) return std::optional<store::RedrivePolicy>();
  boost::system::error_code ec;
  json::value parsed = json::parse(text, ec);
  if (ec || !parsed.is_object()) return BadValue("RedrivePolicy", "Redrive policy is not JSON.");
  const json::object& o = parsed.as_object();
  const json::value* arn = o.if_contains("deadLetterTargetArn");
  if (!arn || !arn->is_string()) {
    return BadValue("RedrivePolicy", "Redrive policy does not contain deadLetterTargetArn.");
  }
  std::optional<std::string> target = QueueNameFromArn(arn->as_string());
  if (!target || !queue_exists(*target)) {
    return BadValue("RedrivePolicy", "Dead-letter target does not exist.");
  }
  SqsResult<std::optional<int64_t>> count = OptionalInt(o, "maxReceiveCount", 1, 1000);
  if (!count.ok() || !count.value()) {
    return BadValue("RedrivePolicy", "Value of maxReceiveCount must be between 1 and 1000.");
  }
  return std::optional<store::RedrivePolicy>(
      store::RedrivePolicy{*target, static_cast<int>(*count.value())});
}

template <size_t N>
bool Contains(const char* const (&list)[N], const std::string& name) {
  for (const char* item : list) {
    if (name == item) return true;
  }
  return false;
}

}  // namespace

SqsResult<bool> ApplyQueueAttributes(const std::map<std::string, std::string>& attributes,
                                     const std::function<bool(const std::string&)>& queue_exists,
                                     store::QueueConfig* config) {
  store::QueueConfig updated = *config;
  for (const auto& [name, value] : attributes) {
    const IntAttribute* int_attribute = nullptr;
    for (const IntAttribute& a : kIntAttributes) {
      if (name == a.name) int_attribute = &a;
    }
    if (int_attribute) {
      std::optional<int64_t> n = ParseInt(value);
      if (!n || *n < int_attribute->min || *n > int_attribute->max) return BadValue(name);
      updated.*(int_attribute->field) = static_cast<int>(*n);
    } else if (name == "RedrivePolicy") {
      SqsResult<std::optional<store::RedrivePolicy>> redrive = ParseRedrive(value, queue_exists);
      if (!redrive.ok()) return redrive.error();
      updated.redrive = redrive.value();
    } else if (Contains(kKeptAttributes, name)) {
      if (value.empty()) {
        updated.other_attributes.erase(name);
      } else {
        updated.other_attributes[name] = value;
      }
    } else if (name == "FifoQueue") {
      if (value == "true") return BadValue(name, "FIFO queues are not supported by kumo yet.");
    } else {
      return InvalidAttributeName("Unknown Attribute " + name + ".");
    }
  }
  *config = std::move(updated);
  return true;
}

std::string RedrivePolicyJson(const store::RedrivePolicy& policy, const ArnParts& arn) {
  json::object o;
  o["deadLetterTargetArn"] = MakeQueueArn(arn.region, arn.account_id, policy.dead_letter_queue);
  o["maxReceiveCount"] = policy.max_receive_count;
  return json::serialize(o);
}

std::vector<std::pair<std::string, std::string>> QueueAttributeValues(
    const store::QueueConfig& config, const store::QueueCounts& counts, const ArnParts& arn) {
  std::vector<std::pair<std::string, std::string>> out = {
      {"QueueArn", MakeQueueArn(arn.region, arn.account_id, config.name)},
      {"ApproximateNumberOfMessages", std::to_string(counts.visible)},
      {"ApproximateNumberOfMessagesNotVisible", std::to_string(counts.in_flight)},
      {"ApproximateNumberOfMessagesDelayed", std::to_string(counts.delayed)},
      {"CreatedTimestamp", std::to_string(config.created_ms / 1000)},
      {"LastModifiedTimestamp", std::to_string(config.modified_ms / 1000)},
  };
  for (const IntAttribute& a : kIntAttributes) {
    out.emplace_back(a.name, std::to_string(config.*(a.field)));
  }
  if (config.redrive) out.emplace_back("RedrivePolicy", RedrivePolicyJson(*config.redrive, arn));
  for (const auto& [name, value] : config.other_attributes) out.emplace_back(name, value);
  return out;
}

SqsResult<std::vector<std::pair<std::string, std::string>>> SelectQueueAttributes(
    std::vector<std::pair<std::string, std::string>> all, const std::vector<std::string>& names) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& name : names) {
    if (name == "All") return all;
  }
  for (const std::string& name : names) {
    bool known = Contains(kReadOnlyAttributes, name) || Contains(kKeptAttributes, name) ||
                 name == "RedrivePolicy";
    for (const IntAttribute& a : kIntAttributes) known = known || name == a.name;
    if (!known) return InvalidAttributeName("Unknown Attribute " + name + ".");
    bool taken = false;
    for (const auto& item : out) taken = taken || item.first == name;
    for (const auto& item : all) {
      if (item.first == name && !taken) out.push_back(item);
    }
  }
  return out;
}

}  // namespace kumo::api::sqs
