// Api's alias operations: CreateAlias, GetAlias, UpdateAlias, DeleteAlias, ListAliases.
#include "api/alias_json.h"
#include "api/api.h"
#include "api/errors.h"
#include "api/paging.h"
#include "api/qualifier.h"
#include "api/request_json.h"
#include "api/validation.h"
#include "store/alias_rules.h"

namespace kumo::api {
namespace json = boost::json;

namespace {

constexpr int kDefaultPageSize = 50;

Error AliasNotFound(const ArnContext& arn, const std::string& function_name,
                    const std::string& alias) {
  return MakeError(ErrorCode::kNotFound,
                   "Cannot find alias arn: " + AliasArn(arn, function_name, alias));
}

// Reads FunctionVersion, Description and RoutingConfig where present into `alias`.
Status ApplyAliasFields(const json::object& body, store::AliasConfig* alias) {
  KUMO_ASSIGN_OR_RETURN(auto version, StringField(body, "FunctionVersion"));
  KUMO_ASSIGN_OR_RETURN(auto description, StringField(body, "Description"));
  KUMO_ASSIGN_OR_RETURN(auto weights, RoutingField(body));
  if (version) alias->function_version = *version;
  if (description) {
    KUMO_RETURN_IF_ERROR(ValidateDescription(*description));
    alias->description = *description;
  }
  if (weights) alias->additional_weights = std::move(*weights);
  return Ok();
}

}  // namespace

Status Api::CheckAliasTargets(const store::AliasConfig& alias) {
  KUMO_RETURN_IF_ERROR(store::ValidateAliasTargets(alias));
  // Absent versions answer as Lambda does: "Function not found: arn:...:NAME:VERSION".
  KUMO_RETURN_IF_ERROR(ResolvePrimary(functions_, arn_, alias.function_name,
                                      alias.function_version));
  for (const auto& [version, weight] : alias.additional_weights) {
    KUMO_RETURN_IF_ERROR(ResolvePrimary(functions_, arn_, alias.function_name, version));
  }
  return Ok();
}

void Api::CreateAlias(const std::string& name, const net::HttpRequest& req,
                      net::Responder& respond) {
  std::optional<json::object> parsed = ParseJsonBodyOrRespond(req, respond);
  if (!parsed) return;
  const json::object& body = *parsed;
  auto result = [&]() -> Result<store::AliasConfig> {
    KUMO_RETURN_IF_ERROR(Find(name));
    store::AliasConfig alias;
    alias.function_name = name;
    KUMO_ASSIGN_OR_RETURN(auto alias_name, StringField(body, "Name"));
    if (!alias_name) return MakeError(ErrorCode::kInvalidArgument, "Name is required");
    if (!body.contains("FunctionVersion")) {
      return MakeError(ErrorCode::kInvalidArgument, "FunctionVersion is required");
    }
    alias.name = *alias_name;
    KUMO_RETURN_IF_ERROR(ApplyAliasFields(body, &alias));
    KUMO_RETURN_IF_ERROR(store::ValidateAliasName(alias.name));
    KUMO_RETURN_IF_ERROR(CheckAliasTargets(alias));
    auto created = functions_.CreateAlias(alias);
    if (!created.ok() && created.error().code == ErrorCode::kConflict) {
      return MakeError(ErrorCode::kConflict,
                       "Alias already exists: " + AliasArn(arn_, name, alias.name));
    }
    return created;
  }();
  if (!result.ok()) return respond(ErrorResponse(result.error()));
  respond(net::HttpResponse::Json(201, AliasConfigurationJson(arn_, *result)));
}

Result<store::AliasConfig> Api::FindAlias(const std::string& name, const std::string& alias) {
  KUMO_RETURN_IF_ERROR(Find(name));
  auto found = functions_.GetAlias(name, alias);
  if (!found.ok() && found.error().code == ErrorCode::kNotFound) {
    return AliasNotFound(arn_, name, alias);
  }
  return found;
}

void Api::GetAlias(const std::string& name, const std::string& alias, net::Responder& respond) {
  auto found = FindAlias(name, alias);
  if (!found.ok()) return respond(ErrorResponse(found.error()));
  respond(net::HttpResponse::Json(200, AliasConfigurationJson(arn_, *found)));
}

void Api::UpdateAlias(const std::string& name, const std::string& alias,
                      const net::HttpRequest& req, net::Responder& respond) {
  std::optional<json::object> parsed = ParseJsonBodyOrRespond(req, respond);
  if (!parsed) return;
  const json::object& body = *parsed;
  auto revision_id = StringField(body, "RevisionId");
  if (!revision_id.ok()) return respond(ErrorResponse(revision_id.error()));
  auto found = FindAlias(name, alias);
  if (!found.ok()) return respond(ErrorResponse(found.error()));
  if (*revision_id && **revision_id != found->revision_id) {
    return respond(ErrorResponse(
        412, "PreconditionFailedException",
        "The Revision Id provided does not match the latest Revision Id. Call the "
        "GetFunction/GetAlias API to retrieve the latest Revision Id"));
  }
  auto result = [&]() -> Result<store::AliasConfig> {
    store::AliasConfig updated = *found;
    KUMO_RETURN_IF_ERROR(ApplyAliasFields(body, &updated));
    KUMO_RETURN_IF_ERROR(CheckAliasTargets(updated));
    return functions_.UpdateAlias(updated);
  }();
  if (!result.ok()) return respond(ErrorResponse(result.error()));
  respond(net::HttpResponse::Json(200, AliasConfigurationJson(arn_, *result)));
}

void Api::DeleteAlias(const std::string& name, const std::string& alias,
                      net::Responder& respond) {
  auto found = FindAlias(name, alias);
  if (!found.ok()) return respond(ErrorResponse(found.error()));
  auto deleted = functions_.DeleteAlias(name, alias);
  if (!deleted.ok()) return respond(ErrorResponse(deleted.error()));
  net::HttpResponse r;
  r.status = 204;
  respond(std::move(r));
}

void Api::ListAliases(const std::string& name, const net::HttpRequest& req,
                      net::Responder& respond) {
  auto max_items = ParseMaxItems(req.QueryParam("MaxItems"), kDefaultPageSize);
  if (!max_items.ok()) return respond(ErrorResponse(max_items.error()));
  if (auto found = Find(name); !found.ok()) return respond(ErrorResponse(found.error()));
  std::optional<std::string> version;
  if (std::string v = req.QueryParam("FunctionVersion"); !v.empty()) version = v;
  auto page = functions_.ListAliases(name, req.QueryParam("Marker"), *max_items, version);
  if (!page.ok()) return respond(ErrorResponse(page.error()));
  const std::string* next = page->next_marker ? &*page->next_marker : nullptr;
  respond(net::HttpResponse::Json(200, ListAliasesJson(arn_, page->aliases, next)));
}

}  // namespace kumo::api
