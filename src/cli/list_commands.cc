// `kumo ls` and `kumo rm NAME`.

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <vector>

#include "cli/command_util.h"
#include "cli/commands.h"

namespace kumo::cli {
namespace {

namespace json = boost::json;

using Row = std::array<std::string, 5>;

// Lambda's own page size limit; fewer round trips for big accounts.
constexpr int kPageSize = 50;

Row RowOf(const json::object& function) {
  return {StringField(function, "FunctionName"), StringField(function, "Runtime"),
          std::to_string(IntField(function, "MemorySize", 0)),
          std::to_string(IntField(function, "Timeout", 0)), StringField(function, "LastModified")};
}

void PrintTable(const std::vector<Row>& rows, std::ostream& out) {
  std::array<size_t, 5> widths{};
  for (const Row& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  for (const Row& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    out << line << '\n';
  }
  out.flush();
}

}  // namespace

int ListFunctions(Transport& transport, Io io) {
  std::vector<Row> rows = {{"NAME", "RUNTIME", "MEMORY", "TIMEOUT", "LAST_MODIFIED"}};
  std::string marker;
  do {
    Result<HttpReply> reply =
        SendExpectingSuccess(transport, ListFunctionsRequest(marker, kPageSize), "");
    if (!reply.ok()) return Fail(io.err, reply.error().message);
    Result<json::object> page = JsonObjectBody(*reply);
    if (!page.ok()) return Fail(io.err, page.error().message);
    if (const json::value* functions = page->if_contains("Functions");
        functions && functions->is_array()) {
      for (const json::value& function : functions->as_array()) {
        if (function.is_object()) rows.push_back(RowOf(function.as_object()));
      }
    }
    std::string next = StringField(*page, "NextMarker");
    if (!next.empty() && next == marker) return Fail(io.err, "the server repeated page marker " + next);
    marker = next;
  } while (!marker.empty());
  PrintTable(rows, io.out);
  return 0;
}

int RemoveFunction(Transport& transport, const std::string& name, Io io) {
  Result<HttpReply> reply = SendExpectingSuccess(transport, DeleteFunctionRequest(name), name);
  if (!reply.ok()) return Fail(io.err, reply.error().message);
  io.out << "deleted " << name << std::endl;
  return 0;
}

}  // namespace kumo::cli
