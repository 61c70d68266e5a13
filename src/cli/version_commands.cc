// `kumo publish`, `kumo versions`, `kumo alias`, `kumo aliases` and `kumo concurrency`.

#include "cli/version_commands.h"

#include <boost/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <functional>

#include "cli/command_util.h"
#include "cli/error_line.h"
#include "cli/table.h"

namespace kumo::cli {
namespace {

namespace json = boost::json;

constexpr int kPageSize = 50;

// "2=0.3" for each additional version of a RoutingConfig, or "-".
std::string RoutingText(const json::object& alias) {
  std::string text;
  const json::value* routing = alias.if_contains("RoutingConfig");
  const json::value* weights =
      routing && routing->is_object() ? routing->as_object().if_contains("AdditionalVersionWeights")
                                      : nullptr;
  if (weights && weights->is_object()) {
    for (const auto& entry : weights->as_object()) {
      if (!entry.value().is_number()) continue;
      char share[32];
      std::snprintf(share, sizeof(share), "%g", entry.value().to_number<double>());
      if (!text.empty()) text += ',';
      text.append(entry.key()).append("=").append(share);
    }
  }
  return text.empty() ? "-" : text;
}

// Fetches every page of a list operation, calling `on_item` for each object in `list_key`.
Status ForEachListed(Transport& transport, std::string_view name, const char* list_key,
                     const std::function<HttpRequest(const std::string&)>& request_for_marker,
                     const std::function<void(const json::object&)>& on_item) {
  std::string marker;
  do {
    KUMO_ASSIGN_OR_RETURN(HttpReply reply,
                          SendExpectingSuccess(transport, request_for_marker(marker), name));
    KUMO_ASSIGN_OR_RETURN(json::object page, JsonObjectBody(reply));
    if (const json::value* items = page.if_contains(list_key); items && items->is_array()) {
      for (const json::value& item : items->as_array()) {
        if (item.is_object()) on_item(item.as_object());
      }
    }
    std::string next = StringField(page, "NextMarker");
    if (!next.empty() && next == marker) {
      return MakeError(ErrorCode::kInternal, "the server repeated page marker " + next);
    }
    marker = next;
  } while (!marker.empty());
  return Ok();
}

std::string DescribeAlias(const json::object& alias, const std::string& function) {
  std::string text = function + ":" + StringField(alias, "Name") + " -> version " +
                     StringField(alias, "FunctionVersion");
  std::string routing = RoutingText(alias);
  if (routing != "-") text += " (routing " + routing + ")";
  return text;
}

}  // namespace

Result<std::map<std::string, double>> ParseWeights(const std::vector<std::string>& items) {
  std::map<std::string, double> weights;
  for (const std::string& item : items) {
    size_t eq = item.find('=');
    char* end = nullptr;
    double weight = eq == std::string::npos ? -1 : std::strtod(item.c_str() + eq + 1, &end);
    if (eq == std::string::npos || eq == 0 || end == item.c_str() + eq + 1 || *end != '\0' ||
        !(weight >= 0.0 && weight <= 1.0)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "--weight wants VERSION=SHARE with SHARE from 0 to 1, got \"" + item + "\"");
    }
    weights[item.substr(0, eq)] = weight;
  }
  return weights;
}

int Publish(Transport& transport, const std::string& name,
            const std::optional<std::string>& description, Io io) {
  Result<HttpReply> reply =
      SendExpectingSuccess(transport, PublishVersionRequest(name, description), name);
  if (!reply.ok()) return Fail(io.err, reply.error().message);
  Result<json::object> version = JsonObjectBody(*reply);
  if (!version.ok()) return Fail(io.err, version.error().message);
  io.out << "published " << name << " version " << StringField(*version, "Version", "?")
         << " (code " << StringField(*version, "CodeSha256") << ")" << std::endl;
  return 0;
}

int ListVersions(Transport& transport, const std::string& name, Io io) {
  std::vector<std::vector<std::string>> rows = {
      {"VERSION", "CODE_SHA256", "LAST_MODIFIED", "DESCRIPTION"}};
  Status listed = ForEachListed(
      transport, name, "Versions",
      [&](const std::string& marker) { return ListVersionsRequest(name, marker, kPageSize); },
      [&](const json::object& v) {
        rows.push_back({StringField(v, "Version"), StringField(v, "CodeSha256"),
                        StringField(v, "LastModified"), StringField(v, "Description")});
      });
  if (!listed.ok()) return Fail(io.err, listed.error().message);
  PrintColumns(rows, io.out);
  return 0;
}

int SetAlias(Transport& transport, const AliasSpec& spec, Io io) {
  Result<HttpReply> existing = transport.Send(GetAliasRequest(spec.function, spec.alias));
  if (!existing.ok()) return Fail(io.err, existing.error().message);
  // A 404 may also mean the function is missing; CreateAlias then says so.
  bool create = existing->status == 404;
  if (!create && (existing->status < 200 || existing->status > 299)) {
    return Fail(io.err, DescribeErrorReply(*existing, spec.function));
  }
  HttpRequest request = create ? CreateAliasRequest(spec) : UpdateAliasRequest(spec);
  // No function name: a 404 may be about a version, and the server's message says which.
  Result<HttpReply> reply = SendExpectingSuccess(transport, request, "");
  if (!reply.ok()) return Fail(io.err, reply.error().message);
  Result<json::object> alias = JsonObjectBody(*reply);
  if (!alias.ok()) return Fail(io.err, alias.error().message);
  io.out << (create ? "created alias " : "updated alias ") << DescribeAlias(*alias, spec.function)
         << std::endl;
  return 0;
}

int RemoveAlias(Transport& transport, const std::string& name, const std::string& alias, Io io) {
  // No function name: a 404 here is usually the alias, and the server's message says which.
  Result<HttpReply> reply = SendExpectingSuccess(transport, DeleteAliasRequest(name, alias), "");
  if (!reply.ok()) return Fail(io.err, reply.error().message);
  io.out << "deleted alias " << name << ":" << alias << std::endl;
  return 0;
}

int ListAliases(Transport& transport, const std::string& name, Io io) {
  std::vector<std::vector<std::string>> rows = {{"NAME", "VERSION", "ROUTING", "DESCRIPTION"}};
  Status listed = ForEachListed(
      transport, name, "Aliases",
      [&](const std::string& marker) { return ListAliasesRequest(name, marker, kPageSize); },
      [&](const json::object& a) {
        rows.push_back({StringField(a, "Name"), StringField(a, "FunctionVersion"),
                        RoutingText(a), StringField(a, "Description")});
      });
  if (!listed.ok()) return Fail(io.err, listed.error().message);
  PrintColumns(rows, io.out);
  return 0;
}

int Concurrency(Transport& transport, const ConcurrencyArgs& args, Io io) {
  if (args.reserved && args.clear) return Fail(io.err, "give either --reserved or --clear");
  if (args.reserved && *args.reserved < 0) return Fail(io.err, "--reserved must be 0 or more");
  HttpRequest request = args.reserved ? PutConcurrencyRequest(args.name, *args.reserved)
                        : args.clear  ? DeleteConcurrencyRequest(args.name)
                                      : GetConcurrencyRequest(args.name);
  Result<HttpReply> reply = SendExpectingSuccess(transport, request, args.name);
  if (!reply.ok()) return Fail(io.err, reply.error().message);
  if (args.clear) {
    io.out << args.name << ": reserved concurrency removed" << std::endl;
    return 0;
  }
  Result<json::object> body = JsonObjectBody(*reply);
  if (!body.ok()) return Fail(io.err, body.error().message);
  int64_t reserved = IntField(*body, "ReservedConcurrentExecutions", -1);
  if (reserved < 0) {
    io.out << args.name << ": no reserved concurrency" << std::endl;
  } else {
    io.out << args.name << ": reserved concurrency " << reserved
           << (reserved == 0 ? " (throttled: every call is refused)" : "") << std::endl;
  }
  return 0;
}

}  // namespace kumo::cli
