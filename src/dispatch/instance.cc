#include "dispatch/instance.h"

#include <fcntl.h>
#include <unistd.h>

namespace kumo::dispatch {
namespace {

// Lines longer than this are split, so one runaway print cannot hold unbounded memory.
constexpr size_t kMaxLineBytes = 256 * 1024;

}  // namespace

Result<std::unique_ptr<PoolInstance>> PoolInstance::Start(net::EventLoop& loop,
                                                          sandbox::Launcher& launcher,
                                                          const sandbox::InstanceSpec& spec,
                                                          Owner* owner,
                                                          const net::HttpHandler& api_handler) {
  std::unique_ptr<PoolInstance> self(new PoolInstance(spec.id, owner));
  self->launched_at = std::chrono::steady_clock::now();
  KUMO_ASSIGN_OR_RETURN(self->sandbox_, launcher.Launch(spec));
  std::vector<int> fds = self->sandbox_->listen_fds();
  if (fds.empty()) {
    self->sandbox_->Kill();
    return MakeError(ErrorCode::kInternal, "sandbox returned no Runtime API socket");
  }
  // The sandbox keeps its own descriptors; servers get duplicates they may close.
  self->channel_ = std::make_unique<runtime::RuntimeChannel>(
      loop, UniqueFd(fcntl(fds[0], F_DUPFD_CLOEXEC, 3)), self.get());
  if (fds.size() > 1 && api_handler) {
    self->api_server_ =
        net::HttpServer::Adopt(loop, UniqueFd(fcntl(fds[1], F_DUPFD_CLOEXEC, 3)), api_handler);
  }
  int out = self->sandbox_->output_fd();
  fcntl(out, F_SETFL, fcntl(out, F_GETFL) | O_NONBLOCK);
  PoolInstance* raw = self.get();
  self->output_watch_ = loop.WatchReadable(out, [raw] { raw->OnOutputReadable(); });
  self->exit_watch_ = loop.WatchReadable(self->sandbox_->pidfd(), [raw] { raw->OnProcessExit(); });
  return self;
}

PoolInstance::~PoolInstance() {
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
  owner_->OnExit(this, status, oom);
}

}  // namespace kumo::dispatch
