// `kumo api-key create`, `kumo api-key ls` and `kumo api-key rm`.

#include "cli/api_key_commands.h"

#include <boost/json.hpp>

#include <vector>

#include "cli/command_util.h"
#include "cli/requests.h"
#include "cli/table.h"

namespace kumo::cli {
namespace {

namespace json = boost::json;

constexpr std::string_view kApiKeys = "/kumo/v1/api-keys";
constexpr std::chrono::seconds kTimeout{60};

}  // namespace

HttpRequest CreateApiKeyRequest(std::string_view name) {
  return HttpRequest{"POST",
                     std::string(kApiKeys),
                     {{"Content-Type", "application/json"}},
                     json::serialize(json::object{{"Name", name}}),
                     kTimeout};
}

HttpRequest ListApiKeysRequest() {
  return HttpRequest{"GET", std::string(kApiKeys), {}, "", kTimeout};
}

HttpRequest DeleteApiKeyRequest(std::string_view id) {
  return HttpRequest{"DELETE", std::string(kApiKeys) + "/" + PercentEncode(id), {}, "", kTimeout};
}

int CreateApiKey(Transport& transport, const std::string& name, Io io) {
  if (name.empty()) return Fail(io.err, "the API key needs a name");
  // No function name: the server's message is about the key, not a function.
  Result<HttpReply> reply = SendExpectingSuccess(transport, CreateApiKeyRequest(name), "");
  if (!reply.ok()) return Fail(io.err, reply.error().message);
  Result<json::object> key = JsonObjectBody(*reply);
  if (!key.ok()) return Fail(io.err, key.error().message);
  std::string id = StringField(*key, "Id");
  std::string value = StringField(*key, "Value");
  // A key without its value would be unusable and cannot be shown again, so say so loudly.
  if (id.empty() || value.empty()) return Fail(io.err, "the server's reply has no key Id or Value");
  io.out << "created API key " << id << " (" << StringField(*key, "Name", name) << ")\n"
         << "value: " << value << "\n"
         << "the value is shown only once: store it now" << std::endl;
  return 0;
}

int ListApiKeys(Transport& transport, Io io) {
  Result<HttpReply> reply = SendExpectingSuccess(transport, ListApiKeysRequest(), "");
  if (!reply.ok()) return Fail(io.err, reply.error().message);
  Result<json::object> body = JsonObjectBody(*reply);
  if (!body.ok()) return Fail(io.err, body.error().message);
  std::vector<std::vector<std::string>> rows = {{"ID", "NAME", "PREFIX", "CREATED"}};
  if (const json::value* items = body->if_contains("Items"); items && items->is_array()) {
    for (const json::value& item : items->as_array()) {
      if (!item.is_object()) continue;
      const json::object& k = item.as_object();
      rows.push_back({StringField(k, "Id"), StringField(k, "Name"), StringField(k, "Prefix"),
                      StringField(k, "CreatedDate")});
    }
  }
  PrintColumns(rows, io.out);
  return 0;
}

int RevokeApiKey(Transport& transport, const std::string& id, Io io) {
  // An empty id would address the collection itself rather than a key.
  if (id.empty()) return Fail(io.err, "give the ID of the API key to revoke (see kumo api-key ls)");
  Result<HttpReply> reply = SendExpectingSuccess(transport, DeleteApiKeyRequest(id), "");
  if (!reply.ok()) return Fail(io.err, reply.error().message);
  io.out << "revoked " << id << std::endl;
  return 0;
}

}  // namespace kumo::cli
