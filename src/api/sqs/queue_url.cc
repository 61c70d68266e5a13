#include "api/sqs/queue_url.h"

#include "common/arn.h"

namespace kumo::api::sqs {

bool ValidQueueName(std::string_view name) {
  if (name.empty() || name.size() > 80) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string MakeQueueUrl(std::string_view host, std::string_view account_id,
                         std::string_view name) {
  std::string url = "http://";
  url += host.empty() ? std::string_view("localhost") : host;
  url += '/';
  url += account_id;
  url += '/';
  url += name;
  return url;
}

std::string MakeQueueArn(std::string_view region, std::string_view account_id,
                         std::string_view name) {
  std::string arn = "arn:aws:sqs:";
  arn += region;
  arn += ':';
  arn += account_id;
  arn += ':';
  arn += name;
  return arn;
}

std::optional<std::string> QueueNameFromUrl(std::string_view url) {
  size_t query = url.find_first_of("?#");
  if (query != std::string_view::npos) url = url.substr(0, query);
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  size_t slash = url.rfind('/');
  std::string_view name = slash == std::string_view::npos ? url : url.substr(slash + 1);
  if (!ValidQueueName(name)) return std::nullopt;
  return std::string(name);
}

std::optional<std::string> QueueNameFromArn(std::string_view text) {
  std::optional<Arn> arn = ParseArn(text);
  if (!arn || arn->service != "sqs" || !ValidQueueName(arn->resource)) return std::nullopt;
  return arn->resource;
}

}  // namespace kumo::api::sqs
