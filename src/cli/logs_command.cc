// `kumo logs NAME [--follow]`: prints a function's log events, long-polling for more if asked.

#include <boost/json.hpp>

#include <ctime>

#include "cli/command_util.h"
#include "cli/commands.h"

namespace kumo::cli {
namespace {

namespace json = boost::json;

constexpr int kPageLimit = 1000;
constexpr int kFollowWaitSeconds = 20;

// How many events a page held and the `after` value that continues behind it.
struct PageResult {
  size_t count = 0;
  int64_t continue_after = 0;
};

// Prints the page's events as "<ISO time> <message>" lines.
Result<PageResult> PrintPage(const HttpReply& reply, int64_t after, std::ostream& out) {
  KUMO_ASSIGN_OR_RETURN(json::object page, JsonObjectBody(reply));
  // nextSeq is the seq the next event will get, so the page after this one is after=nextSeq-1.
  PageResult result{0, std::max(after, IntField(page, "nextSeq", after + 1) - 1)};
  const json::value* events = page.if_contains("events");
  if (!events || !events->is_array()) return result;
  for (const json::value& event : events->as_array()) {
    if (!event.is_object()) continue;
    const json::object& fields = event.as_object();
    std::string message = StringField(fields, "message");
    if (!message.empty() && message.back() == '\n') message.pop_back();
    out << IsoTimeFromMillis(IntField(fields, "timestamp", 0)) << ' ' << message << '\n';
    result.continue_after = std::max(result.continue_after, IntField(fields, "seq", 0));
    ++result.count;
  }
  // Followers watch this live, so each page shows up at once rather than when the buffer fills.
  out.flush();
  return result;
}

}  // namespace

std::string IsoTimeFromMillis(int64_t millis) {
  std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  int ms = static_cast<int>(millis % 1000);
  if (ms < 0) {
    ms += 1000;
    --seconds;
  }
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &utc);
  char with_ms[48];
  std::snprintf(with_ms, sizeof(with_ms), "%s.%03dZ", text, ms);
  return with_ms;
}

int ShowLogs(Transport& transport, const std::string& name, bool follow, Io io) {
  if (follow) transport.CatchInterrupt();
  int64_t after = 0;
  while (true) {
    int wait = follow ? kFollowWaitSeconds : 0;
    Result<HttpReply> reply =
        SendExpectingSuccess(transport, LogsRequest(name, after, wait, kPageLimit), name);
    if (!reply.ok()) {
      if (transport.Interrupted()) return 0;
      return Fail(io.err, reply.error().message);
    }
    Result<PageResult> page = PrintPage(*reply, after, io.out);
    if (!page.ok()) return Fail(io.err, page.error().message);
    after = page->continue_after;
    // Without --follow, stop once a page came back short: everything so far has been shown.
    if (!follow && page->count < static_cast<size_t>(kPageLimit)) return 0;
  }
}

}  // namespace kumo::cli
