#include "dispatch/instance.h"

#include <fcntl.h>
#include <unistd.h>

#include "sandbox/netns_socket.h"

namespace kumo::dispatch {
namespace {

// Lines longer than this are split, so one runaway print cannot hold unbounded memory.
constexpr size_t kMaxLineBytes = 256 * 1024;
// How often an http instance's port is tried until its server listens.
constexpr std::chrono::milliseconds kHttpPollInterval(5);

}  // namespace

Result<std::unique_ptr<PoolInstance>> PoolInstance::Start(net::EventLoop& loop,
                                                          sandbox::Launcher& launcher,
                                                          const sandbox::InstanceSpec& spec,
                                                          Owner* owner,
                                                          const net::HttpHandler& api_handler,
                                                          uint16_t http_port) {
  if (http_port != 0 && !launcher.capabilities().namespaces) {
    // kumo reaches the function's server through the instance's own network namespace.
    return MakeError(ErrorCode::kUnavailable,
                     "http functions need network namespaces (run kumo as root)");
  }
  std::unique_ptr<PoolInstance> self(new PoolInstance(spec.id, owner));
  self->loop_ = &loop;
  self->http_port_ = http_port;
  self->launched_at = std::chrono::steady_clock::now();
  KUMO_ASSIGN_OR_RETURN(self->sandbox_, launcher.Launch(spec));
  // The servers own the sockets outright: no duplicate stays open elsewhere, so closing one
  // closes the socket and ends its epoll registration at once.
  std::vector<UniqueFd> fds = self->sandbox_->TakeListenFds();
  if (fds.empty()) {
    self->sandbox_->Kill();
    return MakeError(ErrorCode::kInternal, "sandbox returned no Runtime API socket");
  }
  self->channel_ =
      std::make_unique<runtime::RuntimeChannel>(loop, std::move(fds[0]), self.get());
  if (fds.size() > 1 && api_handler) {
    self->api_server_ = net::HttpServer::Adopt(loop, std::move(fds[1]), api_handler);
  }
  int out = self->sandbox_->output_fd();
  fcntl(out, F_SETFL, fcntl(out, F_GETFL) | O_NONBLOCK);
  PoolInstance* raw = self.get();
  self->output_watch_ = loop.WatchReadable(out, [raw] { raw->OnOutputReadable(); });
  self->exit_watch_ = loop.WatchReadable(self->sandbox_->pidfd(), [raw] { raw->OnProcessExit(); });
  if (http_port != 0) {
    self->poll_timer_ = loop.NewTimer();
    // Not from inside Start: OnReady must not reach the pool before it holds the instance.
    loop.Post([raw, alive = self->alive_] {
      if (*alive) raw->PollHttpReady();
    });
  }
  return self;
}

PoolInstance::~PoolInstance() {
  *alive_ = false;
  poll_timer_.reset();
  http_.reset();
  output_watch_.reset();
  exit_watch_.reset();
  if (channel_) channel_->Close();
  if (api_server_) api_server_->CloseAll();
  if (sandbox_ && !exited_) {
    // Only reached on shutdown paths that could not wait for the exit; Reap blocks briefly.
    sandbox_->Kill();
    sandbox_->Reap();
  }
}

void PoolInstance::Kill() {
  state = State::kStopping;
  if (!exited_) sandbox_->Kill();
}

void PoolInstance::OnResponse(const std::string&, std::string body) {
  owner_->OnResult(this, false, std::move(body), "");
}

void PoolInstance::OnError(const std::string&, std::string body, std::string type) {
  owner_->OnResult(this, true, std::move(body), std::move(type));
}

void PoolInstance::OnInitError(std::string body, std::string type) {
  owner_->OnInitError(this, std::move(body), std::move(type));
}

void PoolInstance::DrainOutput() {
  if (!sandbox_) return;
  char buf[16384];
  while (true) {
    ssize_t n = ::read(sandbox_->output_fd(), buf, sizeof(buf));
    if (n <= 0) break;
    partial_line_.append(buf, static_cast<size_t>(n));
    size_t start = 0;
    while (true) {
      size_t nl = partial_line_.find('\n', start);
      if (nl == std::string::npos) break;
      owner_->OnOutputLine(this, partial_line_.substr(start, nl - start));
      start = nl + 1;
    }
    partial_line_.erase(0, start);
    if (partial_line_.size() > kMaxLineBytes) {
      owner_->OnOutputLine(this, std::move(partial_line_));
      partial_line_.clear();
    }
  }
}

void PoolInstance::OnOutputReadable() { DrainOutput(); }

void PoolInstance::OnProcessExit() {
  if (exited_) return;
  if (!sandbox_->HasExited()) return;  // a spurious wake-up: keep watching
  exited_ = true;
  DrainOutput();
  if (!partial_line_.empty()) {
    owner_->OnOutputLine(this, std::move(partial_line_));
    partial_line_.clear();
  }
  output_watch_.reset();
  exit_watch_.reset();  // the pidfd stays readable; stop watching it
  bool oom = sandbox_->OomKilled();
  int status = sandbox_->Reap();
  channel_->Close();
  if (api_server_) api_server_->CloseAll();
  if (poll_timer_) poll_timer_->Cancel();
  if (http_) http_->Close();
  owner_->OnExit(this, status, oom);
}

void PoolInstance::PollHttpReady() {
  if (exited_ || state == State::kStopping) return;
  auto retry = [this] {
    poll_timer_->Start(kHttpPollInterval, [this] { PollHttpReady(); });
  };
  auto sock = sandbox::SocketInNetworkOf(sandbox_->pid());
  if (!sock.ok()) return retry();
  net::HttpClientConnection::Connect(
      *loop_, std::move(sock.value()), "127.0.0.1", http_port_,
      [this, alive = alive_, retry](Result<std::unique_ptr<net::HttpClientConnection>> conn) {
        if (!*alive || exited_) return;
        if (!conn.ok()) return retry();
        // The first connection is kept for the first request.
        http_ = std::move(conn.value());
        owner_->OnReady(this);
      });
}

void PoolInstance::SendHttp(std::shared_ptr<const net::HttpRequest> request) {
  // A streamed upload cannot be sent twice, so it does not risk a kept connection the server
  // may have closed meanwhile.
  if (http_ && http_->is_open() && !request->body_stream) {
    // Asio never completes a handler inside the call that starts it, so the answer is async.
    SendOnConnection(std::move(request), /*reused=*/true);
  } else {
    ConnectAndSend(std::move(request));
  }
}

void PoolInstance::ConnectAndSend(std::shared_ptr<const net::HttpRequest> request) {
  auto fail = [this](Error error) {
    loop_->Post([this, alive = alive_, error = std::move(error)]() mutable {
      if (*alive) owner_->OnHttpHead(this, std::move(error));
    });
  };
  if (exited_) return fail(MakeError(ErrorCode::kUnavailable, "the instance has exited"));
  auto sock = sandbox::SocketInNetworkOf(sandbox_->pid());
  if (!sock.ok()) return fail(sock.error());
  net::HttpClientConnection::Connect(
      *loop_, std::move(sock.value()), "127.0.0.1", http_port_,
      [this, alive = alive_, request](Result<std::unique_ptr<net::HttpClientConnection>> conn) {
        if (!*alive) return;
        if (!conn.ok()) return owner_->OnHttpHead(this, conn.error());
        http_ = std::move(conn.value());
        SendOnConnection(request, /*reused=*/false);
      });
}

void PoolInstance::SendOnConnection(std::shared_ptr<const net::HttpRequest> request,
                                    bool reused) {
  http_->SendStreaming(
      *request,
      [this, alive = alive_, request, reused](Result<net::HttpResponse> r) {
        if (!*alive) return;
        if (!r.ok() && reused && !exited_) {
          // Most likely a kept-alive connection the server had closed while idle (Node's 5 s
          // keep-alive timeout): retry once on a new connection. A server that took the
          // request and then dropped the connection gets it twice; idempotent handlers are the
          // norm here.
          return ConnectAndSend(request);
        }
        owner_->OnHttpHead(this, std::move(r));
      },
      [this, alive = alive_](Status status) {
        if (*alive) owner_->OnHttpBodyEnd(this, std::move(status));
      });
}

}  // namespace kumo::dispatch
