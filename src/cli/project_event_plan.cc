#include "cli/project_event_plan.h"

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "cli/project_event_sources.h"
#include "cli/project_plan.h"
#include "cli/project_queues.h"

namespace kumo::cli {
namespace {

namespace json = boost::json;
using Kind = EventStep::Kind;
using Resource = EventStep::Resource;

EventStep NewStep(Resource resource, Kind kind, std::string name) {
  EventStep step;
  step.resource = resource;
  step.kind = kind;
  step.name = std::move(name);
  return step;
}

// Marks `step` as an update when anything changed, as unchanged otherwise.
void Settle(EventStep& step) {
  step.kind = step.changes.empty() ? Kind::kUnchanged : Kind::kUpdate;
}

std::string Attribute(const DeployedQueue& queue, const char* name) {
  auto it = queue.attributes.find(name);
  return it == queue.attributes.end() ? "" : it->second;
}

// The dead-letter queue's name and maxReceiveCount of a RedrivePolicy attribute; {"", 0} if none.
std::pair<std::string, int> Redrive(const std::string& policy) {
  boost::system::error_code ec;
  json::value value = json::parse(policy, ec);
  if (ec || !value.is_object()) return {"", 0};
  const json::object& o = value.as_object();
  std::string queue;
  if (const json::value* arn = o.if_contains("deadLetterTargetArn"); arn && arn->is_string()) {
    queue = QueueNameOfArn(arn->as_string()).value_or("");
  }
  int count = 0;
  if (const json::value* n = o.if_contains("maxReceiveCount")) {
    if (n->is_int64()) count = static_cast<int>(n->as_int64());
    if (n->is_string()) count = std::atoi(n->as_string().c_str());
  }
  return {queue, count};
}

void CompareQueue(const QueueSpec& spec, const DeployedQueue& deployed, EventStep& step) {
  auto compare = [&](const char* attribute, int wanted, const char* change) {
    if (Attribute(deployed, attribute) != std::to_string(wanted)) step.changes.push_back(change);
  };
  compare("VisibilityTimeout", spec.visibility_timeout_s, "visibilityTimeout");
  compare("DelaySeconds", spec.delay_s, "delaySeconds");
  compare("MessageRetentionPeriod", spec.retention_s, "retention");
  compare("MaximumMessageSize", spec.max_message_bytes, "maxMessageSize");
  compare("ReceiveMessageWaitTimeSeconds", spec.receive_wait_s, "receiveWaitTime");
  std::pair<std::string, int> wanted{spec.dead_letter_queue,
                                     spec.dead_letter_queue.empty() ? 0 : spec.max_receive_count};
  if (Redrive(Attribute(deployed, "RedrivePolicy")) != wanted) {
    step.changes.push_back("deadLetterQueue");
  }
}

Status PlanQueues(const ProjectSpec& project, const EventSnapshot& server, EventPlan& plan) {
  std::map<std::string, const DeployedQueue*> deployed;
  for (const DeployedQueue& q : server.queues) deployed[q.name] = &q;
  for (const QueueSpec* spec : DeadLettersFirst(project.queues)) {
    EventStep step = NewStep(Resource::kQueue, Kind::kCreate, spec->name);
    step.queue_spec = spec;
    if (auto it = deployed.find(spec->name); it != deployed.end()) {
      if (it->second->project != project.name) {
        return MakeError(ErrorCode::kConflict,
                         "queue \"" + spec->name +
                             "\" already exists and is not part of project \"" + project.name +
                             "\" (it has no tag " + kProjectTagKey + "=" + project.name +
                             "); rename the queue in the file or delete the "
                             "existing one");
      }
      step.id = it->second->url;
      CompareQueue(*spec, *it->second, step);
      Settle(step);
    }
    plan.queues.push_back(std::move(step));
  }
  // Removed queues, each before the dead-letter queue it sends to.
  std::vector<const DeployedQueue*> removed;
  for (const DeployedQueue& q : server.queues) {
    bool in_file = std::any_of(project.queues.begin(), project.queues.end(),
                               [&](const QueueSpec& s) { return s.name == q.name; });
    if (q.project == project.name && !in_file) removed.push_back(&q);
  }
  while (!removed.empty()) {
    auto source = std::find_if(removed.begin(), removed.end(), [&](const DeployedQueue* q) {
      return std::none_of(removed.begin(), removed.end(), [&](const DeployedQueue* other) {
        return Redrive(Attribute(*other, "RedrivePolicy")).first == q->name && other != q;
      });
    });
    if (source == removed.end()) source = removed.begin();  // a loop made by hand
    EventStep step = NewStep(Resource::kQueue, Kind::kDelete, (*source)->name);
    step.id = (*source)->url;
    plan.queue_deletions.push_back(std::move(step));
    removed.erase(source);
  }
  return Ok();
}

void PlanAsync(const ProjectSpec& project, const std::set<std::string>& ours,
               const EventSnapshot& server, EventPlan& plan) {
  std::map<std::string, const DeployedAsync*> deployed;
  for (const DeployedAsync& a : server.asyncs) deployed[a.function] = &a;
  for (const FunctionSpec& spec : project.functions) {
    auto it = deployed.find(spec.name);
    const DeployedAsync* current = it == deployed.end() ? nullptr : it->second;
    EventStep step = NewStep(Resource::kAsync, Kind::kCreate, spec.name);
    step.function = &spec;
    if (!spec.async) {
      if (current) plan.deletions.push_back(NewStep(Resource::kAsync, Kind::kDelete, spec.name));
      continue;
    }
    if (current) {
      const AsyncSpec& a = *spec.async;
      if (a.maximum_retry_attempts.value_or(2) != current->maximum_retry_attempts) {
        step.changes.push_back("maximumRetryAttempts");
      }
      if (a.maximum_event_age_s.value_or(21600) != current->maximum_event_age_s) {
        step.changes.push_back("maximumEventAge");
      }
      if (a.on_success != current->on_success || a.on_failure != current->on_failure) {
        step.changes.push_back("destinations");
      }
      Settle(step);
    }
    plan.after_functions.push_back(std::move(step));
  }
  for (const DeployedAsync& a : server.asyncs) {
    bool in_file = std::any_of(project.functions.begin(), project.functions.end(),
                               [&](const FunctionSpec& f) { return f.name == a.function; });
    if (!in_file && ours.count(a.function)) {
      plan.deletions.push_back(NewStep(Resource::kAsync, Kind::kDelete, a.function));
    }
  }
}

void CompareMapping(const SqsEventSpec& spec, const DeployedMapping& m, EventStep& step) {
  if (spec.batch_size != m.batch_size) step.changes.push_back("batchSize");
  if (spec.batching_window_s != m.batching_window_s) step.changes.push_back("batchWindow");
  if (spec.report_batch_item_failures != m.report_batch_item_failures) {
    step.changes.push_back("reportBatchItemFailures");
  }
  if (spec.enabled != m.enabled) step.changes.push_back("enabled");
}

void PlanMappings(const ProjectSpec& project, const std::set<std::string>& ours,
                  const EventSnapshot& server, EventPlan& plan) {
  std::set<std::string> used;  // UUIDs matched to an event of the file
  for (const FunctionSpec& spec : project.functions) {
    for (const SqsEventSpec& event : spec.sqs_events) {
      EventStep step = NewStep(Resource::kMapping, Kind::kCreate, spec.name);
      step.queue = event.queue;
      step.mapping_spec = &event;
      step.function = &spec;
      for (const DeployedMapping& m : server.mappings) {
        if (m.function != spec.name || m.queue != event.queue || used.count(m.uuid)) continue;
        used.insert(m.uuid);
        step.id = m.uuid;
        CompareMapping(event, m, step);
        Settle(step);
        break;
      }
      plan.after_functions.push_back(std::move(step));
    }
  }
  for (const DeployedMapping& m : server.mappings) {
    if (used.count(m.uuid) || !ours.count(m.function)) continue;
    EventStep step = NewStep(Resource::kMapping, Kind::kDelete, m.function);
    step.queue = m.queue;
    step.id = m.uuid;
    plan.deletions.push_back(std::move(step));
  }
}

void CompareSchedule(const std::string& project, const FunctionSpec& function,
                     const ScheduleSpec& spec, const DeployedSchedule& s, EventStep& step) {
  if (spec.expression != s.expression) step.changes.push_back("expression");
  if (spec.timezone != s.timezone) step.changes.push_back("timezone");
  if (spec.input != s.input) step.changes.push_back("input");
  if ((spec.enabled ? "ENABLED" : "DISABLED") != s.state) step.changes.push_back("enabled");
  if (ScheduleDescription(project, spec) != s.description) step.changes.push_back("description");
  if (spec.missed != s.missed) step.changes.push_back("missed");
  if (function.name != s.function) step.changes.push_back("target");
}

Status PlanSchedules(const ProjectSpec& project, const EventSnapshot& server, EventPlan& plan) {
  std::map<std::string, const DeployedSchedule*> deployed;
  for (const DeployedSchedule& s : server.schedules) deployed[s.name] = &s;
  std::set<std::string> wanted;
  for (const FunctionSpec& function : project.functions) {
    for (const ScheduleSpec& spec : function.schedules) {
      wanted.insert(spec.name);
      EventStep step = NewStep(Resource::kSchedule, Kind::kCreate, spec.name);
      step.schedule_spec = &spec;
      step.function = &function;
      if (auto it = deployed.find(spec.name); it != deployed.end()) {
        if (!BelongsTo(it->second->description, project.name)) {
          return MakeError(ErrorCode::kConflict,
                           spec.position + ": schedule \"" + spec.name +
                               "\" already exists and is not part of project \"" + project.name +
                               "\" (its description does not start with " +
                               ProjectTag(project.name) + "); give the schedule another name:");
        }
        CompareSchedule(project.name, function, spec, *it->second, step);
        Settle(step);
      }
      plan.after_functions.push_back(std::move(step));
    }
  }
  for (const DeployedSchedule& s : server.schedules) {
    if (!wanted.count(s.name) && BelongsTo(s.description, project.name)) {
      plan.deletions.push_back(NewStep(Resource::kSchedule, Kind::kDelete, s.name));
    }
  }
  return Ok();
}

}  // namespace

std::string ScheduleDescription(const std::string& project, const ScheduleSpec& spec) {
  std::string tag = ProjectTag(project);
  return spec.description.empty() ? tag : tag + " " + spec.description;
}

Result<EventPlan> MakeEventPlan(const ProjectSpec& project, const std::vector<std::string>& ours,
                                const EventSnapshot& server) {
  EventPlan plan;
  std::set<std::string> our_functions(ours.begin(), ours.end());
  KUMO_RETURN_IF_ERROR(PlanQueues(project, server, plan));
  PlanAsync(project, our_functions, server, plan);
  PlanMappings(project, our_functions, server, plan);
  KUMO_RETURN_IF_ERROR(PlanSchedules(project, server, plan));
  // Deletions: schedules, then mappings, then async settings.
  std::stable_sort(plan.deletions.begin(), plan.deletions.end(),
                   [](const EventStep& a, const EventStep& b) {
                     auto rank = [](Resource r) {
                       return r == Resource::kSchedule ? 0 : r == Resource::kMapping ? 1 : 2;
                     };
                     return rank(a.resource) < rank(b.resource);
                   });
  return plan;
}

std::string StepLine(const EventStep& step) {
  std::string what;
  switch (step.resource) {
    case Resource::kQueue:
      what = "queue " + step.name;
      break;
    case Resource::kAsync:
      what = "async-config " + step.name;
      break;
    case Resource::kMapping:
      what = "sqs " + step.queue + " -> " + step.name;
      break;
    case Resource::kSchedule:
      what = "schedule " + step.name;
      break;
  }
  switch (step.kind) {
    case Kind::kCreate:
      return "+ " + what + " (created)";
    case Kind::kDelete:
      return "- " + what + " (deleted)";
    case Kind::kUnchanged:
      return "= " + what + " (unchanged)";
    case Kind::kUpdate:
      break;
  }
  std::string changes;
  for (const std::string& change : step.changes) changes += (changes.empty() ? "" : ", ") + change;
  return "~ " + what + " (" + changes + ")";
}

}  // namespace kumo::cli
