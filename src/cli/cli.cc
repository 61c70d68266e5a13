#include "cli/cli.h"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli/api_key_commands.h"
#include "cli/command_util.h"
#include "cli/http_client.h"
#include "cli/project_deploy.h"
#include "cli/version_commands.h"

namespace kumo::cli {
namespace {

// What the command line asked for, filled in by CLI11 while parsing.
struct Parsed {
  std::string endpoint;
  DeploySpec deploy;
  std::string deploy_dir, handler, description;
  int memory_mb = 0, timeout_s = 0;
  std::vector<std::string> env;
  ProjectDeployArgs project;
  InvokeArgs invoke;
  std::string name;
  bool follow = false;
  std::string publish_description;
  AliasSpec alias;
  std::string alias_description;
  std::vector<std::string> weights;
  bool delete_alias = false;
  ConcurrencyArgs concurrency;
  int reserved = 0;
  std::string api_key;  // the name to create or the id to revoke
};

struct Subcommands {
  CLI::App* serve;
  CLI::App* deploy;
  CLI::App* invoke;
  CLI::App* ls;
  CLI::App* rm;
  CLI::App* logs;
  CLI::App* publish;
  CLI::App* versions;
  CLI::App* alias;
  CLI::App* aliases;
  CLI::App* concurrency;
  CLI::App* api_key;
  CLI::App* api_key_create;
  CLI::App* api_key_ls;
  CLI::App* api_key_rm;
};

// The version, alias and concurrency commands (version_commands.h).
void DefineVersionCommands(CLI::App& app, Parsed& p, Subcommands& s) {
  s.publish = app.add_subcommand("publish", "publish $LATEST as a new immutable version");
  s.publish->add_option("name", p.name, "function name")->required();
  s.publish->add_option("--description", p.publish_description, "the version's description");
  s.versions = app.add_subcommand("versions", "list a function's versions");
  s.versions->add_option("name", p.name, "function name")->required();
  s.alias = app.add_subcommand("alias", "create, update or delete an alias");
  s.alias->add_option("name", p.alias.function, "function name")->required();
  s.alias->add_option("alias", p.alias.alias, "alias name")->required();
  s.alias->add_option("--version", p.alias.version, "the version the alias points to");
  s.alias->add_option("--weight", p.weights,
                      "VERSION=SHARE: send that share (0-1) of calls to a second version")
      ->allow_extra_args(false);
  s.alias->add_option("--description", p.alias_description, "free text");
  s.alias->add_flag("--delete", p.delete_alias, "delete the alias");
  s.aliases = app.add_subcommand("aliases", "list a function's aliases");
  s.aliases->add_option("name", p.name, "function name")->required();
  s.concurrency = app.add_subcommand(
      "concurrency", "show, set (--reserved N) or remove (--clear) reserved concurrency");
  s.concurrency->add_option("name", p.concurrency.name, "function name")->required();
  s.concurrency->add_option("--reserved", p.reserved, "instances reserved for and capping it");
  s.concurrency->add_flag("--clear", p.concurrency.clear, "remove the reservation");
}

int DispatchAlias(const Subcommands& s, Parsed& p, Transport& transport, Io io) {
  if (p.delete_alias) {
    if (s.alias->count("--version") || s.alias->count("--weight")) {
      return Fail(io.err, "--delete takes no --version or --weight");
    }
    return RemoveAlias(transport, p.alias.function, p.alias.alias, io);
  }
  if (p.alias.version.empty()) return Fail(io.err, "--version is required (or --delete)");
  Result<std::map<std::string, double>> weights = ParseWeights(p.weights);
  if (!weights.ok()) return Fail(io.err, weights.error().message);
  p.alias.weights = std::move(*weights);
  if (s.alias->count("--description")) p.alias.description = p.alias_description;
  return SetAlias(transport, p.alias, io);
}

int DispatchVersionCommands(const Subcommands& s, Parsed& p, Transport& transport, Io io) {
  if (s.publish->parsed()) {
    std::optional<std::string> description;
    if (s.publish->count("--description")) description = p.publish_description;
    return Publish(transport, p.name, description, io);
  }
  if (s.versions->parsed()) return ListVersions(transport, p.name, io);
  if (s.alias->parsed()) return DispatchAlias(s, p, transport, io);
  if (s.aliases->parsed()) return ListAliases(transport, p.name, io);
  if (s.concurrency->count("--reserved")) p.concurrency.reserved = p.reserved;
  return Concurrency(transport, p.concurrency, io);
}

// `kumo api-key create|ls|rm` (api_key_commands.h).
void DefineApiKeyCommands(CLI::App& app, Parsed& p, Subcommands& s) {
  s.api_key = app.add_subcommand("api-key", "create, list or revoke gateway API keys");
  s.api_key_create = s.api_key->add_subcommand("create", "create a key and print its value once");
  s.api_key_create->add_option("name", p.api_key, "a name to recognise the key by")->required();
  s.api_key_ls = s.api_key->add_subcommand("ls", "list keys (never their values)");
  s.api_key_rm = s.api_key->add_subcommand("rm", "revoke a key");
  s.api_key_rm->add_option("id", p.api_key, "the key's ID (see kumo api-key ls)")->required();
  s.api_key->require_subcommand(1);
}

int DispatchApiKey(const Subcommands& s, const Parsed& p, Transport& transport, Io io) {
  if (s.api_key_create->parsed()) return CreateApiKey(transport, p.api_key, io);
  if (s.api_key_ls->parsed()) return ListApiKeys(transport, io);
  return RevokeApiKey(transport, p.api_key, io);
}

Subcommands Define(CLI::App& app, Parsed& p) {
  app.add_option("--endpoint", p.endpoint,
                 "kumo server URL (env KUMO_ENDPOINT, default " + std::string(kDefaultEndpoint) + ")");
  app.fallthrough();
  Subcommands s;
  s.serve = app.add_subcommand("serve", "run the kumo server (see kumo serve --help)");
  s.serve->allow_extras();
  s.deploy = app.add_subcommand(
      "deploy",
      "deploy the project described by ./kumo.yaml (or DIR/kumo.yaml), or with --name zip one "
      "folder and create or update a function from it");
  s.deploy->add_option("dir", p.deploy_dir, "project folder, or with --name the function's code");
  s.deploy->add_option("--name", p.deploy.name, "function name (deploys DIR as one function)");
  s.deploy->add_option("--runtime", p.deploy.runtime,
                       "e.g. python3.12, nodejs20.x, provided.al2023");
  s.deploy->add_option("--handler", p.handler, "e.g. app.handler (optional for provided runtimes)");
  s.deploy->add_option("--memory", p.memory_mb, "memory in MB (128-10240)");
  s.deploy->add_option("--timeout", p.timeout_s, "timeout in seconds (1-900)");
  s.deploy->add_option("--env", p.env, "environment variable KEY=VALUE (repeatable)")
      ->allow_extra_args(false);
  s.deploy->add_option("--description", p.description, "free text");
  s.deploy->add_option("--file", p.project.file, "the project file (default kumo.yaml)");
  s.deploy->add_flag("--dry-run", p.project.dry_run, "print the project's plan, change nothing");
  s.invoke = app.add_subcommand("invoke", "invoke a function and print its result");
  s.invoke->add_option("name", p.invoke.name, "function name")->required();
  s.invoke->add_option("--payload", p.invoke.payload_arg, "JSON, @FILE, or - for stdin (default {})");
  s.invoke->add_flag("--log", p.invoke.tail_log, "print the end of the invocation's log to stderr");
  s.ls = app.add_subcommand("ls", "list functions");
  s.rm = app.add_subcommand("rm", "delete a function");
  s.rm->add_option("name", p.name, "function name")->required();
  s.logs = app.add_subcommand("logs", "print a function's logs");
  s.logs->add_option("name", p.name, "function name")->required();
  s.logs->add_flag("-f,--follow", p.follow, "keep printing new events until interrupted");
  DefineVersionCommands(app, p, s);
  DefineApiKeyCommands(app, p, s);
  app.require_subcommand(1);
  return s;
}

// Moves the optional deploy settings into the spec, only those the user gave.
Status CompleteDeploySpec(const Subcommands& s, Parsed& p) {
  if (s.deploy->count("--handler")) p.deploy.handler = p.handler;
  if (s.deploy->count("--description")) p.deploy.description = p.description;
  if (s.deploy->count("--memory")) p.deploy.memory_mb = p.memory_mb;
  if (s.deploy->count("--timeout")) p.deploy.timeout_s = p.timeout_s;
  if (s.deploy->count("--env")) {
    KUMO_ASSIGN_OR_RETURN(p.deploy.environment, ParseEnvAssignments(p.env));
  }
  return Ok();
}

// `kumo deploy` without --name deploys a project (kumo.yaml); with it, one folder.
int DispatchDeploy(const Subcommands& s, Parsed& p, Transport& transport, Io io) {
  if (s.deploy->count("--name") == 0) {
    for (const char* flag :
         {"--runtime", "--handler", "--memory", "--timeout", "--env", "--description"}) {
      if (s.deploy->count(flag)) {
        return Fail(io.err, std::string(flag) +
                                " is for one function (with --name); a project "
                                "sets it in kumo.yaml");
      }
    }
    if (!p.deploy_dir.empty() && s.deploy->count("--file")) {
      return Fail(io.err, "give a project folder or --file, not both");
    }
    if (!p.deploy_dir.empty()) p.project.file = p.deploy_dir + "/kumo.yaml";
    std::error_code ec;
    if (!std::filesystem::exists(p.project.file, ec)) {
      if (!p.deploy_dir.empty() || s.deploy->count("--file")) {
        return Fail(io.err, "no project file " + p.project.file);
      }
      return Fail(io.err,
                  "no kumo.yaml here: run kumo deploy in a project folder, or deploy one folder "
                  "with kumo deploy DIR --name NAME --runtime RUNTIME");
    }
    return DeployProject(transport, p.project, ProcessEnv, io);
  }
  if (s.deploy->count("--file") || p.project.dry_run) {
    return Fail(io.err, "--file and --dry-run are for projects (kumo.yaml), not with --name");
  }
  if (p.deploy_dir.empty()) return Fail(io.err, "kumo deploy --name needs the function's folder");
  if (Status status = CompleteDeploySpec(s, p); !status.ok()) {
    return Fail(io.err, status.error().message);
  }
  return Deploy(transport, p.deploy, p.deploy_dir, io);
}

int Dispatch(const Subcommands& s, Parsed& p, Io io) {
  if (s.serve->parsed()) return Fail(io.err, "serve is run by the kumo binary itself, not the CLI");
  Result<Endpoint> endpoint = ParseEndpoint(p.endpoint);
  if (!endpoint.ok()) return Fail(io.err, endpoint.error().message);
  HttpClient client(*endpoint);
  if (s.deploy->parsed()) return DispatchDeploy(s, p, client, io);
  if (s.invoke->parsed()) return Invoke(client, p.invoke, io);
  if (s.ls->parsed()) return ListFunctions(client, io);
  if (s.rm->parsed()) return RemoveFunction(client, p.name, io);
  if (s.logs->parsed()) return ShowLogs(client, p.name, p.follow, io);
  if (s.api_key->parsed()) return DispatchApiKey(s, p, client, io);
  return DispatchVersionCommands(s, p, client, io);
}

}  // namespace

int Run(const std::vector<std::string>& args, Io io, std::string_view default_endpoint) {
  CLI::App app{"kumo: serverless functions on your own machine", "kumo"};
  Parsed parsed;
  parsed.endpoint = std::string(default_endpoint);
  Subcommands subcommands = Define(app, parsed);
  if (args.empty()) {
    io.err << app.help();
    return 1;
  }
  std::vector<std::string> argv_storage = {"kumo"};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<const char*> argv;
  for (const std::string& arg : argv_storage) argv.push_back(arg.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, io.out, io.err);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, io.out, io.err);
  } catch (const CLI::ParseError& e) {
    return Fail(io.err, std::string(e.what()) + " (see kumo --help)");
  }
  return Dispatch(subcommands, parsed, io);
}

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const char* env_endpoint = std::getenv("KUMO_ENDPOINT");
  std::string endpoint = env_endpoint && *env_endpoint ? env_endpoint : std::string(kDefaultEndpoint);
  return Run(args, Io{std::cin, std::cout, std::cerr}, endpoint);
}

}  // namespace kumo::cli
