// Api::ReadLogs: kumo's own log endpoint, a long poll for `kumo logs --follow`.
#include <algorithm>
#include <boost/json.hpp>

#include "api/api.h"
#include "api/errors.h"

namespace kumo::api {
namespace json = boost::json;
namespace {

constexpr int kMaxWaitSeconds = 30;

uint64_t ParseUint(const std::string& text, uint64_t fallback) {
  if (text.empty()) return fallback;
  char* end = nullptr;
  unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  return *end == '\0' ? v : fallback;
}

std::string EventsJson(const std::vector<telemetry::LogEvent>& events, uint64_t next_seq) {
  json::array list;
  for (const auto& e : events) {
    list.push_back(json::object{{"seq", e.seq},
                                {"timestamp", e.timestamp_ms},
                                {"requestId", e.request_id},
                                {"message", e.message}});
  }
  return json::serialize(json::object{{"events", std::move(list)}, {"nextSeq", next_seq}});
}

// One parked long-poll request: answered by whichever comes first, a new line or the timer.
struct LogWait {
  net::Responder respond;
  std::unique_ptr<net::Timer> timer;
  uint64_t waiter_id = 0;
  bool answered = false;
};

}  // namespace

void Api::ReadLogs(const std::string& name, const net::HttpRequest& req, net::Responder respond) {
  auto found = Find(name);
  if (!found.ok()) return respond(ErrorResponse(found.error()));
  uint64_t after = ParseUint(req.QueryParam("after"), 0);
  uint64_t limit = std::clamp<uint64_t>(ParseUint(req.QueryParam("limit"), 1000), 1, 10000);
  int wait = static_cast<int>(
      std::min<uint64_t>(ParseUint(req.QueryParam("wait"), 0), kMaxWaitSeconds));
  auto answer = [this, name, after, limit](net::Responder& r) {
    auto events = logs_.Read(name, after, limit);
    // nextSeq is the seq of the next event: pass nextSeq - 1 as `after` to continue.
    uint64_t next =
        events.empty() ? std::max(after + 1, logs_.NextSeq(name)) : events.back().seq + 1;
    r(net::HttpResponse::Json(200, EventsJson(events, next)));
  };
  if (wait == 0 || !logs_.Read(name, after, 1).empty()) return answer(respond);
  auto state = std::make_shared<LogWait>();
  state->respond = std::move(respond);
  state->timer = loop_.NewTimer();
  auto finish = [state, answer]() mutable {
    if (state->answered) return;
    state->answered = true;
    state->timer->Cancel();
    answer(state->respond);
  };
  state->waiter_id = logs_.WaitForAppend(name, finish);
  state->timer->Start(std::chrono::seconds(wait), [this, state, name, finish]() mutable {
    logs_.CancelWait(name, state->waiter_id);
    finish();
  });
}

}  // namespace kumo::api
