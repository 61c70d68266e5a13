#pragma once
// `kumo deploy` for a folder holding a kumo.yaml: builds every function's zip, reads what the
// server has, plans (project_plan.h) and applies the plan, printing one line per function and
// gateway setting. Single-threaded.

#include <string>

#include "cli/commands.h"
#include "cli/project_file.h"

namespace kumo::cli {

struct ProjectDeployArgs {
  std::string file = "kumo.yaml";  // the project file, as the user named it
  bool dry_run = false;            // print the plan, change nothing
};

int DeployProject(Transport& transport, const ProjectDeployArgs& args, const EnvLookup& env, Io io);

}  // namespace kumo::cli
