#include "cli/project_file.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "cli/project_events.h"
#include "cli/project_gateway.h"
#include "cli/project_queues.h"
#include "cli/yaml_reader.h"

namespace kumo::cli {
namespace {

namespace fs = std::filesystem;

// The description carries "kumo-project:NAME " before the user's text (see project_plan.h).
constexpr size_t kMaxDescription = 256;

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

bool IsFunctionName(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), IsNameChar);
}

bool IsProjectName(std::string_view name) {
  return !name.empty() && name.size() <= 64 &&
         std::all_of(name.begin(), name.end(), [](char c) { return IsNameChar(c) || c == '.'; });
}

// Reads one function's map into `spec` (whose name is set).
class FunctionParser {
 public:
  FunctionParser(const YamlReader& reader, const fs::path& base_dir, size_t max_description,
                 EventContext& context)
      : reader_(reader),
        base_dir_(base_dir),
        max_description_(max_description),
        context_(context) {}

  Status Parse(const YAML::Node& name_node, const YAML::Node& body, FunctionSpec& spec) {
    std::string where = "in function \"" + spec.name + "\"";
    context_.function = spec.name;
    KUMO_RETURN_IF_ERROR(reader_.ExpectMap(name_node, body, "function \"" + spec.name + "\""));
    KUMO_RETURN_IF_ERROR(
        reader_.CheckKeys(body, where,
                          {"runtime", "handler", "code", "memory", "timeout", "environment",
                           "concurrency", "keepAlive", "events", "description",
                           "maximumRetryAttempts", "maximumEventAge", "destinations"}));
    for (auto it = body.begin(); it != body.end(); ++it) {
      KUMO_RETURN_IF_ERROR(Field(it->first, it->second, spec));
    }
    if (spec.runtime.empty()) {
      return reader_.At(name_node,
                        "function \"" + spec.name + "\" needs runtime: (e.g. python3.12)");
    }
    bool handler_optional = spec.runtime.rfind("provided", 0) == 0 || spec.runtime == "http";
    if (spec.handler.empty() && !handler_optional) {
      return reader_.At(name_node, "function \"" + spec.name +
                                       "\" needs handler: (e.g. app.handler) for runtime " +
                                       spec.runtime);
    }
    if (spec.code_dir.empty()) {
      return reader_.At(name_node, "function \"" + spec.name +
                                       "\" needs code: (its folder, relative to the kumo.yaml)");
    }
    return Ok();
  }

 private:
  Status Field(const YAML::Node& key, const YAML::Node& value, FunctionSpec& spec) {
    const std::string& name = key.Scalar();
    if (name == "runtime") {
      KUMO_ASSIGN_OR_RETURN(spec.runtime, reader_.String(key, value, "runtime"));
    } else if (name == "handler") {
      KUMO_ASSIGN_OR_RETURN(spec.handler, reader_.String(key, value, "handler"));
    } else if (name == "description") {
      KUMO_ASSIGN_OR_RETURN(spec.description, reader_.String(key, value, "description"));
      if (spec.description.size() > max_description_) {
        return reader_.At(value, "description may have at most " +
                                     std::to_string(max_description_) + " characters here");
      }
    } else if (name == "code") {
      return Code(key, value, spec);
    } else if (name == "memory") {
      KUMO_ASSIGN_OR_RETURN(
          spec.memory_mb, reader_.Integer(key, value, 128, 10240,
                                          "memory must be a whole number of MB from 128 to 10240"));
    } else if (name == "timeout") {
      KUMO_ASSIGN_OR_RETURN(
          spec.timeout_s,
          reader_.Integer(key, value, 1, 900,
                          "timeout must be a whole number of seconds between 1 and 900"));
    } else if (name == "concurrency") {
      KUMO_ASSIGN_OR_RETURN(int64_t reserved,
                            reader_.Integer(key, value, 0, 100000,
                                            "concurrency must be a whole number of at least 0"));
      spec.reserved_concurrency = static_cast<int>(reserved);
    } else if (name == "keepAlive") {
      return KeepAlive(key, value, spec);
    } else if (name == "environment") {
      return Environment(key, value, spec);
    } else if (name == "events") {
      return ParseEvents(reader_, key, value, context_, spec);
    } else if (name == "maximumRetryAttempts" || name == "maximumEventAge" ||
               name == "destinations") {
      if (!spec.async) spec.async.emplace();
      return ParseAsyncSetting(reader_, key, value, context_, *spec.async);
    }
    return Ok();
  }

  Status Code(const YAML::Node& key, const YAML::Node& value, FunctionSpec& spec) {
    KUMO_ASSIGN_OR_RETURN(std::string text, reader_.String(key, value, "code"));
    fs::path dir = fs::path(text).is_absolute() ? fs::path(text) : base_dir_ / text;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      return reader_.At(value, "code folder " + text + " does not exist (expected a folder " +
                                   "relative to the kumo.yaml)");
    }
    spec.code_dir = fs::absolute(dir).lexically_normal();
    return Ok();
  }

  Status KeepAlive(const YAML::Node& key, const YAML::Node& value, FunctionSpec& spec) {
    std::string message =
        "keepAlive must be a duration such as 90s, 15m or 2h (at most 7d; 0 for the server's "
        "default)";
    KUMO_ASSIGN_OR_RETURN(int64_t seconds, reader_.Seconds(key, value, 0, 7 * 86400, message));
    spec.keep_alive_s = static_cast<int>(seconds);
    return Ok();
  }

  Status Environment(const YAML::Node& key, const YAML::Node& value, FunctionSpec& spec) {
    KUMO_RETURN_IF_ERROR(reader_.ExpectMap(key, value, "environment"));
    for (auto it = value.begin(); it != value.end(); ++it) {
      std::string var = it->first.Scalar();
      bool ok = !var.empty() && !std::isdigit(static_cast<unsigned char>(var[0])) &&
                std::all_of(var.begin(), var.end(), [](char c) {
                  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                });
      if (!it->first.IsScalar() || !ok) {
        return reader_.At(it->first,
                          "environment variable names use letters, digits and '_' "
                          "and do not start with a digit");
      }
      if (spec.environment.count(var)) {
        return reader_.At(it->first, "duplicate environment variable " + var);
      }
      KUMO_ASSIGN_OR_RETURN(spec.environment[var], reader_.String(it->first, it->second, var));
    }
    return Ok();
  }

  const YamlReader& reader_;
  const fs::path& base_dir_;
  size_t max_description_;
  EventContext& context_;
};

Status ParseFunctions(const YamlReader& reader, const YAML::Node& key, const YAML::Node& value,
                      const fs::path& base_dir, ProjectSpec& project) {
  KUMO_RETURN_IF_ERROR(reader.ExpectMap(key, value, "functions"));
  size_t max_description = kMaxDescription - (project.name.size() + 14);
  EventContext context;
  context.project = project.name;
  for (const QueueSpec& queue : project.queues) context.queues.insert(queue.name);
  for (auto it = value.begin(); it != value.end(); ++it)
    context.functions.insert(it->first.Scalar());
  FunctionParser parser(reader, base_dir, max_description, context);
  for (auto it = value.begin(); it != value.end(); ++it) {
    FunctionSpec spec;
    spec.name = it->first.Scalar();
    if (!it->first.IsScalar() || !IsFunctionName(spec.name)) {
      return reader.At(
          it->first,
          "function names use 1 to 64 letters, digits, '-' and '_' (got \"" + spec.name + "\")");
    }
    auto duplicate = std::find_if(project.functions.begin(), project.functions.end(),
                                  [&](const FunctionSpec& f) { return f.name == spec.name; });
    if (duplicate != project.functions.end()) {
      return reader.At(it->first, "duplicate function \"" + spec.name + "\"");
    }
    KUMO_RETURN_IF_ERROR(parser.Parse(it->first, it->second, spec));
    project.functions.push_back(std::move(spec));
  }
  std::sort(project.functions.begin(), project.functions.end(),
            [](const FunctionSpec& a, const FunctionSpec& b) { return a.name < b.name; });
  return Ok();
}

// The project's name: `project:` (or serverless's `service:`), else the folder's name.
Status ParseProjectName(const YamlReader& reader, const YAML::Node& root, const fs::path& base_dir,
                        ProjectSpec& project) {
  if (root["project"] && root["service"]) {
    return reader.At(root["service"], "give project or service, not both");
  }
  for (const char* key : {"project", "service"}) {
    if (const YAML::Node node = root[key]) {
      KUMO_ASSIGN_OR_RETURN(project.name, reader.String(node, node, key));
      if (!IsProjectName(project.name)) {
        return reader.At(node, "a project name uses 1 to 64 letters, digits, '.', '-' and '_'");
      }
      return Ok();
    }
  }
  project.name = fs::absolute(base_dir).lexically_normal().filename().string();
  if (project.name.empty()) project.name = fs::absolute(base_dir).parent_path().filename().string();
  if (!IsProjectName(project.name)) {
    return reader.At(root, "the folder name \"" + project.name +
                               "\" cannot name the project; add project: NAME to the file");
  }
  return Ok();
}

}  // namespace

std::optional<std::string> ProcessEnv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (!value) return std::nullopt;
  return std::string(value);
}

Result<ProjectSpec> ParseProject(std::string_view text, std::string_view label,
                                 const fs::path& base_dir, const EnvLookup& env) {
  YamlReader reader{std::string(label), env};
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    // The usual cause: a route such as GET /items/{id} inside a {...} map, where YAML reads the
    // braces as another map.
    std::string hint = e.msg.find("flow") != std::string::npos
                           ? " (inside {...}, quote values that contain braces: "
                             "{route: 'GET /items/{id}'})"
                           : "";
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string(label) + ":" + std::to_string(e.mark.line + 1) + ":" +
                         std::to_string(e.mark.column + 1) + ": " + e.msg + hint);
  }
  if (!root.IsMap()) {
    return reader.At(root, "expected a map with functions: at the top of the file");
  }
  KUMO_RETURN_IF_ERROR(
      reader.CheckKeys(root, "at the top level",
                       {"project", "service", "functions", "queues", "cors", "authorizers"}));
  ProjectSpec project;
  KUMO_RETURN_IF_ERROR(ParseProjectName(reader, root, base_dir, project));
  if (!root["functions"]) return reader.At(root, "the file needs a functions: map");
  // Queues first: functions refer to them by name wherever they stand in the file.
  if (const YAML::Node queues = root["queues"]) {
    KUMO_ASSIGN_OR_RETURN(project.queues, ParseQueues(reader, queues, queues));
  }
  for (auto it = root.begin(); it != root.end(); ++it) {
    const std::string& key = it->first.Scalar();
    if (key == "functions") {
      KUMO_RETURN_IF_ERROR(ParseFunctions(reader, it->first, it->second, base_dir, project));
    } else if (key == "cors") {
      KUMO_ASSIGN_OR_RETURN(project.cors, ParseCors(reader, it->first, it->second));
    } else if (key == "authorizers") {
      KUMO_ASSIGN_OR_RETURN(project.authorizers,
                            ParseAuthorizers(reader, it->first, it->second, base_dir));
    }
  }
  return project;
}

Result<ProjectSpec> LoadProjectFile(const fs::path& path, const EnvLookup& env) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return MakeError(ErrorCode::kNotFound, "cannot read " + path.string() + ": no such file");
  }
  std::ostringstream text;
  text << in.rdbuf();
  fs::path base = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  return ParseProject(text.str(), path.string(), fs::absolute(base).lexically_normal(), env);
}

}  // namespace kumo::cli
