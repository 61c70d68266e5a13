// Api's version operations: PublishVersion and ListVersionsByFunction, and the router for the
// versions and aliases sub-resources of a function.
#include "api/api.h"
#include "api/errors.h"
#include "api/paging.h"
#include "api/request_json.h"
#include "api/validation.h"

namespace kumo::api {
namespace json = boost::json;

namespace {

// Lambda's list operations return at most 50 items unless MaxItems says otherwise.
constexpr int kDefaultPageSize = 50;

}  // namespace

bool Api::RouteVersionsAndAliases(const std::vector<std::string>& parts, const std::string& name,
                                  const net::HttpRequest& req, net::Responder& respond) {
  const std::string& m = req.method;
  if (parts.size() == 2 && parts[1] == "versions") {
    if (m == "POST") {
      PublishVersion(name, req, respond);
      return true;
    }
    if (m == "GET") {
      ListVersions(name, req, respond);
      return true;
    }
  }
  if (parts.size() == 2 && parts[1] == "aliases") {
    if (m == "POST") {
      CreateAlias(name, req, respond);
      return true;
    }
    if (m == "GET") {
      ListAliases(name, req, respond);
      return true;
    }
  }
  if (parts.size() == 3 && parts[1] == "aliases") {
    if (m == "GET") {
      GetAlias(name, parts[2], respond);
      return true;
    }
    if (m == "PUT") {
      UpdateAlias(name, parts[2], req, respond);
      return true;
    }
    if (m == "DELETE") {
      DeleteAlias(name, parts[2], respond);
      return true;
    }
  }
  return false;
}

void Api::PublishVersion(const std::string& name, const net::HttpRequest& req,
                         net::Responder& respond) {
  std::optional<json::object> parsed = ParseJsonBodyOrRespond(req, respond);
  if (!parsed) return;
  const json::object& body = *parsed;
  auto field = [&](const char* key) { return StringField(body, key); };
  auto description = field("Description");
  auto code_sha256 = field("CodeSha256");
  auto revision_id = field("RevisionId");
  for (const auto* f : {&description, &code_sha256, &revision_id}) {
    if (!f->ok()) return respond(ErrorResponse(f->error()));
  }
  if (*description) {
    if (Status valid = ValidateDescription(**description); !valid.ok()) {
      return respond(ErrorResponse(valid.error()));
    }
  }
  auto latest = Find(name);
  if (!latest.ok()) return respond(ErrorResponse(latest.error()));
  if (*code_sha256 && **code_sha256 != latest->code_sha256) {
    return respond(ErrorResponse(MakeError(
        ErrorCode::kInvalidArgument,
        "CodeSHA256 (" + **code_sha256 + ") is different from current CodeSHA256 in $LATEST (" +
            latest->code_sha256 + "). Please try again with the CodeSHA256 in $LATEST.")));
  }
  if (*revision_id && **revision_id != latest->revision_id) {
    return respond(ErrorResponse(
        412, "PreconditionFailedException",
        "The Revision Id provided does not match the latest Revision Id. Call the "
        "GetFunction/GetAlias API to retrieve the latest Revision Id"));
  }
  auto published = functions_.PublishVersion(name, *description);
  if (!published.ok()) return respond(ErrorResponse(published.error()));
  respond(net::HttpResponse::Json(201, FunctionConfigurationJson(arn_, published->config)));
}

void Api::ListVersions(const std::string& name, const net::HttpRequest& req,
                       net::Responder& respond) {
  auto max_items = ParseMaxItems(req.QueryParam("MaxItems"), kDefaultPageSize);
  if (!max_items.ok()) return respond(ErrorResponse(max_items.error()));
  if (auto found = Find(name); !found.ok()) return respond(ErrorResponse(found.error()));
  auto page = functions_.ListVersions(name, req.QueryParam("Marker"), *max_items);
  if (!page.ok()) return respond(ErrorResponse(page.error()));
  const std::string* next = page->next_marker ? &*page->next_marker : nullptr;
  respond(net::HttpResponse::Json(200, ListVersionsJson(arn_, page->versions, next)));
}

}  // namespace kumo::api
