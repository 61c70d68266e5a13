#pragma once
// One running instance of a function as its pool sees it: the sandboxed process, its private
// Runtime API channel (or, for http-runtime functions, the connection to the HTTP server it runs
// on its own loopback), its captured output and the invocation it is running. The pool owns it
// and decides everything; the instance only reports what happened through Owner. Loop thread
// only. Owner callbacks may not destroy the instance synchronously (the pool defers it).

#include <chrono>
#include <memory>
#include <string>

#include "common/result.h"
#include "dispatch/invocation.h"
#include "net/event_loop.h"
#include "net/http_client_connection.h"
#include "net/http_server.h"
#include "runtime/runtime_channel.h"
#include "sandbox/launcher.h"

namespace kumo::dispatch {

using SteadyTime = std::chrono::steady_clock::time_point;

// An invocation assigned to an instance, from delivery to its answer.
struct ActiveInvocation {
  InvokeRequest request;
  InvokeCallback done;
  SteadyTime started;
  StartType start_type = StartType::kWarm;
  bool cold = false;
  double init_ms = 0;
  std::string log;  // START..REPORT as text, for X-Amz-Log-Result
  std::unique_ptr<net::Timer> timeout;
  std::optional<net::HttpResponse> http_response;  // an http function's answer
  // Its body while it arrives; with no request.http_head it is collected into http_body.
  std::shared_ptr<net::BodyStream> http_stream;
  std::shared_ptr<std::string> http_body;
};

class PoolInstance : public runtime::RuntimeChannel::Listener {
 public:
  enum class State { kStarting, kIdle, kBusy, kStopping };

  class Owner {
   public:
    virtual ~Owner() = default;
    // Runtime API instances: the runtime asked for work. http instances: the port accepted a
    // connection.
    virtual void OnReady(PoolInstance* instance) = 0;
    // An http instance's answer to SendHttp as soon as its header arrived (the body follows in
    // its body_stream), or why there is none (connection failed or closed).
    virtual void OnHttpHead(PoolInstance* instance, Result<net::HttpResponse> response) = 0;
    // The body of that answer is complete, or broke off (the function's connection failed, or
    // the body's reader aborted it: then the connection is closed and the next SendHttp opens
    // a new one).
    virtual void OnHttpBodyEnd(PoolInstance* instance, Status status) = 0;
    virtual void OnResult(PoolInstance* instance, bool is_error, std::string body,
                          std::string error_type) = 0;
    virtual void OnInitError(PoolInstance* instance, std::string body,
                             std::string error_type) = 0;
    virtual void OnOutputLine(PoolInstance* instance, std::string line) = 0;
    virtual void OnExit(PoolInstance* instance, int wait_status, bool oom_killed) = 0;
  };

  // Launches the sandbox and starts serving its Runtime API channel and, when the sandbox
  // handed a second socket, kumo's API to the function (api_handler). With http_port (an
  // http-runtime function) it also polls that port on the instance's loopback until it accepts
  // a connection, which makes the instance ready; that needs network namespaces.
  static Result<std::unique_ptr<PoolInstance>> Start(net::EventLoop& loop,
                                                     sandbox::Launcher& launcher,
                                                     const sandbox::InstanceSpec& spec,
                                                     Owner* owner,
                                                     const net::HttpHandler& api_handler,
                                                     uint16_t http_port = 0);
  ~PoolInstance() override;

  void Deliver(runtime::RuntimeEvent event) { channel_->Deliver(std::move(event)); }
  // http instances: sends the request over the kept connection (reconnecting when the server
  // closed it); the answer comes through Owner::OnHttpHead and OnHttpBodyEnd, never
  // synchronously.
  void SendHttp(std::shared_ptr<const net::HttpRequest> request);
  // Kills the processes; OnExit follows once they are gone.
  void Kill();
  // Asks the runtime to stop (SIGTERM) before a Kill.
  void Terminate() { sandbox_->Terminate(); }
  // Reads whatever the instance has written so far (so a response's log lines are complete).
  void DrainOutput();
  uint64_t MaxMemoryUsedBytes() const { return sandbox_->MaxMemoryUsedBytes(); }
  const std::string& id() const { return id_; }

  // Fields the pool manages.
  State state = State::kStarting;
  SteadyTime launched_at;
  double init_ms = 0;
  bool ready = false;  // finished init (asked for work at least once)
  bool served_any = false;
  bool provisioned = false;  // kept warm by provisioned concurrency, never scaled to zero
  uint64_t memory_bytes = 0;  // counted against the server's memory budget while it lives
  bool evicted = false;       // stopped to make room; its memory is being released
  SteadyTime last_used;
  std::string init_log;  // output printed before the first invocation
  std::string init_error;  // the runtime's /init/error document, if it sent one
  std::unique_ptr<ActiveInvocation> active;
  std::unique_ptr<net::Timer> idle_timer;

 private:
  PoolInstance(std::string id, Owner* owner) : id_(std::move(id)), owner_(owner) {}
  // runtime::RuntimeChannel::Listener
  void OnReady() override { owner_->OnReady(this); }
  void OnResponse(const std::string& request_id, std::string body) override;
  void OnError(const std::string& request_id, std::string body, std::string type) override;
  void OnInitError(std::string body, std::string type) override;

  void OnOutputReadable();
  void OnProcessExit();
  void PollHttpReady();
  void ConnectAndSend(std::shared_ptr<const net::HttpRequest> request);
  void SendOnConnection(std::shared_ptr<const net::HttpRequest> request, bool reused);

  std::string id_;
  Owner* owner_;
  std::unique_ptr<sandbox::Instance> sandbox_;
  std::unique_ptr<runtime::RuntimeChannel> channel_;
  std::unique_ptr<net::HttpServer> api_server_;
  std::unique_ptr<net::ReadWatch> output_watch_;
  std::unique_ptr<net::ReadWatch> exit_watch_;
  std::string partial_line_;
  bool exited_ = false;
  net::EventLoop* loop_ = nullptr;
  uint16_t http_port_ = 0;
  std::unique_ptr<net::HttpClientConnection> http_;
  std::unique_ptr<net::Timer> poll_timer_;
  // Guards callbacks (connects, posts) that may complete after the instance is gone.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace kumo::dispatch
