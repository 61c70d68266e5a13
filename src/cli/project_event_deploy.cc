#include "cli/project_event_deploy.h"

#include <set>

#include "cli/command_util.h"
#include "cli/error_line.h"

namespace kumo::cli {
namespace {

namespace json = boost::json;
using Kind = EventStep::Kind;
using Resource = EventStep::Resource;

// Sends a GET whose 404 means "none" (also from a server without that API): nullopt then.
Result<std::optional<std::string>> GetOptional(Transport& transport, const HttpRequest& request) {
  KUMO_ASSIGN_OR_RETURN(HttpReply reply, transport.Send(request));
  if (reply.status == 404) return std::optional<std::string>();
  if (reply.status < 200 || reply.status > 299) {
    return MakeError(ErrorCode::kInternal, DescribeErrorReply(reply, ""));
  }
  return std::optional<std::string>(std::move(reply.body));
}

Result<std::string> Send(Transport& transport, const HttpRequest& request) {
  KUMO_ASSIGN_OR_RETURN(HttpReply reply, SendExpectingSuccess(transport, request, ""));
  return std::move(reply.body);
}

Status Do(Transport& transport, const HttpRequest& request) {
  KUMO_RETURN_IF_ERROR(SendExpectingSuccess(transport, request, ""));
  return Ok();
}

std::string QueueNameOfUrl(const std::string& url) {
  std::string path = url.substr(0, url.find('?'));
  while (!path.empty() && path.back() == '/') path.pop_back();
  return path.substr(path.rfind('/') + 1);
}

Status ReadQueues(Transport& transport, const ProjectSpec& project, EventSnapshot& snapshot,
                  ArnContext& arns, bool& arns_known) {
  std::string token;
  do {
    KUMO_ASSIGN_OR_RETURN(std::optional<std::string> page,
                          GetOptional(transport, ListQueuesRequest(token)));
    if (!page) return Ok();  // a server without queues
    std::string next;
    KUMO_ASSIGN_OR_RETURN(std::vector<std::string> urls, QueueUrlsFromReply(*page, &next));
    for (const std::string& url : urls) {
      DeployedQueue queue;
      queue.name = QueueNameOfUrl(url);
      queue.url = url;
      KUMO_ASSIGN_OR_RETURN(
          std::string tags,
          Send(transport, SqsRequest("ListQueueTags", json::object{{"QueueUrl", url}})));
      KUMO_ASSIGN_OR_RETURN(auto tag_map, StringMapFromReply(tags, "Tags"));
      queue.project = tag_map.count(kProjectTagKey) ? tag_map[kProjectTagKey] : "";
      if (queue.project == project.name) {
        KUMO_ASSIGN_OR_RETURN(
            std::string reply,
            Send(transport, SqsRequest("GetQueueAttributes",
                                       json::object{{"QueueUrl", url},
                                                    {"AttributeNames", json::array{"All"}}})));
        KUMO_ASSIGN_OR_RETURN(queue.attributes, StringMapFromReply(reply, "Attributes"));
        if (!arns_known) arns_known = arns.LearnFrom(queue.attributes["QueueArn"]);
      }
      snapshot.queues.push_back(std::move(queue));
    }
    if (!next.empty() && next == token) {
      return MakeError(ErrorCode::kInternal, "the server repeated queue page token " + next);
    }
    token = next;
  } while (!token.empty());
  return Ok();
}

Status ReadFunctionEvents(Transport& transport, const std::string& function,
                          EventSnapshot& snapshot) {
  std::string marker;
  do {
    KUMO_ASSIGN_OR_RETURN(std::optional<std::string> page,
                          GetOptional(transport, ListMappingsRequest(function, marker)));
    if (!page) break;
    std::string next;
    KUMO_ASSIGN_OR_RETURN(std::vector<DeployedMapping> mappings, MappingsFromReply(*page, &next));
    for (DeployedMapping& m : mappings) snapshot.mappings.push_back(std::move(m));
    if (!next.empty() && next == marker) {
      return MakeError(ErrorCode::kInternal, "the server repeated mapping page marker " + next);
    }
    marker = next;
  } while (!marker.empty());
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> async,
                        GetOptional(transport, AsyncConfigPath("GET", function)));
  if (async) {
    KUMO_ASSIGN_OR_RETURN(DeployedAsync config, AsyncFromReply(function, *async));
    snapshot.asyncs.push_back(std::move(config));
  }
  return Ok();
}

// The schedules that target a function of the file or of the project, or that have a name the
// file uses, in full (ListSchedules leaves out the description that proves ownership).
Status ReadSchedules(Transport& transport, const ProjectSpec& project,
                     const std::vector<std::string>& ours, EventSnapshot& snapshot) {
  std::set<std::string> functions(ours.begin(), ours.end()), names;
  for (const FunctionSpec& f : project.functions) {
    functions.insert(f.name);
    for (const ScheduleSpec& s : f.schedules) names.insert(s.name);
  }
  std::string token;
  do {
    KUMO_ASSIGN_OR_RETURN(std::optional<std::string> page,
                          GetOptional(transport, ListSchedulesRequest(token)));
    if (!page) return Ok();  // a server without schedules
    std::string next;
    KUMO_ASSIGN_OR_RETURN(std::vector<DeployedSchedule> summaries,
                          ScheduleSummariesFromReply(*page, &next));
    for (const DeployedSchedule& summary : summaries) {
      if (!functions.count(summary.function) && !names.count(summary.name)) continue;
      KUMO_ASSIGN_OR_RETURN(std::optional<std::string> full,
                            GetOptional(transport, GetScheduleRequest(summary.name)));
      if (!full) continue;  // deleted meanwhile
      KUMO_ASSIGN_OR_RETURN(DeployedSchedule schedule, ScheduleFromReply(*full));
      snapshot.schedules.push_back(std::move(schedule));
    }
    if (!next.empty() && next == token) {
      return MakeError(ErrorCode::kInternal, "the server repeated schedule page token " + next);
    }
    token = next;
  } while (!token.empty());
  return Ok();
}

Status ApplyQueue(Transport& transport, const ProjectSpec& project, const EventStep& step,
                  const ArnContext& arns) {
  if (step.kind == Kind::kCreate) {
    return Do(transport, CreateQueueRequest(project.name, *step.queue_spec, arns));
  }
  if (step.kind == Kind::kUpdate) {
    return Do(transport, SetQueueAttributesRequest(step.id, *step.queue_spec, arns));
  }
  return Do(transport, SqsRequest("DeleteQueue", json::object{{"QueueUrl", step.id}}));
}

Status ApplySchedule(Transport& transport, const ProjectSpec& project, const EventStep& step,
                     const ArnContext& arns) {
  if (step.kind == Kind::kDelete) {
    return Do(transport, DeleteScheduleRequest(step.name));
  }
  const ScheduleSpec& spec = *step.schedule_spec;
  Result<std::string> sent =
      Send(transport, PutScheduleRequest(step.kind == Kind::kCreate, project.name,
                                         step.function->name, spec, arns));
  if (sent.ok()) return Ok();
  // Scheduler checks the expression and time zone: point at the event in the file.
  return MakeError(sent.error().code,
                   spec.position + ": schedule " + spec.name + ": " + sent.error().message);
}

Status ApplyStep(Transport& transport, const ProjectSpec& project, const EventStep& step,
                 const ArnContext& arns) {
  switch (step.resource) {
    case Resource::kQueue:
      return ApplyQueue(transport, project, step, arns);
    case Resource::kSchedule:
      return ApplySchedule(transport, project, step, arns);
    case Resource::kAsync:
      if (step.kind == Kind::kDelete) {
        return Do(transport, AsyncConfigPath("DELETE", step.name));
      }
      return Do(transport, PutAsyncRequest(step.name, *step.function->async, arns));
    case Resource::kMapping:
      if (step.kind == Kind::kDelete) return Do(transport, DeleteMappingRequest(step.id));
      if (step.kind == Kind::kUpdate) {
        return Do(transport, UpdateMappingRequest(step.id, *step.mapping_spec));
      }
      return Do(transport, CreateMappingRequest(step.name, *step.mapping_spec, arns));
  }
  return Ok();
}

}  // namespace

Status ReadEvents(Transport& transport, const ProjectSpec& project,
                  const std::vector<std::string>& ours, EventSnapshot& snapshot, ArnContext& arns,
                  bool& arns_known) {
  KUMO_RETURN_IF_ERROR(ReadQueues(transport, project, snapshot, arns, arns_known));
  for (const std::string& function : ours) {
    KUMO_RETURN_IF_ERROR(ReadFunctionEvents(transport, function, snapshot));
  }
  return ReadSchedules(transport, project, ours, snapshot);
}

Status ApplyEventSteps(Transport& transport, const ProjectSpec& project,
                       const std::vector<EventStep>& steps, const ArnContext& arns,
                       std::ostream& out) {
  for (const EventStep& step : steps) {
    if (step.kind != Kind::kUnchanged) {
      KUMO_RETURN_IF_ERROR(ApplyStep(transport, project, step, arns));
    }
    out << StepLine(step) << std::endl;
  }
  return Ok();
}

bool NeedsArns(const EventPlan& plan) {
  auto changes = [](const EventStep& step) {
    return step.kind == Kind::kCreate || step.kind == Kind::kUpdate;
  };
  for (const EventStep& step : plan.after_functions) {
    if (changes(step)) return true;
  }
  for (const EventStep& step : plan.queues) {
    if (changes(step) && !step.queue_spec->dead_letter_queue.empty()) return true;
  }
  return false;
}

}  // namespace kumo::cli
