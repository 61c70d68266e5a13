#include "net/event_loop.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

namespace kumo::net {
namespace asio = boost::asio;

struct EventLoop::Impl {
  asio::io_context io{1};
  std::unique_ptr<asio::signal_set> signals;
  std::function<void(int)> on_signal;

  void WaitSignal() {
    signals->async_wait([this](const boost::system::error_code& ec, int sig) {
      if (ec) return;
      on_signal(sig);
      WaitSignal();
    });
  }
};

namespace {

class AsioTimer : public Timer {
 public:
  explicit AsioTimer(asio::io_context& io) : timer_(io) {}
  ~AsioTimer() override {
    *alive_ = false;
    timer_.cancel();
  }
  void Start(std::chrono::milliseconds delay, std::function<void()> callback) override {
    Cancel();
    auto generation = ++generation_;
    timer_.expires_after(delay);
    timer_.async_wait([this, generation, cb = std::move(callback), alive = alive_](
                          const boost::system::error_code& ec) {
      // `alive` outlives the timer object, so a late completion after destruction is harmless.
      if (ec || !*alive || generation != generation_) return;
      cb();
    });
  }
  void Cancel() override {
    ++generation_;
    timer_.cancel();
  }

 private:
  asio::steady_timer timer_;
  uint64_t generation_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

class AsioReadWatch : public ReadWatch {
 public:
  AsioReadWatch(asio::io_context& io, int fd, std::function<void()> cb)
      : desc_(io, fd),
        cb_(std::make_shared<std::function<void()>>(std::move(cb))),
        alive_(std::make_shared<bool>(true)) {
    Arm();
  }
  ~AsioReadWatch() override {
    *alive_ = false;
    boost::system::error_code ignored;
    desc_.cancel(ignored);
    desc_.release();  // the fd belongs to the caller
  }

 private:
  void Arm() {
    desc_.async_wait(asio::posix::descriptor_base::wait_read,
                     [this, alive = alive_, cb = cb_](const boost::system::error_code& ec) {
                       if (!*alive || ec) return;
                       // `cb` is a shared copy: the callback may destroy this watch.
                       (*cb)();
                       if (*alive) Arm();
                     });
  }
  asio::posix::stream_descriptor desc_;
  std::shared_ptr<std::function<void()>> cb_;
  std::shared_ptr<bool> alive_;
};

}  // namespace

EventLoop::EventLoop() : impl_(std::make_unique<Impl>()) {}
EventLoop::~EventLoop() = default;

void EventLoop::Run() {
  auto guard = asio::make_work_guard(impl_->io);
  impl_->io.run();
  // So that a later Run() runs again (tests drive the loop step by step).
  impl_->io.restart();
}
void EventLoop::Stop() { impl_->io.stop(); }
void EventLoop::Post(std::function<void()> fn) { asio::post(impl_->io, std::move(fn)); }
std::unique_ptr<Timer> EventLoop::NewTimer() { return std::make_unique<AsioTimer>(impl_->io); }
std::unique_ptr<ReadWatch> EventLoop::WatchReadable(int fd, std::function<void()> callback) {
  return std::make_unique<AsioReadWatch>(impl_->io, fd, std::move(callback));
}
void EventLoop::OnSignals(const std::vector<int>& signals, std::function<void(int)> callback) {
  impl_->signals = std::make_unique<asio::signal_set>(impl_->io);
  for (int s : signals) impl_->signals->add(s);
  impl_->on_signal = std::move(callback);
  impl_->WaitSignal();
}
void* EventLoop::native() { return &impl_->io; }

}  // namespace kumo::net
