#include "dispatch/function_pool.h"

#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "common/encoding.h"
#include "common/time_format.h"
#include "dispatch/error_document.h"
#include "dispatch/runtimes.h"

namespace kumo::dispatch {
namespace {

using Clock = std::chrono::steady_clock;

// The runtime gets its Runtime API and kumo's API on these ports of its own loopback.
constexpr uint16_t kRuntimeApiPort = 9001;
constexpr uint16_t kKumoApiPort = 9000;
// An http function's response read whole (Lambda Invoke): larger ones fail the invocation.
constexpr uint64_t kMaxBufferedHttpResponse = 80ull << 20;
// Enough of each invocation's log to return the last 4 KB for X-Amz-Log-Type: Tail.
constexpr size_t kKeptLogBytes = 8192;

double MillisSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string Fixed2(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f", v);
  return buf;
}

// Lambda's wording for a runtime that went away ("signal: killed", "exit status 1").
std::string ExitReason(int wait_status) {
  if (WIFSIGNALED(wait_status)) {
    int sig = WTERMSIG(wait_status);
    return sig == SIGKILL ? "signal: killed" : std::string("signal: ") + strsignal(sig);
  }
  if (WIFEXITED(wait_status)) {
    int code = WEXITSTATUS(wait_status);
    if (code == 0) return "";
    return "exit status " + std::to_string(code);
  }
  return "unknown status";
}

// An X-Ray style trace header: Root=1-<8 hex epoch seconds>-<24 hex random>.
std::string NewTraceId() {
  char epoch[16];
  std::snprintf(epoch, sizeof(epoch), "%08llx",
                static_cast<unsigned long long>(NowEpochMillis() / 1000));
  std::string random = NewUuid();
  random.erase(std::remove(random.begin(), random.end(), '-'), random.end());
  return std::string("Root=1-") + epoch + "-" + random.substr(0, 24) + ";Sampled=0";
}

void AppendCapped(std::string* log, const std::string& line) {
  log->append(line);
  log->push_back('\n');
  if (log->size() > 2 * kKeptLogBytes) log->erase(0, log->size() - kKeptLogBytes);
}

}  // namespace

FunctionPool::FunctionPool(PoolContext& context, store::FunctionConfig config,
                           std::string code_dir)
    : ctx_(context), config_(std::move(config)), code_dir_(std::move(code_dir)) {
  arn_ = "arn:aws:lambda:" + ctx_.options.region + ":" + ctx_.options.account_id +
         ":function:" + config_.name;
  if (config_.version != "$LATEST") arn_ += ":" + config_.version;
  auto runtime = LookupRuntime(config_.runtime);
  http_runtime_ = runtime && runtime->family == RuntimeFamily::kHttp;
  if (ctx_.instance_api) instance_api_ = ctx_.instance_api(config_);
}

FunctionPool::~FunctionPool() { *alive_ = false; }

void FunctionPool::Invoke(InvokeRequest request, InvokeCallback done) {
  if (draining_) {
    InvokeResult r;
    r.request_id = request.request_id;
    r.platform_error = MakeError(ErrorCode::kUnavailable, "function is being replaced; retry");
    done(std::move(r));
    return;
  }
  waiting_.push_back(Waiting{std::move(request), std::move(done)});
  Pump();
}

void FunctionPool::Pump() {
  if (draining_) return;
  while (!waiting_.empty()) {
    std::vector<InstanceView> views;
    std::vector<PoolInstance*> refs;
    for (const auto& instance : instances_) {
      views.push_back({instance->state == PoolInstance::State::kIdle, instance->provisioned,
                       instance->last_used});
      refs.push_back(instance.get());
    }
    std::optional<size_t> pick = PickInstance(views);
    if (!pick) break;
    PoolInstance* idle = refs[*pick];
    Waiting w = std::move(waiting_.front());
    waiting_.pop_front();
    Assign(idle, std::move(w));
  }
  int provisioned_live = 0;
  for (const auto& instance : instances_) {
    if (instance->provisioned && instance->state != PoolInstance::State::kStopping) {
      ++provisioned_live;
    }
  }
  while (provisioned_live < provisioned_target_ && StartInstance(/*provisioned=*/true)) {
    ++provisioned_live;
  }
  while (static_cast<int>(waiting_.size()) > starting_ && StartInstance(/*provisioned=*/false)) {
  }
}

int FunctionPool::ProvisionedReady() const {
  int ready = 0;
  for (const auto& instance : instances_) {
    if (instance->provisioned && instance->ready &&
        instance->state != PoolInstance::State::kStopping) {
      ++ready;
    }
  }
  return ready;
}

void FunctionPool::SetProvisioned(int count) {
  provisioned_target_ = count;
  provisioned_failure_.clear();
  int live = 0;
  for (auto& instance : instances_) {
    if (!instance->provisioned || instance->state == PoolInstance::State::kStopping) continue;
    if (++live > count && instance->state != PoolInstance::State::kBusy) instance->Kill();
  }
  Pump();
}

void FunctionPool::CollectIdle(std::vector<IdleInstanceInfo>* out,
                               std::vector<PoolInstance*>* handles) const {
  for (const auto& instance : instances_) {
    if (instance->state != PoolInstance::State::kIdle || instance->provisioned) continue;
    out->push_back(IdleInstanceInfo{instance->memory_bytes, instance->last_used, handles->size()});
    handles->push_back(instance.get());
  }
}

void FunctionPool::Evict(PoolInstance* instance) {
  instance->evicted = true;
  Log("", "instance " + instance->id() + " stopped to make room for another function", nullptr);
  instance->Kill();
}

void FunctionPool::TerminateAll() {
  for (auto& instance : instances_) instance->Terminate();
}

sandbox::InstanceSpec FunctionPool::BuildSpec(const std::string& instance_id,
                                              bool provisioned) const {
  sandbox::InstanceSpec spec;
  spec.id = instance_id;
  spec.code_dir = code_dir_;
  spec.runtime_dir = ctx_.options.runtimes_dir;
  spec.argv = InstanceArgv(*LookupRuntime(config_.runtime), config_.handler);
  spec.memory_bytes = static_cast<uint64_t>(config_.memory_mb) << 20;
  spec.listen_ports = {kRuntimeApiPort, kKumoApiPort};
  std::string kumo_api = "http://127.0.0.1:" + std::to_string(kKumoApiPort);
  auto now = std::chrono::system_clock::now();
  std::vector<std::pair<std::string, std::string>> env = {
      {"_HANDLER", config_.handler},
      {"AWS_EXECUTION_ENV", "AWS_Lambda_" + config_.runtime},
      {"AWS_LAMBDA_FUNCTION_NAME", config_.name},
      {"AWS_LAMBDA_FUNCTION_VERSION", config_.version},
      {"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", std::to_string(config_.memory_mb)},
      {"AWS_LAMBDA_INITIALIZATION_TYPE", provisioned ? "provisioned-concurrency" : "on-demand"},
      {"AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + config_.name},
      {"AWS_LAMBDA_LOG_STREAM_NAME", DatePath(now) + "/[" + config_.version + "]" + instance_id},
      {"AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + std::to_string(kRuntimeApiPort)},
      {"AWS_REGION", ctx_.options.region},
      {"AWS_DEFAULT_REGION", ctx_.options.region},
      {"AWS_ENDPOINT_URL", kumo_api},
      {"KUMO_ENDPOINT", kumo_api},
      {"LAMBDA_TASK_ROOT", "/var/task"},
      {"LAMBDA_RUNTIME_DIR", "/opt/kumo"},
      {"LANG", "C.UTF-8"},
      {"PATH", "/usr/local/bin:/usr/bin:/bin"},
      {"TZ", ":UTC"},
  };
  if (http_runtime_) env.emplace_back("PORT", std::to_string(kHttpFunctionPort));
  for (const auto& [key, value] : instance_api_.env) env.emplace_back(key, value);
  for (const auto& [key, value] : config_.environment) env.emplace_back(key, value);
  for (auto& [key, value] : env) spec.env.push_back(key + "=" + value);
  return spec;
}

bool FunctionPool::StartInstance(bool provisioned) {
  uint64_t bytes = static_cast<uint64_t>(config_.memory_mb) << 20;
  if (bytes > ctx_.options.memory_budget) {
    // It could never fit: say so rather than let calls wait forever.
    if (provisioned || waiting_.empty()) return false;
    Waiting w = std::move(waiting_.front());
    waiting_.pop_front();
    InvokeResult r;
    r.request_id = w.request.request_id;
    r.platform_error = MakeError(ErrorCode::kTooManyRequests,
                                 "MemorySize " + std::to_string(config_.memory_mb) +
                                     " MB is larger than the server's memory budget");
    r.throttle_reason = "ConcurrentInvocationLimitExceeded";
    w.done(std::move(r));
    return true;
  }
  if (!ctx_.capacity.AcquireMemory(this, bytes)) return false;
  // Provisioned instances are named p<n>, on-demand ones i<n>.
  std::string id = (provisioned ? "p" : "i") + std::to_string(ctx_.next_instance++);
  auto started = PoolInstance::Start(ctx_.loop, ctx_.launcher, BuildSpec(id, provisioned), this,
                                     instance_api_.handler, http_runtime_ ? kHttpFunctionPort : 0);
  if (!started.ok()) {
    ctx_.capacity.ReleaseMemory(bytes, false);
    ctx_.capacity.StartFinished();
    if (provisioned || waiting_.empty()) {
      Log("", "cannot start a provisioned instance: " + started.error().message, nullptr);
      return false;
    }
    // The sandbox could not start the program: the function's entry point is at fault when exec
    // failed, kumo otherwise.
    Waiting w = std::move(waiting_.front());
    waiting_.pop_front();
    const std::string& message = started.error().message;
    Log(w.request.request_id, "Error: " + message, nullptr);
    if (message.rfind("exec", 0) == 0) {
      FailWaiting(std::move(w),
                  MakeErrorDocument("Runtime.InvalidEntrypoint",
                                    "RequestId: " + w.request.request_id + " Error: " + message));
    } else {
      InvokeResult r;
      r.request_id = w.request.request_id;
      r.platform_error = MakeError(ErrorCode::kInternal, "cannot start instance: " + message);
      w.done(std::move(r));
    }
    return true;
  }
  std::unique_ptr<PoolInstance> instance = std::move(started.value());
  PoolInstance* raw = instance.get();
  raw->state = PoolInstance::State::kStarting;
  raw->provisioned = provisioned;
  raw->memory_bytes = bytes;
  raw->idle_timer = ctx_.loop.NewTimer();
  std::chrono::milliseconds init_timeout = ctx_.options.init_timeout;
  if (http_runtime_) {
    // A server that never listens would otherwise hold its caller for the whole init timeout
    // even when the function's own Timeout is shorter.
    init_timeout = std::min<std::chrono::milliseconds>(init_timeout,
                                                       std::chrono::seconds(config_.timeout_s));
  }
  raw->idle_timer->Start(init_timeout, [this, raw, init_timeout] {
    if (raw->state != PoolInstance::State::kStarting) return;
    std::string message = "Init timed out after " + Fixed2(init_timeout.count() / 1000.0) +
                          " seconds";
    if (http_runtime_) {
      message += ": nothing listened on port " + std::to_string(kHttpFunctionPort) +
                 " ($PORT) inside the instance";
    }
    raw->init_error = MakeErrorDocument("Runtime.InitTimeout", message);
    raw->Kill();
  });
  if (!provisioned) ++starting_;
  instances_.push_back(std::move(instance));
  return true;
}

void FunctionPool::Assign(PoolInstance* instance, Waiting w) {
  instance->idle_timer->Cancel();
  instance->state = PoolInstance::State::kBusy;
  auto active = std::make_unique<ActiveInvocation>();
  active->request = std::move(w.request);
  active->done = std::move(w.done);
  active->started = Clock::now();
  active->cold = !instance->served_any && !instance->provisioned;
  active->start_type = instance->provisioned ? StartType::kProvisioned
                       : active->cold        ? StartType::kCold
                                             : StartType::kWarm;
  active->init_ms = instance->init_ms;
  if (active->cold) active->log = std::move(instance->init_log);
  instance->served_any = true;
  const std::string& id = active->request.request_id;
  Log(id, "START RequestId: " + id + " Version: " + config_.version, &active->log);
  active->timeout = ctx_.loop.NewTimer();
  active->timeout->Start(std::chrono::seconds(config_.timeout_s), [this, instance] {
    if (!instance->active) return;
    std::string rid = instance->active->request.request_id;
    std::string message = "Task timed out after " + Fixed2(config_.timeout_s) + " seconds";
    Log(rid, Iso8601MillisZ(std::chrono::system_clock::now()) + " " + rid + " " + message,
        &instance->active->log);
    instance->Kill();
    Finish(instance, true,
           MakeErrorDocument("Sandbox.Timedout", "RequestId: " + rid + " Error: " + message));
  });
  runtime::RuntimeEvent event;
  event.request_id = id;
  event.payload = active->request.payload;
  event.deadline_ms = NowEpochMillis() + config_.timeout_s * 1000LL;
  event.function_arn = arn_;
  event.trace_id = NewTraceId();
  event.client_context = active->request.client_context;
  if (http_runtime_) {
    std::shared_ptr<const net::HttpRequest> request = active->request.http;
    if (!request) {
      // A Lambda Invoke of an http function: the payload is POSTed to "/".
      auto post = std::make_shared<net::HttpRequest>();
      post->method = "POST";
      post->target = "/";
      post->path = "/";
      // HTTP/1.1 servers may refuse a request without Host (Node.js answers 400).
      post->headers = {{"Host", "127.0.0.1:" + std::to_string(kHttpFunctionPort)},
                       {"Content-Type", "application/json"}};
      post->body = active->request.payload;
      request = std::move(post);
    }
    instance->active = std::move(active);
    instance->SendHttp(std::move(request));
    return;
  }
  instance->active = std::move(active);
  instance->Deliver(std::move(event));
}

void FunctionPool::Finish(PoolInstance* instance, bool is_error, std::string payload) {
  std::unique_ptr<ActiveInvocation> a = std::move(instance->active);
  a->timeout.reset();
  double duration = MillisSince(a->started);
  const std::string& id = a->request.request_id;
  Log(id, "END RequestId: " + id, &a->log);
  uint64_t max_used_mb = (instance->MaxMemoryUsedBytes() + (1 << 20) - 1) >> 20;
  std::string report = "REPORT RequestId: " + id + "\tDuration: " + Fixed2(duration) +
                       " ms\tBilled Duration: " +
                       std::to_string(static_cast<int64_t>(std::ceil(duration))) +
                       " ms\tMemory Size: " + std::to_string(config_.memory_mb) +
                       " MB\tMax Memory Used: " + std::to_string(max_used_mb) + " MB";
  if (a->cold) report += "\tInit Duration: " + Fixed2(a->init_ms) + " ms";
  Log(id, report, &a->log);
  InvokeResult r;
  r.request_id = id;
  r.function_error = is_error;
  r.payload = std::move(payload);
  r.log = std::move(a->log);
  r.executed_version = config_.version;
  r.start_type = a->start_type;
  r.http = std::move(a->http_response);
  a->done(std::move(r));
}

void FunctionPool::FailWaiting(Waiting w, const std::string& error_document) {
  InvokeResult r;
  r.request_id = w.request.request_id;
  r.function_error = true;
  r.payload = error_document;
  w.done(std::move(r));
}

void FunctionPool::MakeIdle(PoolInstance* instance) {
  instance->last_used = Clock::now();
  if (draining_ || (instance->provisioned && ProvisionedReady() > provisioned_target_)) {
    instance->Kill();
    return;
  }
  instance->state = PoolInstance::State::kIdle;
  if (!instance->provisioned) {
    // Scale to zero: an instance idle for its keep-alive stops and releases what it held.
    instance->idle_timer->Start(ctx_.keep_alive.IdleTimeout(config_),
                                [instance] { instance->Kill(); });
  }
  ctx_.capacity.InstanceIdle();
}

void FunctionPool::OnReady(PoolInstance* instance) {
  if (instance->state != PoolInstance::State::kStarting) return;
  if (!instance->provisioned) --starting_;
  instance->ready = true;
  ctx_.capacity.StartFinished();
  instance->init_ms = MillisSince(instance->launched_at);
  instance->idle_timer->Cancel();
  MakeIdle(instance);
  Pump();
}

void FunctionPool::OnHttpHead(PoolInstance* instance, Result<net::HttpResponse> response) {
  if (!instance->active) return;  // timed out or the instance exited first
  instance->DrainOutput();
  if (!response.ok()) {
    // The server dropped the connection without an answer (usually its process is exiting):
    // the instance cannot be trusted with more work.
    std::string rid = instance->active->request.request_id;
    std::string message = "RequestId: " + rid +
                          " Error: Runtime exited with error: the function's HTTP server did not "
                          "answer (" + response.error().message + ")";
    Log(rid, message, &instance->active->log);
    instance->Kill();
    Finish(instance, true, MakeErrorDocument("Runtime.ExitError", message));
    return;
  }
  ActiveInvocation& a = *instance->active;
  a.http_stream = response->body_stream;
  if (a.request.http_head) {
    // The caller passes the body on as it arrives; the invocation lasts until its end.
    a.request.http_head(std::move(response.value()));
    return;
  }
  a.http_body = std::make_shared<std::string>();
  response->body_stream.reset();
  a.http_response = std::move(response.value());
  // Completes inside the stream's end, before OnHttpBodyEnd.
  net::CollectBody(a.http_stream, kMaxBufferedHttpResponse,
                   [body = a.http_body](Result<std::string> collected) {
                     if (collected.ok()) *body = std::move(collected.value());
                   });
}

void FunctionPool::OnHttpBodyEnd(PoolInstance* instance, Status status) {
  if (!instance->active) return;  // timed out or the instance exited first
  instance->DrainOutput();
  ActiveInvocation& a = *instance->active;
  std::string rid = a.request.request_id;
  bool aborted = a.http_stream && a.http_stream->aborted();
  if (!status.ok() && !aborted) {
    // The function's server broke the response off: as for no answer at all.
    std::string message = "RequestId: " + rid +
                          " Error: Runtime exited with error: the function's HTTP server broke "
                          "its response off (" + status.error().message + ")";
    Log(rid, message, &a.log);
    instance->Kill();
    Finish(instance, true, MakeErrorDocument("Runtime.ExitError", message));
    return;
  }
  if (!status.ok() && !a.request.http_head) {
    std::string message = "RequestId: " + rid + " Error: the function's response is larger than " +
                          std::to_string(kMaxBufferedHttpResponse) + " bytes";
    Log(rid, message, &a.log);
    Finish(instance, true, MakeErrorDocument("Function.ResponseSizeTooLarge", message));
  } else if (!status.ok()) {
    // The client went away mid-response; the connection to the function is closed and the next
    // request opens a new one, so the instance itself is fine.
    Log(rid, "the client went away before the response ended", &a.log);
    Finish(instance, false, "");
  } else {
    std::string body = a.http_body ? std::move(*a.http_body) : std::string();
    if (a.http_response) a.http_response->body = body;
    Finish(instance, false, std::move(body));
  }
  if (instance->state == PoolInstance::State::kBusy) {
    MakeIdle(instance);
    Pump();
  }
}

void FunctionPool::OnResult(PoolInstance* instance, bool is_error, std::string body,
                            std::string error_type) {
  if (!instance->active) return;
  instance->DrainOutput();
  Finish(instance, is_error, is_error ? NormalizeErrorDocument(body, error_type) : std::move(body));
  if (instance->state == PoolInstance::State::kBusy) {
    MakeIdle(instance);
    Pump();
  }
}

void FunctionPool::OnInitError(PoolInstance* instance, std::string body, std::string error_type) {
  instance->init_error = NormalizeErrorDocument(body, error_type);
  if (instance->active) {
    // A runtime that fails "init" after taking work: the running invocation gets the error.
    Finish(instance, true, instance->init_error);
  }
  instance->Kill();
}

void FunctionPool::OnOutputLine(PoolInstance* instance, std::string line) {
  if (instance->active) {
    Log(instance->active->request.request_id, std::move(line), &instance->active->log);
  } else if (!instance->served_any) {
    Log("", std::move(line), &instance->init_log);
  } else {
    Log("", std::move(line), nullptr);
  }
}

void FunctionPool::OnExit(PoolInstance* instance, int wait_status, bool oom_killed) {
  if (instance->provisioned && !instance->ready && provisioned_target_ > 0) {
    // A provisioned instance that cannot finish init would be restarted forever: give up, as
    // Lambda marks the configuration FAILED, with the reason.
    provisioned_target_ = 0;
    provisioned_failure_ = instance->init_error.empty()
                               ? "instance exited during init: " + ExitReason(wait_status)
                               : instance->init_error;
    Log("", "provisioned concurrency failed: " + provisioned_failure_, nullptr);
  }
  if (!instance->ready) ctx_.capacity.StartFinished();  // it died during init
  bool was_starting = !instance->ready && !instance->provisioned;
  if (was_starting) --starting_;
  ctx_.capacity.ReleaseMemory(instance->memory_bytes, instance->evicted);
  instance->state = PoolInstance::State::kStopping;
  std::string reason = ExitReason(wait_status);
  if (instance->active) {
    std::string rid = instance->active->request.request_id;
    std::string message = "RequestId: " + rid + " Error: " +
                          (reason.empty() ? "Runtime exited without providing a reason"
                                          : "Runtime exited with error: " + reason);
    Log(rid, message, &instance->active->log);
    std::string type = oom_killed ? "Runtime.OutOfMemory" : "Runtime.ExitError";
    if (oom_killed) {
      Log(rid, "Runtime.OutOfMemory: the function used more than its " +
                   std::to_string(config_.memory_mb) + " MB memory limit",
          &instance->active->log);
    }
    Finish(instance, true, MakeErrorDocument(type, message));
  } else if (was_starting && !draining_ && static_cast<int>(waiting_.size()) > starting_) {
    // The instance died during init: the invocation that was waiting for it gets the reason.
    Waiting w = std::move(waiting_.front());
    waiting_.pop_front();
    std::string doc = instance->init_error;
    if (doc.empty()) {
      doc = MakeErrorDocument("Runtime.ExitError",
                              "RequestId: " + w.request.request_id + " Error: " +
                                  (reason.empty() ? "Runtime exited without providing a reason"
                                                  : "Runtime exited with error: " + reason));
    }
    Log(w.request.request_id, "INIT_REPORT Status: error\tError Type: " + ErrorTypeOf(doc),
        nullptr);
    FailWaiting(std::move(w), doc);
  }
  Remove(instance);
  Pump();
}

void FunctionPool::Remove(PoolInstance* instance) {
  for (auto it = instances_.begin(); it != instances_.end(); ++it) {
    if (it->get() != instance) continue;
    // Destroyed later: we may be inside one of the instance's own callbacks.
    std::shared_ptr<PoolInstance> doomed(std::move(*it));
    instances_.erase(it);
    ctx_.loop.Post([doomed] {});
    break;
  }
  if (draining_ && instances_.empty() && on_empty_) {
    auto fn = std::move(on_empty_);
    on_empty_ = nullptr;
    ctx_.loop.Post(std::move(fn));
  }
}

void FunctionPool::Drain(const Error& reason) {
  draining_ = true;
  provisioned_target_ = 0;
  auto waiting = std::move(waiting_);
  waiting_.clear();
  for (auto& w : waiting) {
    InvokeResult r;
    r.request_id = w.request.request_id;
    r.platform_error = reason;
    w.done(std::move(r));
  }
  for (auto& instance : instances_) {
    if (instance->state != PoolInstance::State::kBusy) instance->Kill();
  }
  if (instances_.empty() && on_empty_) {
    auto fn = std::move(on_empty_);
    on_empty_ = nullptr;
    ctx_.loop.Post(std::move(fn));
  }
}

void FunctionPool::KillAll(const std::string& reason) {
  for (auto& instance : instances_) {
    if (instance->active) {
      std::unique_ptr<ActiveInvocation> a = std::move(instance->active);
      InvokeResult r;
      r.request_id = a->request.request_id;
      r.platform_error = MakeError(ErrorCode::kUnavailable, reason);
      a->done(std::move(r));
    }
    instance->Kill();
  }
}

void FunctionPool::Log(const std::string& request_id, std::string line,
                       std::string* invocation_log) {
  if (invocation_log) AppendCapped(invocation_log, line);
  ctx_.logs.Append(config_.name, NowEpochMillis(), request_id, std::move(line));
}

}  // namespace kumo::dispatch
