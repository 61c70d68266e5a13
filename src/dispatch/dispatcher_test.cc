// The dispatcher and its pools against a fake launcher: each fake instance is a real loopback
// listening socket plus a pipe and an eventfd standing in for the process, and the test plays the
// runtime over real HTTP. No processes, no sandbox; timing-free.
#include "dispatch/dispatcher.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <atomic>
#include <future>
#include <thread>

namespace kumo::dispatch {
namespace {

class FakeInstance : public sandbox::Instance {
 public:
  // `terminated` outlives the instance (the dispatcher destroys instances it is done with).
  explicit FakeInstance(std::atomic<int>* terminated) : terminated_(terminated) {
    listen_.Reset(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listen_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    listen(listen_.get(), 8);
    socklen_t len = sizeof(addr);
    getsockname(listen_.get(), reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    int fds[2];
    pipe2(fds, O_CLOEXEC);
    out_read_.Reset(fds[0]);
    out_write_.Reset(fds[1]);
    exit_.Reset(eventfd(0, EFD_CLOEXEC));
  }
  pid_t pid() const override { return 0; }
  int pidfd() const override { return exit_.get(); }
  int output_fd() const override { return out_read_.get(); }
  std::vector<int> listen_fds() const override { return {listen_.get()}; }
  std::vector<UniqueFd> TakeListenFds() override {
    std::vector<UniqueFd> fds;
    fds.push_back(std::move(listen_));
    return fds;
  }
  std::vector<std::string> listen_addresses() const override {
    return {"127.0.0.1:" + std::to_string(port_)};
  }
  uint64_t MaxMemoryUsedBytes() const override { return 42ull << 20; }
  bool OomKilled() const override { return oom_; }
  void Terminate() override { ++*terminated_; }
  void Kill() override { Exit(W_EXITCODE(0, SIGKILL)); }
  int Reap() override { return status_; }
  bool HasExited() override { return exited_; }

  // Test side: the process "exits" with `status` (as waitpid reports it).
  void Exit(int status) {
    if (exited_) return;
    exited_ = true;
    status_ = status;
    uint64_t one = 1;
    (void)!write(exit_.get(), &one, sizeof(one));
  }
  void Print(const std::string& text) { (void)!write(out_write_.get(), text.data(), text.size()); }
  uint16_t port() const { return port_; }
  bool oom_ = false;

 private:
  UniqueFd listen_, out_read_, out_write_, exit_;
  std::atomic<int>* terminated_;
  uint16_t port_ = 0;
  int status_ = 0;
  bool exited_ = false;
};

class FakeLauncher : public sandbox::Launcher {
 public:
  const sandbox::Capabilities& capabilities() const override { return caps_; }
  Result<std::unique_ptr<sandbox::Instance>> Launch(const sandbox::InstanceSpec& spec) override {
    specs.push_back(spec);
    auto instance = std::make_unique<FakeInstance>(&terminated);
    std::lock_guard<std::mutex> lock(mu);
    launched.push_back(instance.get());
    return std::unique_ptr<sandbox::Instance>(std::move(instance));
  }
  void CleanupStale() override {}
  FakeInstance* Wait(size_t index) {
    while (true) {
      {
        std::lock_guard<std::mutex> lock(mu);
        if (launched.size() > index) return launched[index];
      }
      std::this_thread::yield();
    }
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mu);
    return launched.size();
  }
  std::mutex mu;  // guards launched: the loop thread appends, the test thread reads
  std::vector<FakeInstance*> launched;
  std::vector<sandbox::InstanceSpec> specs;
  std::atomic<int> terminated{0};  // Terminate() calls over all instances

 private:
  sandbox::Capabilities caps_;
};

// A tiny blocking HTTP client playing the runtime over one kept-alive connection.
class RuntimeClient {
 public:
  explicit RuntimeClient(uint16_t port) {
    fd_.Reset(socket(AF_INET, SOCK_STREAM, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connect(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  }
  // Returns {request id, body}.
  std::pair<std::string, std::string> Next() {
    Send("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string head, body;
    Read(&head, &body);
    std::string key = "Lambda-Runtime-Aws-Request-Id: ";
    size_t at = head.find(key);
    std::string id = at == std::string::npos
                         ? ""
                         : head.substr(at + key.size(), head.find("\r\n", at) - at - key.size());
    return {id, body};
  }
  int Post(const std::string& path, const std::string& body,
           const std::string& extra_headers = "") {
    Send("POST " + path + " HTTP/1.1\r\nHost: x\r\n" + extra_headers +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    std::string head, reply;
    Read(&head, &reply);
    return head.size() > 12 ? std::stoi(head.substr(9, 3)) : 0;
  }

 private:
  void Send(const std::string& data) { (void)!send(fd_.get(), data.data(), data.size(), 0); }
  void Read(std::string* head, std::string* body) {
    while (buf_.find("\r\n\r\n") == std::string::npos) Fill();
    size_t end = buf_.find("\r\n\r\n");
    *head = buf_.substr(0, end);
    size_t cl = head->find("Content-Length: ");
    size_t length = cl == std::string::npos ? 0 : std::stoul(head->substr(cl + 16));
    while (buf_.size() < end + 4 + length) Fill();
    *body = buf_.substr(end + 4, length);
    buf_.erase(0, end + 4 + length);
  }
  void Fill() {
    char tmp[4096];
    ssize_t n = recv(fd_.get(), tmp, sizeof(tmp), 0);
    if (n <= 0) throw std::runtime_error("runtime connection closed");
    buf_.append(tmp, n);
  }
  UniqueFd fd_;
  std::string buf_;
};

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.runtimes_dir = "/nonexistent";
    options_.max_concurrency = 5;
    options_.memory_budget = 256ull << 20;
    dispatcher_ = std::make_unique<Dispatcher>(loop_, launcher_, logs_, options_);
    thread_ = std::thread([this] { loop_.Run(); });
    config_.name = "fn";
    config_.runtime = "python3.12";
    config_.handler = "app.handler";
    config_.timeout_s = 30;
    config_.revision_id = "r1";
    config_.environment = {{"GREETING", "hi"}};
  }
  void TearDown() override {
    std::promise<void> stopped;
    loop_.Post([&] { dispatcher_->Shutdown(std::chrono::milliseconds(0), [&] { stopped.set_value(); }); });
    stopped.get_future().wait();
    loop_.Post([this] {
      dispatcher_.reset();
      loop_.Stop();
    });
    thread_.join();
  }
  // Runs fn on the loop thread and waits for it.
  void OnLoop(std::function<void()> fn) {
    std::promise<void> ran;
    loop_.Post([&] {
      fn();
      ran.set_value();
    });
    ran.get_future().wait();
  }
  std::future<InvokeResult> Invoke(const std::string& payload) { return Invoke(config_, payload); }
  std::future<InvokeResult> Invoke(store::FunctionConfig config, const std::string& payload) {
    auto promise = std::make_shared<std::promise<InvokeResult>>();
    auto future = promise->get_future();
    loop_.Post([this, config, payload, promise] {
      InvokeRequest request;
      request.request_id = "req-" + std::to_string(++requests_);
      request.payload = payload;
      dispatcher_->Invoke(config, "/code", std::move(request),
                          [promise](InvokeResult r) { promise->set_value(std::move(r)); });
    });
    return future;
  }

  net::EventLoop loop_;
  FakeLauncher launcher_;
  telemetry::LogStore logs_;
  DispatcherOptions options_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::thread thread_;
  store::FunctionConfig config_;
  int requests_ = 0;
};

TEST_F(DispatcherTest, ColdThenWarmOnTheSameInstance) {
  auto first = Invoke(R"({"n":1})");
  FakeInstance* instance = launcher_.Wait(0);
  RuntimeClient runtime(instance->port());
  auto [id, body] = runtime.Next();
  EXPECT_EQ(body, R"({"n":1})");
  instance->Print("hello from the function\n");
  EXPECT_EQ(runtime.Post("/2018-06-01/runtime/invocation/" + id + "/response", "\"one\""), 202);
  InvokeResult r1 = first.get();
  EXPECT_FALSE(r1.function_error);
  EXPECT_EQ(r1.payload, "\"one\"");
  EXPECT_NE(r1.log.find("START RequestId: " + id), std::string::npos) << r1.log;
  EXPECT_NE(r1.log.find("hello from the function"), std::string::npos) << r1.log;
  EXPECT_NE(r1.log.find("Max Memory Used: 42 MB"), std::string::npos) << r1.log;
  EXPECT_NE(r1.log.find("Init Duration"), std::string::npos) << r1.log;

  auto second = Invoke(R"({"n":2})");
  auto [id2, body2] = runtime.Next();
  EXPECT_EQ(body2, R"({"n":2})");
  runtime.Post("/2018-06-01/runtime/invocation/" + id2 + "/response", "\"two\"");
  InvokeResult r2 = second.get();
  EXPECT_EQ(r2.payload, "\"two\"");
  EXPECT_EQ(r2.log.find("Init Duration"), std::string::npos) << r2.log;
  EXPECT_EQ(launcher_.count(), 1u);
  // The environment carries Lambda's variables and the function's own.
  const auto& env = launcher_.specs[0].env;
  auto has = [&](const std::string& kv) {
    return std::find(env.begin(), env.end(), kv) != env.end();
  };
  EXPECT_TRUE(has("AWS_LAMBDA_FUNCTION_NAME=fn"));
  EXPECT_TRUE(has("_HANDLER=app.handler"));
  EXPECT_TRUE(has("GREETING=hi"));
}

TEST_F(DispatcherTest, HttpFunctionsNeedNetworkNamespaces) {
  store::FunctionConfig config = config_;
  config.runtime = "http";
  config.handler = "";
  InvokeResult r = Invoke(config, "{}").get();
  ASSERT_TRUE(r.platform_error.has_value());
  EXPECT_NE(r.platform_error->message.find(
                "http functions need network namespaces (run kumo as root)"),
            std::string::npos)
      << r.platform_error->message;
  EXPECT_EQ(launcher_.count(), 0u);
}

TEST_F(DispatcherTest, AnswerForAnotherRequestIdIsRefused) {
  auto pending = Invoke("{}");
  FakeInstance* instance = launcher_.Wait(0);
  RuntimeClient runtime(instance->port());
  auto [id, body] = runtime.Next();
  EXPECT_EQ(runtime.Post("/2018-06-01/runtime/invocation/not-" + id + "/response", "1"), 400);
  runtime.Post("/2018-06-01/runtime/invocation/" + id + "/response", "2");
  EXPECT_EQ(pending.get().payload, "2");
}

TEST_F(DispatcherTest, FunctionErrorIsNormalised) {
  auto pending = Invoke("{}");
  RuntimeClient runtime(launcher_.Wait(0)->port());
  auto [id, body] = runtime.Next();
  runtime.Post("/2018-06-01/runtime/invocation/" + id + "/error",
               R"({"errorMessage":"boom","trace":["at x"]})",
               "Lambda-Runtime-Function-Error-Type: Runtime.UserError\r\n");
  InvokeResult r = pending.get();
  EXPECT_TRUE(r.function_error);
  EXPECT_EQ(r.payload,
            R"({"errorMessage":"boom","errorType":"Runtime.UserError","stackTrace":["at x"]})");
}

TEST_F(DispatcherTest, ConcurrentCallsStartSeparateInstances) {
  auto a = Invoke(R"("a")");
  auto b = Invoke(R"("b")");
  FakeInstance* first = launcher_.Wait(0);
  FakeInstance* second = launcher_.Wait(1);
  RuntimeClient ra(first->port()), rb(second->port());
  auto [ida, bodya] = ra.Next();
  auto [idb, bodyb] = rb.Next();
  EXPECT_NE(bodya, bodyb);
  ra.Post("/2018-06-01/runtime/invocation/" + ida + "/response", bodya);
  rb.Post("/2018-06-01/runtime/invocation/" + idb + "/response", bodyb);
  EXPECT_EQ(a.get().payload, R"("a")");
  EXPECT_EQ(b.get().payload, R"("b")");
}

TEST_F(DispatcherTest, RuntimeExitMidInvocationIsAnErrorAndNextCallStartsFresh) {
  auto pending = Invoke("{}");
  FakeInstance* instance = launcher_.Wait(0);
  RuntimeClient runtime(instance->port());
  runtime.Next();
  instance->Exit(W_EXITCODE(3, 0));
  InvokeResult r = pending.get();
  EXPECT_TRUE(r.function_error);
  EXPECT_NE(r.payload.find("Runtime exited with error: exit status 3"), std::string::npos);
  EXPECT_NE(r.payload.find("Runtime.ExitError"), std::string::npos);

  auto next = Invoke("{}");
  FakeInstance* fresh = launcher_.Wait(1);
  RuntimeClient runtime2(fresh->port());
  auto [id, body] = runtime2.Next();
  runtime2.Post("/2018-06-01/runtime/invocation/" + id + "/response", "3");
  EXPECT_EQ(next.get().payload, "3");
}

TEST_F(DispatcherTest, OutOfMemoryIsReportedAsSuch) {
  auto pending = Invoke("{}");
  FakeInstance* instance = launcher_.Wait(0);
  RuntimeClient runtime(instance->port());
  runtime.Next();
  instance->oom_ = true;
  instance->Exit(W_EXITCODE(0, SIGKILL));
  InvokeResult r = pending.get();
  EXPECT_NE(r.payload.find("Runtime.OutOfMemory"), std::string::npos) << r.payload;
  EXPECT_NE(r.payload.find("signal: killed"), std::string::npos) << r.payload;
}

TEST_F(DispatcherTest, InitErrorGoesToTheWaitingCall) {
  auto pending = Invoke("{}");
  FakeInstance* instance = launcher_.Wait(0);
  RuntimeClient runtime(instance->port());
  runtime.Post("/2018-06-01/runtime/init/error",
               R"({"errorMessage":"Unable to import module 'app'","errorType":"Runtime.ImportModuleError"})");
  InvokeResult r = pending.get();
  EXPECT_TRUE(r.function_error);
  EXPECT_NE(r.payload.find("Runtime.ImportModuleError"), std::string::npos) << r.payload;
}

TEST_F(DispatcherTest, UpdatedFunctionGetsANewInstance) {
  auto first = Invoke("{}");
  FakeInstance* old_instance = launcher_.Wait(0);
  RuntimeClient runtime(old_instance->port());
  auto [id, body] = runtime.Next();
  runtime.Post("/2018-06-01/runtime/invocation/" + id + "/response", "\"old\"");
  first.get();
  config_.revision_id = "r2";
  auto second = Invoke("{}");
  FakeInstance* new_instance = launcher_.Wait(1);
  RuntimeClient runtime2(new_instance->port());
  auto [id2, body2] = runtime2.Next();
  runtime2.Post("/2018-06-01/runtime/invocation/" + id2 + "/response", "\"new\"");
  EXPECT_EQ(second.get().payload, "\"new\"");
}

TEST_F(DispatcherTest, AWarmInstanceFinishingEarlyBeatsAColdOneStillStarting) {
  auto first = Invoke(R"("first")");
  FakeInstance* warm = launcher_.Wait(0);
  RuntimeClient runtime(warm->port());
  auto [id1, body1] = runtime.Next();
  // A second call while the only instance is busy starts a new one...
  auto second = Invoke(R"("second")");
  FakeInstance* cold = launcher_.Wait(1);
  (void)cold;  // ...which never asks for work in this test: it is still "starting".
  runtime.Post("/2018-06-01/runtime/invocation/" + id1 + "/response", "1");
  EXPECT_EQ(first.get().payload, "1");
  // The warm instance, free first, takes the waiting call.
  auto [id2, body2] = runtime.Next();
  EXPECT_EQ(body2, R"("second")");
  runtime.Post("/2018-06-01/runtime/invocation/" + id2 + "/response", "2");
  InvokeResult r = second.get();
  EXPECT_EQ(r.payload, "2");
  EXPECT_EQ(r.start_type, StartType::kWarm);
}

TEST_F(DispatcherTest, ReservedConcurrencyThrottlesBeyondItsShare) {
  OnLoop([&] { dispatcher_->SetReservation("fn", 1); });
  auto first = Invoke("{}");
  auto second = Invoke("{}");
  InvokeResult throttled = second.get();
  ASSERT_TRUE(throttled.platform_error.has_value());
  EXPECT_EQ(throttled.platform_error->code, ErrorCode::kTooManyRequests);
  EXPECT_EQ(throttled.throttle_reason, "ReservedFunctionConcurrentInvocationLimitExceeded");
  RuntimeClient runtime(launcher_.Wait(0)->port());
  auto [id, body] = runtime.Next();
  runtime.Post("/2018-06-01/runtime/invocation/" + id + "/response", "1");
  EXPECT_EQ(first.get().payload, "1");
  // The slot is free again once the first call is answered.
  auto third = Invoke("{}");
  auto [id3, body3] = runtime.Next();
  runtime.Post("/2018-06-01/runtime/invocation/" + id3 + "/response", "3");
  EXPECT_EQ(third.get().payload, "3");
  OnLoop([&] { dispatcher_->SetReservation("fn", 0); });
  EXPECT_EQ(Invoke("{}").get().throttle_reason,
            "ReservedFunctionConcurrentInvocationLimitExceeded");
}

TEST_F(DispatcherTest, UnreservedFunctionsShareWhatIsLeft) {
  OnLoop([&] { dispatcher_->SetReservation("other", 4); });  // leaves 1 of 5
  auto first = Invoke("{}");
  EXPECT_EQ(Invoke("{}").get().throttle_reason, "ConcurrentInvocationLimitExceeded");
  RuntimeClient runtime(launcher_.Wait(0)->port());
  auto [id, body] = runtime.Next();
  runtime.Post("/2018-06-01/runtime/invocation/" + id + "/response", "1");
  EXPECT_EQ(first.get().payload, "1");
}

TEST_F(DispatcherTest, IdleInstanceOfAnotherFunctionIsEvictedWhenMemoryRunsOut) {
  config_.memory_mb = 128;
  auto a = Invoke("{}");
  FakeInstance* a_instance = launcher_.Wait(0);
  RuntimeClient ra(a_instance->port());
  auto [ida, bodya] = ra.Next();
  ra.Post("/2018-06-01/runtime/invocation/" + ida + "/response", "\"a\"");
  a.get();
  store::FunctionConfig big = config_;
  big.name = "big";
  big.memory_mb = 256;  // the whole budget: fn's idle instance must go first
  auto b = Invoke(big, "{}");
  FakeInstance* b_instance = launcher_.Wait(1);
  RuntimeClient rb(b_instance->port());
  auto [idb, bodyb] = rb.Next();
  rb.Post("/2018-06-01/runtime/invocation/" + idb + "/response", "\"b\"");
  EXPECT_EQ(b.get().payload, "\"b\"");
  EXPECT_EQ(logs_.Read("fn", 0, 100).back().message.find("stopped to make room") !=
                std::string::npos,
            true);
  store::FunctionConfig huge = config_;
  huge.name = "huge";
  huge.memory_mb = 512;  // can never fit
  InvokeResult r = Invoke(huge, "{}").get();
  ASSERT_TRUE(r.platform_error.has_value());
  EXPECT_EQ(r.platform_error->code, ErrorCode::kTooManyRequests);
}

TEST_F(DispatcherTest, ProvisionedInstanceIsReadyBeforeTrafficAndReportsNoInit) {
  OnLoop([&] { dispatcher_->SetProvisioned(config_, "/code", 1); });
  FakeInstance* instance = launcher_.Wait(0);
  EXPECT_EQ(launcher_.specs[0].id.substr(0, 1), "p");
  RuntimeClient runtime(instance->port());
  // Its first /next makes it ready; the status then says so.
  std::thread asker([&] {
    auto [id, body] = runtime.Next();
    runtime.Post("/2018-06-01/runtime/invocation/" + id + "/response", "\"p\"");
  });
  ProvisionedStatus status;
  while (status.ready == 0) {
    OnLoop([&] { status = dispatcher_->GetProvisionedStatus("fn", "$LATEST"); });
  }
  EXPECT_EQ(status.requested, 1);
  InvokeResult r = Invoke("{}").get();
  asker.join();
  EXPECT_EQ(r.payload, "\"p\"");
  EXPECT_EQ(r.start_type, StartType::kProvisioned);
  EXPECT_EQ(r.log.find("Init Duration"), std::string::npos) << r.log;
  EXPECT_EQ(launcher_.count(), 1u);
}

TEST_F(DispatcherTest, ShutdownAsksInstancesToStopThenKills) {
  auto pending = Invoke("{}");
  FakeInstance* instance = launcher_.Wait(0);
  RuntimeClient runtime(instance->port());
  runtime.Next();
  std::promise<void> stopped;
  OnLoop([&] { dispatcher_->Shutdown(std::chrono::milliseconds(0), [&] { stopped.set_value(); }); });
  InvokeResult r = pending.get();
  ASSERT_TRUE(r.platform_error.has_value());
  EXPECT_EQ(r.platform_error->code, ErrorCode::kUnavailable);
  stopped.get_future().wait();
  EXPECT_EQ(launcher_.terminated.load(), 1);
}

}  // namespace
}  // namespace kumo::dispatch
