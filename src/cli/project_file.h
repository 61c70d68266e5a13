#pragma once
// What a kumo.yaml describes, and the parser that reads it. The file is close to serverless.yml:
// a `functions:` map whose entries name their code folder, runtime settings and events (HTTP
// routes, `- sqs:` queues, `- schedule:`s) and async `destinations:`, plus optional `queues:`,
// gateway-wide `cors:` and JWT `authorizers:`. Every mistake is reported as
// "FILE:LINE:COL: what is wrong (what was expected)". Pure apart from checking that code
// folders exist; single-threaded.

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace kumo::cli {

struct RateLimitSpec {
  double requests_per_second = 0;
  double burst = 0;
  bool operator==(const RateLimitSpec&) const = default;
};

// One entry of the gateway's route table as PUT /kumo/v1/functions/N/routes takes it.
struct RouteSpec {
  std::string route_key;      // "GET /items/{id}" or "$default"
  std::string auth = "none";  // "none", "api_key" or "jwt:<authorizer>"
  std::optional<RateLimitSpec> rate_limit;
  bool operator==(const RouteSpec&) const = default;
};

// One queue of `queues:`, created by the deploy and tagged with the project. Settings the file
// leaves out take SQS's defaults, so deleting a line resets the setting on the server too.
struct QueueSpec {
  std::string name;
  int visibility_timeout_s = 30;
  int delay_s = 0;
  int retention_s = 345600;  // 4 days
  int max_message_bytes = 262144;
  int receive_wait_s = 0;
  std::string dead_letter_queue;  // a queue of this file; empty: no redrive policy
  int max_receive_count = 0;
};

// One `- sqs:` event: an event source mapping from a queue to the function.
struct SqsEventSpec {
  std::string queue;  // the queue's name: one of this file's, or the last part of an ARN given
  int batch_size = 10;
  int batching_window_s = 0;
  bool report_batch_item_failures = false;
  bool enabled = true;
  bool operator==(const SqsEventSpec&) const = default;
};

// One schedule of a `- schedule:` event (EventBridge Scheduler), targeting the function.
struct ScheduleSpec {
  std::string name;        // `name:` or "<project>-<function>-<n>"
  std::string expression;  // rate(...), cron(...) or at(...), checked by the server
  std::string timezone;
  std::string input;  // the JSON text sent as the event; empty: Scheduler's default event
  bool enabled = true;
  std::string description;  // the user's; the project tag is added by the planner
  std::string missed;       // "", "skip" or "run-once"
  std::string position;     // "FILE:LINE:COL" of the event, for the server's errors
};

// EventInvokeConfig (asynchronous invocations). Destinations are kept as "sqs:NAME",
// "lambda:NAME" or, for other services, the ARN as given.
struct AsyncSpec {
  std::optional<int> maximum_retry_attempts;
  std::optional<int> maximum_event_age_s;
  std::string on_success, on_failure;
};

// One function of the project. Settings the file leaves out take Lambda's defaults, so that
// deleting a line from the file resets the setting on the server too.
struct FunctionSpec {
  std::string name;
  std::string runtime;
  std::string handler;             // may be empty for provided.* and http runtimes
  std::filesystem::path code_dir;  // absolute
  int memory_mb = 128;
  int timeout_s = 3;
  std::map<std::string, std::string> environment;
  std::string description;  // the user's; the project tag is added by the planner
  std::optional<int> reserved_concurrency;
  int keep_alive_s = 0;                  // 0: the server's default
  std::vector<RouteSpec> routes;         // sorted by route_key
  std::vector<SqsEventSpec> sqs_events;  // sorted by queue
  std::vector<ScheduleSpec> schedules;   // in the file's order
  std::optional<AsyncSpec> async;        // set when the file sets any of its keys
};

struct CorsSpec {
  std::vector<std::string> allow_origins, allow_methods, allow_headers, expose_headers;
  bool allow_credentials = false;
  int max_age = 0;
  bool operator==(const CorsSpec&) const = default;
};

struct AuthorizerSpec {
  std::string name;
  std::string issuer;
  std::vector<std::string> audience;
  std::string hs256_secret;  // one of these two
  std::string jwks_file;     // absolute
};

struct ProjectSpec {
  std::string name;
  std::vector<FunctionSpec> functions;  // sorted by name
  std::vector<QueueSpec> queues;        // sorted by name
  std::optional<CorsSpec> cors;
  std::vector<AuthorizerSpec> authorizers;  // sorted by name
};

// Looks up ${env:NAME}; nullopt when NAME is unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// The process environment, for EnvLookup.
std::optional<std::string> ProcessEnv(const std::string& name);

// Parses kumo.yaml text. `label` prefixes error locations (the path as the user named it);
// relative `code:` and `jwksFile:` paths are resolved against `base_dir`, whose last component
// is also the project name when the file sets none.
Result<ProjectSpec> ParseProject(std::string_view text, std::string_view label,
                                 const std::filesystem::path& base_dir, const EnvLookup& env);

// Reads and parses the file at `path`.
Result<ProjectSpec> LoadProjectFile(const std::filesystem::path& path, const EnvLookup& env);

}  // namespace kumo::cli
