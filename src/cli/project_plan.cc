#include "cli/project_plan.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace kumo::cli {
namespace {

const DeployedFunction* FindDeployed(const ServerSnapshot& server, const std::string& name) {
  for (const DeployedFunction& f : server.functions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

FunctionStep NewStep(FunctionStep::Kind kind, const std::string& name, const FunctionSpec* spec) {
  FunctionStep step;
  step.kind = kind;
  step.name = name;
  step.spec = spec;
  return step;
}

bool SameConfiguration(const std::string& project, const FunctionSpec& spec,
                       const DeployedFunction& deployed) {
  return spec.runtime == deployed.runtime && spec.handler == deployed.handler &&
         spec.memory_mb == deployed.memory_mb && spec.timeout_s == deployed.timeout_s &&
         spec.environment == deployed.environment &&
         DescriptionFor(project, spec) == deployed.description;
}

// Lists compared as sets, ignoring case: the gateway matches methods and headers that way, and
// may hand them back in another order or case.
bool SameList(std::vector<std::string> a, std::vector<std::string> b) {
  auto normalize = [](std::vector<std::string>& list) {
    for (std::string& item : list) {
      std::transform(item.begin(), item.end(), item.begin(), ::tolower);
    }
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
  };
  normalize(a);
  normalize(b);
  return a == b;
}

bool SameCors(const CorsSpec& a, const CorsSpec& b) {
  return SameList(a.allow_origins, b.allow_origins) && SameList(a.allow_methods, b.allow_methods) &&
         SameList(a.allow_headers, b.allow_headers) &&
         SameList(a.expose_headers, b.expose_headers) &&
         a.allow_credentials == b.allow_credentials && a.max_age == b.max_age;
}

GatewayStep AuthorizerStep(const AuthorizerSpec& spec, const ServerSnapshot& server) {
  GatewayStep step{GatewayStep::Kind::kCreate, "authorizer " + spec.name, &spec};
  for (const DeployedAuthorizer& deployed : server.authorizers) {
    if (deployed.name != spec.name) continue;
    bool same = deployed.issuer == spec.issuer && deployed.jwks_file == spec.jwks_file &&
                SameList(deployed.audience, spec.audience);
    step.kind = same && spec.hs256_secret.empty() ? GatewayStep::Kind::kUnchanged
                                                  : GatewayStep::Kind::kUpdate;
    step.secret_resent = same && !spec.hs256_secret.empty();
  }
  return step;
}

std::vector<GatewayStep> PlanGateway(const ProjectSpec& project, const ServerSnapshot& server) {
  std::vector<GatewayStep> steps;
  if (project.cors) {
    GatewayStep step{GatewayStep::Kind::kCreate, "cors"};
    if (server.cors) {
      step.kind = SameCors(*project.cors, *server.cors) ? GatewayStep::Kind::kUnchanged
                                                        : GatewayStep::Kind::kUpdate;
    }
    steps.push_back(step);
  }
  for (const AuthorizerSpec& spec : project.authorizers) {
    steps.push_back(AuthorizerStep(spec, server));
  }
  return steps;
}

FunctionStep UpdateStep(const ProjectSpec& project, const FunctionSpec& spec,
                        const DeployedFunction& deployed, const std::string& sha) {
  FunctionStep step = NewStep(FunctionStep::Kind::kUpdate, spec.name, &spec);
  step.code = sha != deployed.code_sha256;
  step.configuration = !SameConfiguration(project.name, spec, deployed);
  step.concurrency = spec.reserved_concurrency != deployed.reserved_concurrency;
  step.keep_alive = spec.keep_alive_s != deployed.keep_alive_s;
  step.routes = spec.routes != deployed.routes;
  if (!step.code && !step.configuration && !step.concurrency && !step.keep_alive && !step.routes) {
    step.kind = FunctionStep::Kind::kUnchanged;
  }
  return step;
}

// Fills release_routes for every deployed function holding a route that another function of the
// file is to take over.
void PlanRouteReleases(const ProjectSpec& project, const ServerSnapshot& server, Plan& plan) {
  std::map<std::string, std::string> wanted_by;
  for (const FunctionSpec& spec : project.functions) {
    for (const RouteSpec& route : spec.routes) wanted_by[route.route_key] = spec.name;
  }
  for (FunctionStep& step : plan.functions) {
    const DeployedFunction* deployed = FindDeployed(server, step.name);
    if (!deployed || step.kind == FunctionStep::Kind::kCreate) continue;
    bool moving = false;
    std::vector<RouteSpec> kept;
    for (const RouteSpec& route : deployed->routes) {
      auto it = wanted_by.find(route.route_key);
      if (it == wanted_by.end() || it->second == step.name) {
        if (it != wanted_by.end()) kept.push_back(route);
      } else {
        moving = true;
      }
    }
    if (moving) step.release_routes = std::move(kept);
  }
}

}  // namespace

std::string ProjectTag(const std::string& project) { return "kumo-project:" + project; }

std::string DescriptionFor(const std::string& project, const FunctionSpec& spec) {
  std::string tag = ProjectTag(project);
  return spec.description.empty() ? tag : tag + " " + spec.description;
}

bool BelongsTo(const std::string& description, const std::string& project) {
  std::string tag = ProjectTag(project);
  return description == tag || description.rfind(tag + " ", 0) == 0;
}

Result<Plan> MakePlan(const ProjectSpec& project,
                      const std::map<std::string, std::string>& code_sha256,
                      const ServerSnapshot& server) {
  Plan plan;
  plan.gateway = PlanGateway(project, server);
  std::set<std::string> in_file;
  for (const FunctionSpec& spec : project.functions) {
    in_file.insert(spec.name);
    const DeployedFunction* deployed = FindDeployed(server, spec.name);
    if (!deployed) {
      plan.functions.push_back(NewStep(FunctionStep::Kind::kCreate, spec.name, &spec));
      continue;
    }
    if (!BelongsTo(deployed->description, project.name)) {
      return MakeError(ErrorCode::kConflict,
                       "function \"" + spec.name +
                           "\" already exists and is not part of project \"" + project.name +
                           "\" (its description does not start with " + ProjectTag(project.name) +
                           "); rename the function in the file or delete the existing one");
    }
    auto sha = code_sha256.find(spec.name);
    plan.functions.push_back(
        UpdateStep(project, spec, *deployed, sha == code_sha256.end() ? "" : sha->second));
  }
  std::vector<std::string> removed;
  for (const DeployedFunction& deployed : server.functions) {
    if (!in_file.count(deployed.name) && BelongsTo(deployed.description, project.name)) {
      removed.push_back(deployed.name);
    }
  }
  std::sort(removed.begin(), removed.end());
  for (const std::string& name : removed) {
    plan.functions.push_back(NewStep(FunctionStep::Kind::kDelete, name, nullptr));
  }
  PlanRouteReleases(project, server, plan);
  std::vector<std::string> ours;
  for (const DeployedFunction& deployed : server.functions) {
    if (BelongsTo(deployed.description, project.name)) ours.push_back(deployed.name);
  }
  KUMO_ASSIGN_OR_RETURN(plan.events, MakeEventPlan(project, ours, server.events));
  return plan;
}

std::string StepLine(const FunctionStep& step) {
  switch (step.kind) {
    case FunctionStep::Kind::kCreate:
      return "+ " + step.name + " (created)";
    case FunctionStep::Kind::kDelete:
      return "- " + step.name + " (deleted)";
    case FunctionStep::Kind::kUnchanged:
      return "= " + step.name + " (unchanged)";
    case FunctionStep::Kind::kUpdate:
      break;
  }
  std::string what;
  auto add = [&what](bool changed, const char* name) {
    if (!changed) return;
    what += what.empty() ? "" : ", ";
    what += name;
  };
  add(step.code, "code");
  add(step.configuration, "configuration");
  add(step.concurrency, "concurrency");
  add(step.keep_alive, "keepAlive");
  add(step.routes, "routes");
  return "~ " + step.name + " (" + what + ")";
}

std::string StepLine(const GatewayStep& step) {
  switch (step.kind) {
    case GatewayStep::Kind::kCreate:
      return "+ " + step.what + " (created)";
    case GatewayStep::Kind::kUnchanged:
      return "= " + step.what + " (unchanged)";
    case GatewayStep::Kind::kUpdate:
      break;
  }
  return "~ " + step.what +
         (step.secret_resent ? " (secret sent again: the server does not show secrets)"
                             : " (updated)");
}

}  // namespace kumo::cli
