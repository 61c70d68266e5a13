#pragma once
// The event side of `kumo deploy` for a project: reads the server's queues, event source
// mappings, schedules and EventInvokeConfigs into an EventSnapshot, and applies an EventPlan's
// steps, printing one line per step once it is done. project_deploy.cc calls these around the
// function steps. Single-threaded.

#include <ostream>
#include <string>
#include <vector>

#include "cli/project_event_plan.h"
#include "cli/project_event_requests.h"
#include "cli/transport.h"

namespace kumo::cli {

// Reads what the plan needs. `ours` are the project's existing functions; `arns` learns the
// server's region and account from the queues it reads (`arns_known` is then set).
Status ReadEvents(Transport& transport, const ProjectSpec& project,
                  const std::vector<std::string>& ours, EventSnapshot& snapshot, ArnContext& arns,
                  bool& arns_known);

// Applies `steps` in order (creates and updates, or deletions) and prints their lines.
// Unchanged steps are only printed.
Status ApplyEventSteps(Transport& transport, const ProjectSpec& project,
                       const std::vector<EventStep>& steps, const ArnContext& arns,
                       std::ostream& out);

// True when applying `plan` needs the server's ARNs (mappings, schedules, async settings or
// redrive policies are created or changed).
bool NeedsArns(const EventPlan& plan);

}  // namespace kumo::cli
