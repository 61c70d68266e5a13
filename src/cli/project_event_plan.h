#pragma once
// What `kumo deploy` must change so that the server's queues, event source mappings, schedules
// and async settings (EventInvokeConfig) match a kumo.yaml. Pure, like project_plan.h, which
// calls it. Single-threaded.
//
// Ownership, so that nothing outside the project is ever touched:
// - A queue is the project's when it carries the tag kumo-project=<project>, which the deploy
//   sets when it creates the queue (SQS has tags; the queue's name alone proves nothing). A queue
//   of the file's name without this tag is never adopted: the plan fails.
// - A schedule is the project's when its Description starts with "kumo-project:<project>"
//   (Scheduler has no tags in kumo). Default names are <project>-<function>-<n>, n counting the
//   function's schedules from 1; a `name:` from the file is owned by the same rule, and a
//   schedule of that name without the tag is never adopted. Candidates are the schedules whose
//   target is a function of the file or of the project, plus the names the file uses.
// - Event source mappings and EventInvokeConfigs have no owner of their own: they belong to
//   their function, so the project's functions' ones are the project's.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/project_file.h"
#include "common/result.h"

namespace kumo::cli {

struct DeployedQueue {
  std::string name;
  std::string url;
  std::string project;                            // the kumo-project tag; empty when untagged
  std::map<std::string, std::string> attributes;  // GetQueueAttributes All; read for ours only
};

struct DeployedMapping {
  std::string uuid;
  std::string function;
  std::string queue;  // the last part of EventSourceArn
  int batch_size = 10;
  int batching_window_s = 0;
  bool report_batch_item_failures = false;
  bool enabled = true;
};

struct DeployedSchedule {
  std::string name;
  std::string function;  // of Target.Arn
  std::string expression, timezone, input, state, description, missed;
};

struct DeployedAsync {
  std::string function;
  int maximum_retry_attempts = 2;
  int maximum_event_age_s = 21600;
  std::string on_success, on_failure;  // normalized as AsyncSpec's
};

// The event side of the server as read before planning: every queue (tags of all, attributes
// of the project's), and for the project's existing functions their mappings, schedules and
// async settings.
struct EventSnapshot {
  std::vector<DeployedQueue> queues;
  std::vector<DeployedMapping> mappings;
  std::vector<DeployedSchedule> schedules;
  std::vector<DeployedAsync> asyncs;
};

struct EventStep {
  enum class Resource { kQueue, kAsync, kMapping, kSchedule };
  enum class Kind { kCreate, kUpdate, kUnchanged, kDelete };
  Resource resource = Resource::kQueue;
  Kind kind = Kind::kUnchanged;
  std::string name;   // queue, schedule, or the function of an async config or mapping
  std::string queue;  // a mapping's queue
  std::string id;     // a queue's URL, a mapping's UUID (when it exists)
  std::vector<std::string> changes;  // what differs, for kUpdate
  const QueueSpec* queue_spec = nullptr;
  const SqsEventSpec* mapping_spec = nullptr;
  const ScheduleSpec* schedule_spec = nullptr;
  const FunctionSpec* function = nullptr;  // the async config's or mapping's or schedule's
};

// In the order they are applied: queues (dead-letter queues first) before functions; async
// settings, mappings and schedules after functions; then deletions in the reverse order:
// schedules, mappings and async settings, (functions,) and queues last, sources before their
// dead-letter queues.
struct EventPlan {
  std::vector<EventStep> queues;
  std::vector<EventStep> after_functions;
  std::vector<EventStep> deletions;
  std::vector<EventStep> queue_deletions;
};

// "kumo-project" and its value, as queues are tagged.
inline constexpr char kProjectTagKey[] = "kumo-project";
// The Description a schedule of the project is given.
std::string ScheduleDescription(const std::string& project, const ScheduleSpec& spec);

// `ours` lists the functions of the project that exist on the server (the snapshot's mappings,
// schedules and async configs concern these). Fails when a queue or schedule of the file exists
// outside the project.
Result<EventPlan> MakeEventPlan(const ProjectSpec& project, const std::vector<std::string>& ours,
                                const EventSnapshot& server);

std::string StepLine(const EventStep& step);

}  // namespace kumo::cli
