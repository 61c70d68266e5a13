#pragma once
// The server's single event loop (a Boost.Asio io_context behind a small interface so that
// Asio's headers stay in the few files that need them). Every kumo object that uses a loop
// belongs to it and is only touched from the thread that runs it; other threads Post().

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

namespace kumo::net {

// A one-shot timer. Destroying it cancels it; the callback never runs after Cancel().
class Timer {
 public:
  virtual ~Timer() = default;
  virtual void Start(std::chrono::milliseconds delay, std::function<void()> callback) = 0;
  virtual void Cancel() = 0;
};

// Calls back each time a file descriptor becomes readable, until destroyed (the callback may
// destroy its own watch). Does not own the fd.
class ReadWatch {
 public:
  virtual ~ReadWatch() = default;
};

class EventLoop {
 public:
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Runs until Stop() is called; may be called again afterwards.
  void Run();
  void Stop();
  // Thread-safe.
  void Post(std::function<void()> fn);
  std::unique_ptr<Timer> NewTimer();
  std::unique_ptr<ReadWatch> WatchReadable(int fd, std::function<void()> callback);
  // Calls back on the loop for each listed signal that arrives.
  void OnSignals(const std::vector<int>& signals, std::function<void(int)> callback);
  // The underlying boost::asio::io_context*, for the net library's own files.
  void* native();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kumo::net
