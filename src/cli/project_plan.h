#pragma once
// What `kumo deploy` must change to make the server match a kumo.yaml: a pure function from the
// parsed file, the hashes of the freshly built zips and a snapshot of the server to a Plan, so
// the decisions are unit-tested without a server. project_deploy.cc reads the snapshot and
// applies the plan. Single-threaded.
//
// Which functions belong to a project is recorded on the server, in each function's Description:
// "kumo-project:NAME" followed by the user's description, if any. A state file beside kumo.yaml
// would go stale as soon as the project is deployed from a second machine or checkout, and kumo's
// API has no tags; the description is stored, listed by ListFunctions and visible in `kumo ls`
// and the AWS SDK, so anyone can see why a function exists. A function of the file's name that
// exists without this project's tag is never adopted, changed or deleted: the plan fails instead.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/project_event_plan.h"
#include "cli/project_file.h"
#include "common/result.h"

namespace kumo::cli {

// A function as the server has it (only the parts a project sets).
struct DeployedFunction {
  std::string name;
  std::string description;
  std::string runtime;
  std::string handler;
  int memory_mb = 0;
  int timeout_s = 0;
  std::map<std::string, std::string> environment;
  std::string code_sha256;  // base64, as Lambda reports it
  std::optional<int> reserved_concurrency;
  int keep_alive_s = 0;
  std::vector<RouteSpec> routes;  // sorted by route_key
};

// An authorizer as the server lists it: secrets are never sent back.
struct DeployedAuthorizer {
  std::string name;
  std::string issuer;
  std::vector<std::string> audience;
  std::string jwks_file;
};

// What was read from the server before planning: every function that the file names or that
// carries this project's tag, and the gateway settings the file mentions.
struct ServerSnapshot {
  std::vector<DeployedFunction> functions;
  std::optional<CorsSpec> cors;
  std::vector<DeployedAuthorizer> authorizers;
  EventSnapshot events;
};

struct FunctionStep {
  enum class Kind { kCreate, kUpdate, kUnchanged, kDelete };
  Kind kind = Kind::kUnchanged;
  std::string name;
  const FunctionSpec* spec = nullptr;  // into the ProjectSpec; null for kDelete
  bool code = false, configuration = false, concurrency = false, keep_alive = false, routes = false;
  // Set when another function of the file takes over some of this function's routes: those must
  // be released (routes PUT to this list) before any function's new routes are PUT, or the
  // server would answer 409.
  std::optional<std::vector<RouteSpec>> release_routes;
};

// CORS and authorizers the file names. Gateway settings the file does not mention are left as
// they are: the gateway is shared by every project on the server and the server does not record
// who set them, so a deploy that deleted them could break another project.
struct GatewayStep {
  enum class Kind { kCreate, kUpdate, kUnchanged };
  Kind kind = Kind::kUnchanged;
  std::string what;                            // "cors" or "authorizer NAME"
  const AuthorizerSpec* authorizer = nullptr;  // null for cors
  // An HS256 authorizer whose visible settings match is still sent again: the server does not
  // show its secret, so an unchanged one cannot be told from a changed one.
  bool secret_resent = false;
};

struct Plan {
  std::vector<GatewayStep> gateway;
  std::vector<FunctionStep> functions;  // the file's functions by name, then deletions by name
  EventPlan events;  // queues, mappings, schedules and async settings (project_event_plan.h)
};

// "kumo-project:NAME".
std::string ProjectTag(const std::string& project);
// The Description a function of the project is given.
std::string DescriptionFor(const std::string& project, const FunctionSpec& spec);
// True when `description` carries the tag of `project`.
bool BelongsTo(const std::string& description, const std::string& project);

// Fails when a function, queue or schedule of the file exists on the server outside this project.
// `code_sha256` holds the base64 SHA-256 of each function's zip, by name.
Result<Plan> MakePlan(const ProjectSpec& project,
                      const std::map<std::string, std::string>& code_sha256,
                      const ServerSnapshot& server);

// One line per step: "+ items (created)", "~ items (code, routes)", "- old (deleted)",
// "= other (unchanged)".
std::string StepLine(const FunctionStep& step);
std::string StepLine(const GatewayStep& step);

}  // namespace kumo::cli
