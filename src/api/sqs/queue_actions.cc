// The queue actions of SqsService: create, delete, list, URLs, attributes, purge and tags.

#include <algorithm>

#include "api/sqs/params.h"
#include "api/sqs/queue_url.h"
#include "api/sqs/sqs_service.h"
#include "common/encoding.h"

namespace kumo::api::sqs {
namespace json = boost::json;
namespace {

constexpr size_t kMaxTags = 50;
constexpr int kMaxListResults = 1000;

json::array UrlArray(const std::vector<std::string>& names, const std::string& host,
                     const std::string& account_id) {
  json::array out;
  for (const std::string& name : names)
    out.push_back(json::value(MakeQueueUrl(host, account_id, name)));
  return out;
}

// Keeps `names` after the position a NextToken encodes, at most `max` of them; sets
// `next_token` when more remain.
SqsResult<std::vector<std::string>> Page(std::vector<std::string> names,
                                         const std::optional<std::string>& token,
                                         std::optional<int64_t> max, std::string* next_token) {
  if (token && !token->empty()) {
    std::optional<std::string> after = Base64Decode(*token);
    if (!after) return InvalidParameterValue("Invalid NextToken.");
    names.erase(names.begin(), std::upper_bound(names.begin(), names.end(), *after));
  }
  size_t limit = max ? static_cast<size_t>(*max) : kMaxListResults;
  if (names.size() > limit) {
    names.resize(limit);
    if (max) *next_token = Base64Encode(names.back());
  }
  return names;
}

SqsResult<std::map<std::string, std::string>> TagsOf(const json::object& in, const char* name) {
  SqsResult<std::map<std::string, std::string>> tags = StringMap(in, name);
  if (!tags.ok()) return tags.error();
  for (const auto& [key, value] : tags.value()) {
    if (key.empty() || key.size() > 128 || value.size() > 256) {
      return InvalidParameterValue(
          "Tag keys must be 1 to 128 characters and values at most "
          "256.");
    }
  }
  return tags;
}

}  // namespace

SqsResult<json::object> SqsService::CreateQueue(const json::object& in, const CallContext& ctx) {
  SqsResult<std::string> name = RequiredString(in, "QueueName");
  if (!name.ok()) return name.error();
  if (!ValidQueueName(name.value())) {
    if (name.value().size() > 5 && name.value().ends_with(".fifo")) {
      return InvalidParameterValue("FIFO queues are not supported by kumo yet.");
    }
    return InvalidParameterValue(
        "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length");
  }
  SqsResult<std::map<std::string, std::string>> attributes = StringMap(in, "Attributes");
  if (!attributes.ok()) return attributes.error();
  // The JSON protocol calls the member "tags"; the query protocol's Tag.N becomes "Tags".
  SqsResult<std::map<std::string, std::string>> tags =
      TagsOf(in, in.contains("tags") ? "tags" : "Tags");
  if (!tags.ok()) return tags.error();
  if (tags.value().size() > kMaxTags) return InvalidParameterValue("Too many tags (at most 50).");
  store::QueueConfig config;
  config.name = name.value();
  SqsResult<bool> applied = ApplyQueueAttributes(
      attributes.value(), [this](const std::string& q) { return QueueExists(q); }, &config);
  if (!applied.ok()) return applied.error();
  config.tags = tags.value();
  kumo::Result<store::QueueConfig> created = queues_.CreateQueue(std::move(config), clock_());
  if (!created.ok()) return FromStoreError(created.error());
  json::object out;
  out["QueueUrl"] = MakeQueueUrl(ctx.host, arn_.account_id, created->name);
  return out;
}

SqsResult<json::object> SqsService::DeleteQueue(const json::object& in, const CallContext& ctx) {
  SqsResult<store::QueueConfig> queue = ResolveQueue(in, ctx);
  if (!queue.ok()) return queue.error();
  if (Status s = queues_.DeleteQueue(queue.value().name); !s.ok()) return FromStoreError(s.error());
  return json::object();
}

SqsResult<json::object> SqsService::ListQueues(const json::object& in, const CallContext& ctx) {
  SqsResult<std::optional<std::string>> prefix = OptionalString(in, "QueueNamePrefix");
  SqsResult<std::optional<std::string>> token = OptionalString(in, "NextToken");
  SqsResult<std::optional<int64_t>> max = OptionalInt(in, "MaxResults", 1, kMaxListResults);
  if (!prefix.ok()) return prefix.error();
  if (!token.ok()) return token.error();
  if (!max.ok()) return max.error();
  std::string p = prefix.value().value_or("");
  if (!p.empty() && p[0] == '~') return json::object();  // internal queues are not SQS's
  std::string next_token;
  SqsResult<std::vector<std::string>> names =
      Page(queues_.ListQueues(p), token.value(), max.value(), &next_token);
  if (!names.ok()) return names.error();
  json::object out;
  if (!names.value().empty()) {
    out["QueueUrls"] = UrlArray(names.value(), ctx.host, arn_.account_id);
  }
  if (!next_token.empty()) out["NextToken"] = next_token;
  return out;
}

SqsResult<json::object> SqsService::GetQueueUrl(const json::object& in, const CallContext& ctx) {
  SqsResult<std::string> name = RequiredString(in, "QueueName");
  if (!name.ok()) return name.error();
  if (!QueueExists(name.value())) return QueueDoesNotExist();
  json::object out;
  out["QueueUrl"] = MakeQueueUrl(ctx.host, arn_.account_id, name.value());
  return out;
}

SqsResult<json::object> SqsService::GetQueueAttributes(const json::object& in,
                                                       const CallContext& ctx) {
  SqsResult<store::QueueConfig> queue = ResolveQueue(in, ctx);
  if (!queue.ok()) return queue.error();
  SqsResult<std::vector<std::string>> names = StringList(in, "AttributeNames");
  if (!names.ok()) return names.error();
  kumo::Result<store::QueueCounts> counts = queues_.Counts(queue.value().name, clock_());
  if (!counts.ok()) return FromStoreError(counts.error());
  SqsResult<std::vector<std::pair<std::string, std::string>>> selected = SelectQueueAttributes(
      QueueAttributeValues(queue.value(), counts.value(), arn_), names.value());
  if (!selected.ok()) return selected.error();
  json::object out;
  if (!selected.value().empty()) {
    json::object attributes;
    for (const auto& [name, value] : selected.value()) attributes[name] = value;
    out["Attributes"] = std::move(attributes);
  }
  return out;
}

SqsResult<json::object> SqsService::SetQueueAttributes(const json::object& in,
                                                       const CallContext& ctx) {
  SqsResult<store::QueueConfig> queue = ResolveQueue(in, ctx);
  if (!queue.ok()) return queue.error();
  SqsResult<std::map<std::string, std::string>> attributes = StringMap(in, "Attributes");
  if (!attributes.ok()) return attributes.error();
  if (attributes.value().empty()) return MissingParameter("Attributes");
  store::QueueConfig config = std::move(queue).value();
  SqsResult<bool> applied = ApplyQueueAttributes(
      attributes.value(), [this](const std::string& q) { return QueueExists(q); }, &config);
  if (!applied.ok()) return applied.error();
  if (Status s = queues_.SetConfig(config, clock_()); !s.ok()) return FromStoreError(s.error());
  return json::object();
}

SqsResult<json::object> SqsService::PurgeQueue(const json::object& in, const CallContext& ctx) {
  SqsResult<store::QueueConfig> queue = ResolveQueue(in, ctx);
  if (!queue.ok()) return queue.error();
  if (Status s = queues_.Purge(queue.value().name); !s.ok()) return FromStoreError(s.error());
  return json::object();
}

SqsResult<json::object> SqsService::ListDeadLetterSourceQueues(const json::object& in,
                                                               const CallContext& ctx) {
  SqsResult<store::QueueConfig> queue = ResolveQueue(in, ctx);
  if (!queue.ok()) return queue.error();
  SqsResult<std::optional<std::string>> token = OptionalString(in, "NextToken");
  SqsResult<std::optional<int64_t>> max = OptionalInt(in, "MaxResults", 1, kMaxListResults);
  if (!token.ok()) return token.error();
  if (!max.ok()) return max.error();
  std::vector<std::string> sources;
  for (const std::string& name : queues_.ListQueues("")) {
    kumo::Result<store::QueueConfig> config = queues_.GetQueue(name);
    if (config.ok() && config->redrive &&
        config->redrive->dead_letter_queue == queue.value().name) {
      sources.push_back(name);
    }
  }
  std::string next_token;
  SqsResult<std::vector<std::string>> page = Page(sources, token.value(), max.value(), &next_token);
  if (!page.ok()) return page.error();
  json::object out;
  out["queueUrls"] = UrlArray(page.value(), ctx.host, arn_.account_id);
  if (!next_token.empty()) out["NextToken"] = next_token;
  return out;
}

SqsResult<json::object> SqsService::TagQueue(const json::object& in, const CallContext& ctx) {
  SqsResult<store::QueueConfig> queue = ResolveQueue(in, ctx);
  if (!queue.ok()) return queue.error();
  SqsResult<std::map<std::string, std::string>> tags = TagsOf(in, "Tags");
  if (!tags.ok()) return tags.error();
  if (tags.value().empty()) return MissingParameter("Tags");
  store::QueueConfig config = std::move(queue).value();
  for (const auto& [key, value] : tags.value()) config.tags[key] = value;
  if (config.tags.size() > kMaxTags) return InvalidParameterValue("Too many tags (at most 50).");
  if (Status s = queues_.SetConfig(config, clock_()); !s.ok()) return FromStoreError(s.error());
  return json::object();
}

SqsResult<json::object> SqsService::UntagQueue(const json::object& in, const CallContext& ctx) {
  SqsResult<store::QueueConfig> queue = ResolveQueue(in, ctx);
  if (!queue.ok()) return queue.error();
  SqsResult<std::vector<std::string>> keys = StringList(in, "TagKeys");
  if (!keys.ok()) return keys.error();
  if (keys.value().empty()) return MissingParameter("TagKeys");
  store::QueueConfig config = std::move(queue).value();
  for (const std::string& key : keys.value()) config.tags.erase(key);
  if (Status s = queues_.SetConfig(config, clock_()); !s.ok()) return FromStoreError(s.error());
  return json::object();
}

SqsResult<json::object> SqsService::ListQueueTags(const json::object& in, const CallContext& ctx) {
  SqsResult<store::QueueConfig> queue = ResolveQueue(in, ctx);
  if (!queue.ok()) return queue.error();
  json::object out;
  if (!queue.value().tags.empty()) {
    json::object tags;
    for (const auto& [key, value] : queue.value().tags) tags[key] = value;
    out["Tags"] = std::move(tags);
  }
  return out;
}

}  // namespace kumo::api::sqs
