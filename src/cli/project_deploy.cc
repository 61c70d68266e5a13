#include "cli/project_deploy.h"

#include <boost/json.hpp>

#include "cli/command_util.h"
#include "cli/error_line.h"
#include "cli/project_event_deploy.h"
#include "cli/project_plan.h"
#include "cli/project_requests.h"
#include "cli/version_requests.h"
#include "cli/zip_dir.h"
#include "common/encoding.h"

namespace kumo::cli {
namespace {

namespace json = boost::json;

constexpr int kPageSize = 50;

// The server's region and account, once some ARN it sent has shown them.
struct ServerArns {
  ArnContext arns;
  bool known = false;
};

// Sends a GET whose 404 means "none": nullopt then, the reply body otherwise.
Result<std::optional<std::string>> GetOptional(Transport& transport, const HttpRequest& request,
                                               std::string_view function) {
  KUMO_ASSIGN_OR_RETURN(HttpReply reply, transport.Send(request));
  if (reply.status == 404) return std::optional<std::string>();
  if (reply.status < 200 || reply.status > 299) {
    return MakeError(ErrorCode::kInternal, DescribeErrorReply(reply, function));
  }
  return std::optional<std::string>(std::move(reply.body));
}

// Adds what only the per-function endpoints tell: reserved concurrency, keep-alive, routes.
Status ReadFunctionExtras(Transport& transport, DeployedFunction& deployed) {
  const std::string& name = deployed.name;
  KUMO_ASSIGN_OR_RETURN(HttpReply concurrency,
                        SendExpectingSuccess(transport, GetConcurrencyRequest(name), name));
  KUMO_ASSIGN_OR_RETURN(json::object reserved, JsonObjectBody(concurrency));
  if (reserved.contains("ReservedConcurrentExecutions")) {
    deployed.reserved_concurrency =
        static_cast<int>(IntField(reserved, "ReservedConcurrentExecutions", 0));
  }
  KUMO_ASSIGN_OR_RETURN(HttpReply settings,
                        SendExpectingSuccess(transport, GetSettingsRequest(name), name));
  KUMO_ASSIGN_OR_RETURN(json::object settings_object, JsonObjectBody(settings));
  deployed.keep_alive_s = static_cast<int>(IntField(settings_object, "KeepAliveSeconds", 0));
  // A server without the gateway answers 404 here: the function then has no routes.
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> routes,
                        GetOptional(transport, GetRoutesRequest(name), name));
  if (routes) {
    KUMO_ASSIGN_OR_RETURN(deployed.routes, RoutesFromReply(*routes));
  }
  return Ok();
}

// Every function the file names or that carries the project's tag, from ListFunctions.
Status ReadFunctions(Transport& transport, const ProjectSpec& project, ServerSnapshot& snapshot,
                     ServerArns& arns) {
  std::string marker;
  do {
    KUMO_ASSIGN_OR_RETURN(
        HttpReply reply,
        SendExpectingSuccess(transport, ListFunctionsRequest(marker, kPageSize), ""));
    KUMO_ASSIGN_OR_RETURN(json::object page, JsonObjectBody(reply));
    const json::value* list = page.if_contains("Functions");
    if (!list || !list->is_array()) {
      return MakeError(ErrorCode::kInternal, "the server's function list has no Functions");
    }
    for (const json::value& item : list->as_array()) {
      if (!item.is_object()) continue;
      DeployedFunction deployed = DeployedFromConfiguration(item.as_object());
      if (!arns.known)
        arns.known = arns.arns.LearnFrom(StringField(item.as_object(), "FunctionArn"));
      bool named = std::any_of(project.functions.begin(), project.functions.end(),
                               [&](const FunctionSpec& f) { return f.name == deployed.name; });
      bool ours = BelongsTo(deployed.description, project.name);
      if (ours) KUMO_RETURN_IF_ERROR(ReadFunctionExtras(transport, deployed));
      if (named || ours) snapshot.functions.push_back(std::move(deployed));
    }
    std::string next = StringField(page, "NextMarker");
    if (!next.empty() && next == marker) {
      return MakeError(ErrorCode::kInternal, "the server repeated page marker " + next);
    }
    marker = next;
  } while (!marker.empty());
  return Ok();
}

Result<ServerSnapshot> ReadServer(Transport& transport, const ProjectSpec& project,
                                  ServerArns& arns) {
  ServerSnapshot snapshot;
  KUMO_RETURN_IF_ERROR(ReadFunctions(transport, project, snapshot, arns));
  std::vector<std::string> ours;
  for (const DeployedFunction& f : snapshot.functions) {
    if (BelongsTo(f.description, project.name)) ours.push_back(f.name);
  }
  KUMO_RETURN_IF_ERROR(
      ReadEvents(transport, project, ours, snapshot.events, arns.arns, arns.known));
  if (project.cors) {
    KUMO_ASSIGN_OR_RETURN(std::optional<std::string> cors,
                          GetOptional(transport, GetCorsRequest(), ""));
    if (cors) {
      KUMO_ASSIGN_OR_RETURN(CorsSpec deployed, CorsFromReply(*cors));
      // The server answers {} when no CORS is set; a set one always has an origin.
      if (!deployed.allow_origins.empty()) snapshot.cors = std::move(deployed);
    }
  }
  if (!project.authorizers.empty()) {
    KUMO_ASSIGN_OR_RETURN(HttpReply reply,
                          SendExpectingSuccess(transport, ListAuthorizersRequest(), ""));
    KUMO_ASSIGN_OR_RETURN(snapshot.authorizers, AuthorizersFromReply(reply.body));
  }
  return snapshot;
}

Status Send(Transport& transport, const HttpRequest& request, std::string_view function) {
  KUMO_RETURN_IF_ERROR(SendExpectingSuccess(transport, request, function));
  return Ok();
}

Status ApplyGateway(Transport& transport, const ProjectSpec& project, const GatewayStep& step) {
  if (step.kind == GatewayStep::Kind::kUnchanged) return Ok();
  return Send(
      transport,
      step.authorizer ? PutAuthorizerRequest(*step.authorizer) : PutCorsRequest(*project.cors), "");
}

// Creates or updates one function; `zip` is its freshly built bundle.
Status ApplyFunction(Transport& transport, const ProjectSpec& project, const FunctionStep& step,
                     const std::string& zip) {
  const FunctionSpec& spec = *step.spec;
  const std::string& name = spec.name;
  bool create = step.kind == FunctionStep::Kind::kCreate;
  DeploySpec deploy = ProjectDeploySpec(project.name, spec);
  if (create) KUMO_RETURN_IF_ERROR(Send(transport, CreateFunctionRequest(deploy, zip), ""));
  if (step.code) KUMO_RETURN_IF_ERROR(Send(transport, UpdateCodeRequest(name, zip), name));
  if (step.configuration) {
    KUMO_RETURN_IF_ERROR(Send(transport, UpdateConfigurationRequest(deploy), name));
  }
  if ((create && spec.reserved_concurrency) || step.concurrency) {
    KUMO_RETURN_IF_ERROR(Send(transport,
                              spec.reserved_concurrency
                                  ? PutConcurrencyRequest(name, *spec.reserved_concurrency)
                                  : DeleteConcurrencyRequest(name),
                              name));
  }
  if ((create && spec.keep_alive_s) || step.keep_alive) {
    KUMO_RETURN_IF_ERROR(Send(transport, PutKeepAliveRequest(name, spec.keep_alive_s), name));
  }
  if ((create && !spec.routes.empty()) || step.routes) {
    KUMO_RETURN_IF_ERROR(Send(transport, PutRoutesRequest(name, spec.routes), name));
  }
  return Ok();
}

// When no ARN has shown the server's region yet (an empty server), asks for one of the functions
// just created; the default (us-east-1) stays when that fails too.
Status LearnArns(Transport& transport, const ProjectSpec& project, ServerArns& arns) {
  if (arns.known || project.functions.empty()) return Ok();
  const std::string& name = project.functions.front().name;
  KUMO_ASSIGN_OR_RETURN(HttpReply reply,
                        SendExpectingSuccess(transport, GetFunctionRequest(name), name));
  KUMO_ASSIGN_OR_RETURN(json::object function, JsonObjectBody(reply));
  const json::value* config = function.if_contains("Configuration");
  if (config && config->is_object()) {
    arns.known = arns.arns.LearnFrom(StringField(config->as_object(), "FunctionArn"));
  }
  return Ok();
}

void PrintPlan(const Plan& plan, std::ostream& out) {
  for (const GatewayStep& step : plan.gateway) out << StepLine(step) << std::endl;
  for (const EventStep& step : plan.events.queues) out << StepLine(step) << std::endl;
  for (const FunctionStep& step : plan.functions) {
    if (step.kind != FunctionStep::Kind::kDelete) out << StepLine(step) << std::endl;
  }
  for (const EventStep& step : plan.events.after_functions) out << StepLine(step) << std::endl;
  for (const EventStep& step : plan.events.deletions) out << StepLine(step) << std::endl;
  for (const FunctionStep& step : plan.functions) {
    if (step.kind == FunctionStep::Kind::kDelete) out << StepLine(step) << std::endl;
  }
  for (const EventStep& step : plan.events.queue_deletions) out << StepLine(step) << std::endl;
}

// Applies the plan in an order the server accepts: gateway settings first (routes may name an
// authorizer), queues (dead-letter queues first) before the functions that use them, then routes
// that move between functions are released, functions are created or updated, and their async
// settings, queue mappings and schedules are applied. Deletions follow in the reverse order:
// schedules, mappings, async settings, functions, queues. Each line is printed once its step is
// done, in the order PrintPlan prints the plan.
Status Apply(Transport& transport, const ProjectSpec& project, const Plan& plan,
             const std::map<std::string, std::string>& zips, ServerArns& arns, Io io) {
  for (const GatewayStep& step : plan.gateway) {
    KUMO_RETURN_IF_ERROR(ApplyGateway(transport, project, step));
    io.out << StepLine(step) << std::endl;
  }
  KUMO_RETURN_IF_ERROR(ApplyEventSteps(transport, project, plan.events.queues, arns.arns, io.out));
  for (const FunctionStep& step : plan.functions) {
    if (step.release_routes) {
      KUMO_RETURN_IF_ERROR(
          Send(transport, PutRoutesRequest(step.name, *step.release_routes), step.name));
    }
  }
  for (const FunctionStep& step : plan.functions) {
    if (step.kind == FunctionStep::Kind::kDelete) continue;
    if (step.kind != FunctionStep::Kind::kUnchanged) {
      KUMO_RETURN_IF_ERROR(ApplyFunction(transport, project, step, zips.at(step.name)));
    }
    io.out << StepLine(step) << std::endl;
  }
  if (NeedsArns(plan.events)) KUMO_RETURN_IF_ERROR(LearnArns(transport, project, arns));
  KUMO_RETURN_IF_ERROR(
      ApplyEventSteps(transport, project, plan.events.after_functions, arns.arns, io.out));
  KUMO_RETURN_IF_ERROR(
      ApplyEventSteps(transport, project, plan.events.deletions, arns.arns, io.out));
  for (const FunctionStep& step : plan.functions) {
    if (step.kind != FunctionStep::Kind::kDelete) continue;
    KUMO_RETURN_IF_ERROR(Send(transport, DeleteFunctionRequest(step.name), step.name));
    io.out << StepLine(step) << std::endl;
  }
  return ApplyEventSteps(transport, project, plan.events.queue_deletions, arns.arns, io.out);
}

Status DeployProjectOrFail(Transport& transport, const ProjectDeployArgs& args,
                           const EnvLookup& env, Io io) {
  KUMO_ASSIGN_OR_RETURN(ProjectSpec project, LoadProjectFile(args.file, env));
  std::map<std::string, std::string> zips, hashes;
  for (const FunctionSpec& spec : project.functions) {
    Result<std::string> zip = ZipDirectory(spec.code_dir);
    if (!zip.ok()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "function " + spec.name + ": " + zip.error().message);
    }
    hashes[spec.name] = Base64Encode(Sha256(*zip));
    zips[spec.name] = std::move(*zip);
  }
  ServerArns arns;
  KUMO_ASSIGN_OR_RETURN(ServerSnapshot server, ReadServer(transport, project, arns));
  KUMO_ASSIGN_OR_RETURN(Plan plan, MakePlan(project, hashes, server));
  if (args.dry_run) {
    PrintPlan(plan, io.out);
    io.out << "dry run: nothing was changed" << std::endl;
    return Ok();
  }
  return Apply(transport, project, plan, zips, arns, io);
}

}  // namespace

int DeployProject(Transport& transport, const ProjectDeployArgs& args, const EnvLookup& env,
                  Io io) {
  Status status = DeployProjectOrFail(transport, args, env, io);
  if (!status.ok()) return Fail(io.err, status.error().message);
  return 0;
}

}  // namespace kumo::cli
