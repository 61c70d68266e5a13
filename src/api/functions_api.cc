// The function-management operations of Api: Create, Get, List, UpdateCode,
// UpdateConfiguration, Delete, and the request router.
#include <chrono>
#include <fstream>
#include <iterator>

#include "api/api.h"
#include "api/errors.h"
#include "api/qualifier.h"
#include "api/request_json.h"
#include "api/request_path.h"
#include "api/validation.h"
#include "common/encoding.h"
#include "common/time_format.h"

namespace kumo::api {
namespace json = boost::json;

namespace {

constexpr std::string_view kFunctionsPrefix = "/2015-03-31/functions";
constexpr std::string_view kLogsPrefix = "/kumo/v1/functions/";

// The code of a Create or UpdateCode request, unpacked into the bundle store.
Result<store::Bundle> StoreCode(store::BundleStore& bundles, const json::object& code) {
  if (code.contains("S3Bucket") || code.contains("S3Key") || code.contains("ImageUri")) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "kumo takes code as a zip file (ZipFile); S3 and image code are not "
                     "supported");
  }
  KUMO_ASSIGN_OR_RETURN(auto zip_b64, StringField(code, "ZipFile"));
  if (!zip_b64) {
    return MakeError(ErrorCode::kInvalidArgument, "Please provide a source for function code: ZipFile");
  }
  auto zip = Base64Decode(*zip_b64);
  if (!zip) return MakeError(ErrorCode::kInvalidArgument, "ZipFile is not valid base64");
  return bundles.Put(*zip);
}

void ApplyBundle(const store::Bundle& bundle, store::FunctionConfig* config) {
  config->code_sha256 = bundle.sha256_base64;
  config->code_hex = bundle.sha256_hex;
  config->code_size = bundle.size;
}

void Touch(store::FunctionConfig* config) {
  config->last_modified = Iso8601Millis(std::chrono::system_clock::now());
  config->revision_id = NewUuid();
}

// Reads the settable configuration fields present in `body` into `config` and validates the
// result as a whole.
Status ApplySettings(const json::object& body, store::FunctionConfig* config) {
  KUMO_ASSIGN_OR_RETURN(auto runtime, StringField(body, "Runtime"));
  KUMO_ASSIGN_OR_RETURN(auto handler, StringField(body, "Handler"));
  KUMO_ASSIGN_OR_RETURN(auto description, StringField(body, "Description"));
  KUMO_ASSIGN_OR_RETURN(auto memory, IntField(body, "MemorySize"));
  KUMO_ASSIGN_OR_RETURN(auto timeout, IntField(body, "Timeout"));
  KUMO_ASSIGN_OR_RETURN(auto environment, EnvironmentField(body));
  KUMO_ASSIGN_OR_RETURN(auto package_type, StringField(body, "PackageType"));
  if (package_type && *package_type != "Zip") {
    return MakeError(ErrorCode::kInvalidArgument, "kumo supports PackageType Zip only");
  }
  if (runtime) config->runtime = *runtime;
  if (handler) config->handler = *handler;
  if (description) config->description = *description;
  if (memory) {
    KUMO_RETURN_IF_ERROR(ValidateMemory(*memory));
    config->memory_mb = static_cast<int>(*memory);
  }
  if (timeout) {
    KUMO_RETURN_IF_ERROR(ValidateTimeout(*timeout));
    config->timeout_s = static_cast<int>(*timeout);
  }
  if (environment) config->environment = std::move(*environment);
  KUMO_RETURN_IF_ERROR(ValidateRuntime(config->runtime));
  KUMO_RETURN_IF_ERROR(ValidateHandler(config->runtime, config->handler));
  KUMO_RETURN_IF_ERROR(ValidateDescription(config->description));
  KUMO_RETURN_IF_ERROR(ValidateEnvironment(config->environment));
  return Ok();
}

}  // namespace

Api::Api(net::EventLoop& loop, store::FunctionStore& functions, store::BundleStore& bundles,
         store::GatewayStore& gateway, dispatch::Dispatcher& dispatcher, telemetry::LogStore& logs,
         ArnContext arn)
    : loop_(loop),
      functions_(functions),
      bundles_(bundles),
      gateway_(gateway),
      dispatcher_(dispatcher),
      logs_(logs),
      arn_(std::move(arn)) {}

void Api::AddExtension(Extension extension, bool open_to_instances) {
  extensions_.push_back({std::move(extension), open_to_instances});
}

bool Api::TryExtensions(net::HttpRequest& req, net::Responder& respond, const Caller& caller) {
  for (const ExtensionEntry& e : extensions_) {
    if (!caller.function.empty() && !e.open_to_instances) continue;
    if (e.handle(req, respond, caller)) return true;
  }
  return false;
}

void Api::Handle(net::HttpRequest&& req, net::Responder respond) {
  Route(std::move(req), std::move(respond), Caller{});
}

void Api::HandleFromInstance(const std::string& function, const CredentialIssuer& issuer,
                             net::HttpRequest&& req, net::Responder respond) {
  Caller caller{function};
  if (Status own = issuer.Check(function, req); !own.ok()) {
    return respond(AccessDenied(req, own.error().message));
  }
  if (TryExtensions(req, respond, caller)) return;
  // Of Lambda's own paths, instances may read and invoke functions, not change them.
  std::string_view path = req.path;
  if (path.substr(0, kFunctionsPrefix.size()) == kFunctionsPrefix) {
    std::vector<std::string> parts = SplitPath(path.substr(kFunctionsPrefix.size()));
    bool invoke = req.method == "POST" && parts.size() == 2 && parts[1] == "invocations";
    if (invoke || req.method == "GET") return Route(std::move(req), std::move(respond), caller);
  }
  respond(AccessDenied(req, "Function " + function + " is not allowed to call " + req.method +
                                " " + std::string(path) +
                                " on kumo's API: functions may use queues, read and invoke "
                                "functions, not change them"));
}

void Api::Route(net::HttpRequest&& req, net::Responder respond, const Caller& caller) {
  const std::string& m = req.method;
  std::string_view path = req.path;
  if (path == "/healthz" && (m == "GET" || m == "HEAD")) {
    respond(net::HttpResponse::Json(200, R"({"status":"ok"})"));
    return;
  }
  if (TryExtensions(req, respond, caller)) return;
  if (HandleLimits(req, respond)) return;
  if (HandleGatewayConfig(req, respond)) return;
  if (path.substr(0, kFunctionsPrefix.size()) == kFunctionsPrefix) {
    std::vector<std::string> parts = SplitPath(path.substr(kFunctionsPrefix.size()));
    if (parts.empty()) {
      if (m == "POST") return CreateFunction(req, respond);
      if (m == "GET") return ListFunctions(req, respond);
    } else {
      std::string qualifier = req.QueryParam("Qualifier");
      std::string name = NameFromPath(parts[0], &qualifier);
      if (RouteVersionsAndAliases(parts, name, req, respond)) return;
      if (parts.size() == 1) {
        if (m == "GET") return GetFunction(name, qualifier, false, req, respond);
        if (m == "DELETE") return DeleteFunction(name, qualifier, respond);
      } else if (parts.size() == 2) {
        const std::string& op = parts[1];
        if (op == "invocations" && m == "POST") {
          return Invoke(name, qualifier, std::move(req), std::move(respond), caller);
        }
        if (op == "code" && m == "PUT") return UpdateCode(name, req, respond);
        if (op == "configuration" && m == "PUT") return UpdateConfiguration(name, req, respond);
        if (op == "configuration" && m == "GET") {
          return GetFunction(name, qualifier, true, req, respond);
        }
      }
    }
  } else if (path.substr(0, kLogsPrefix.size()) == kLogsPrefix) {
    std::vector<std::string> parts = SplitPath(path.substr(kLogsPrefix.size()));
    if (parts.size() == 2 && parts[1] == "logs" && m == "GET") {
      return ReadLogs(parts[0], req, std::move(respond));
    }
    if (parts.size() == 2 && parts[1] == "code" && m == "GET") {
      return DownloadCode(parts[0], req.QueryParam("Qualifier"), respond);
    }
  }
  respond(ErrorResponse(404, "UnknownOperationException",
                        "Unknown operation " + m + " " + std::string(path)));
}

Result<store::FunctionConfig> Api::Find(const std::string& name) {
  auto found = functions_.Get(name);
  if (!found.ok() && found.error().code == ErrorCode::kNotFound) {
    return MakeError(ErrorCode::kNotFound, "Function not found: " + FunctionArn(arn_, name));
  }
  return found;
}

void Api::CreateFunction(const net::HttpRequest& req, net::Responder& respond) {
  std::optional<json::object> parsed = ParseJsonBodyOrRespond(req, respond);
  if (!parsed) return;
  const json::object& body = *parsed;
  auto result = [&]() -> Result<store::FunctionConfig> {
    KUMO_ASSIGN_OR_RETURN(auto name, StringField(body, "FunctionName"));
    if (!name) return MakeError(ErrorCode::kInvalidArgument, "FunctionName is required");
    KUMO_RETURN_IF_ERROR(ValidateFunctionName(*name));
    if (!body.contains("Runtime")) {
      return MakeError(ErrorCode::kInvalidArgument, "Runtime is required for .zip functions");
    }
    store::FunctionConfig config;
    config.name = *name;
    KUMO_RETURN_IF_ERROR(ApplySettings(body, &config));
    const json::value* code = body.if_contains("Code");
    if (!code || !code->is_object()) {
      return MakeError(ErrorCode::kInvalidArgument, "Code is required: {\"ZipFile\": <base64>}");
    }
    if (functions_.Get(config.name).ok()) {
      return MakeError(ErrorCode::kConflict, "Function already exist: " + config.name);
    }
    KUMO_ASSIGN_OR_RETURN(store::Bundle bundle, StoreCode(bundles_, code->as_object()));
    ApplyBundle(bundle, &config);
    Touch(&config);
    KUMO_RETURN_IF_ERROR(functions_.Create(config));
    return config;
  }();
  if (!result.ok()) return respond(ErrorResponse(result.error()));
  respond(net::HttpResponse::Json(201, FunctionConfigurationJson(arn_, *result)));
}

void Api::GetFunction(const std::string& name, const std::string& qualifier,
                      bool configuration_only, const net::HttpRequest& req,
                      net::Responder& respond) {
  auto found = ResolvePrimary(functions_, arn_, name, qualifier);
  if (!found.ok()) return respond(ErrorResponse(found.error()));
  if (configuration_only) {
    return respond(net::HttpResponse::Json(200, FunctionConfigurationJson(arn_, *found)));
  }
  // Lambda answers a presigned S3 URL; kumo's is its own download path on the address asked.
  std::string host(req.Header("Host"));
  std::string location = "http://" + (host.empty() ? std::string("127.0.0.1") : host) +
                         std::string(kLogsPrefix) + name + "/code";
  if (found->version != "$LATEST") location += "?Qualifier=" + found->version;
  respond(net::HttpResponse::Json(200, GetFunctionJson(arn_, *found, location)));
}

void Api::DownloadCode(const std::string& name, const std::string& qualifier,
                       net::Responder& respond) {
  auto found = ResolvePrimary(functions_, arn_, name, qualifier);
  if (!found.ok()) return respond(ErrorResponse(found.error()));
  std::string path = bundles_.ArchivePath(found->code_hex);
  std::ifstream in(path, std::ios::binary);
  if (path.empty() || !in) {
    return respond(ErrorResponse(
        MakeError(ErrorCode::kNotFound, "The code archive of " + name + " is not kept")));
  }
  net::HttpResponse r;
  r.headers.emplace_back("Content-Type", "application/zip");
  r.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  respond(std::move(r));
}

void Api::ListFunctions(const net::HttpRequest& req, net::Responder& respond) {
  int max_items = 50;
  std::string max_text = req.QueryParam("MaxItems");
  if (!max_text.empty()) {
    char* end = nullptr;
    long v = std::strtol(max_text.c_str(), &end, 10);
    if (*end != '\0' || v < 1 || v > 10000) {
      return respond(ErrorResponse(
          MakeError(ErrorCode::kInvalidArgument,
                    "Value '" + max_text +
                        "' at 'maxItems' failed to satisfy constraint: Member must have value "
                        "between 1 and 10000")));
    }
    max_items = static_cast<int>(v);
  }
  auto page = functions_.List(req.QueryParam("Marker"), max_items);
  if (!page.ok()) return respond(ErrorResponse(page.error()));
  const std::string* next = page->next_marker ? &*page->next_marker : nullptr;
  respond(net::HttpResponse::Json(200, ListFunctionsJson(arn_, page->functions, next)));
}

void Api::UpdateCode(const std::string& name, const net::HttpRequest& req,
                     net::Responder& respond) {
  std::optional<json::object> parsed = ParseJsonBodyOrRespond(req, respond);
  if (!parsed) return;
  const json::object& body = *parsed;
  auto result = [&]() -> Result<store::FunctionConfig> {
    KUMO_ASSIGN_OR_RETURN(store::FunctionConfig config, Find(name));
    KUMO_ASSIGN_OR_RETURN(store::Bundle bundle, StoreCode(bundles_, body));
    ApplyBundle(bundle, &config);
    Touch(&config);
    KUMO_RETURN_IF_ERROR(functions_.Update(config));
    return config;
  }();
  if (!result.ok()) return respond(ErrorResponse(result.error()));
  // Published versions are immutable, so only $LATEST's instances retire.
  dispatcher_.Retire(name, "$LATEST");
  respond(net::HttpResponse::Json(200, FunctionConfigurationJson(arn_, *result)));
}

void Api::UpdateConfiguration(const std::string& name, const net::HttpRequest& req,
                              net::Responder& respond) {
  std::optional<json::object> parsed = ParseJsonBodyOrRespond(req, respond);
  if (!parsed) return;
  const json::object& body = *parsed;
  auto result = [&]() -> Result<store::FunctionConfig> {
    KUMO_ASSIGN_OR_RETURN(store::FunctionConfig config, Find(name));
    KUMO_RETURN_IF_ERROR(ApplySettings(body, &config));
    Touch(&config);
    KUMO_RETURN_IF_ERROR(functions_.Update(config));
    return config;
  }();
  if (!result.ok()) return respond(ErrorResponse(result.error()));
  // Published versions are immutable, so only $LATEST's instances retire.
  dispatcher_.Retire(name, "$LATEST");
  respond(net::HttpResponse::Json(200, FunctionConfigurationJson(arn_, *result)));
}

void Api::DeleteFunction(const std::string& name, const std::string& qualifier,
                         net::Responder& respond) {
  auto found = Find(name);
  if (!found.ok()) return respond(ErrorResponse(found.error()));
  Status deleted = Ok();
  switch (ClassifyQualifier(qualifier)) {
    case QualifierKind::kLatest:
      if (!qualifier.empty()) {
        deleted = MakeError(ErrorCode::kInvalidArgument,
                            "$LATEST version cannot be deleted without deleting the function.");
      } else {
        deleted = functions_.Delete(name);
      }
      break;
    case QualifierKind::kVersion: {
      // Looked up first for Lambda's not-found message.
      auto version = ResolvePrimary(functions_, arn_, name, qualifier);
      deleted = version.ok() ? functions_.DeleteVersion(name, std::stoll(qualifier))
                             : Status(version.error());
      break;
    }
    case QualifierKind::kAlias:
      deleted = MakeError(ErrorCode::kInvalidArgument,
                          "Deletion of aliases is not supported through DeleteFunction; use "
                          "DeleteAlias");
      break;
  }
  if (!deleted.ok()) return respond(ErrorResponse(deleted.error()));
  // A deleted version's instances retire; deleting the function retires all of them.
  dispatcher_.Retire(name, qualifier);
  if (qualifier.empty()) {
    logs_.Forget(name);
    dispatcher_.SetReservation(name, std::nullopt);
    // The function's routes go with it; a failure here leaves routes the gateway answers 500.
    if (auto routes = gateway_.DeleteRoutesOf(name); !routes.ok()) {
      return respond(ErrorResponse(routes.error()));
    }
    for (const auto& hook : deletion_hooks_) hook(name);
  }
  net::HttpResponse r;
  r.status = 204;
  respond(std::move(r));
}

}  // namespace kumo::api
