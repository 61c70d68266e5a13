#include "server/serve.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include "api/api.h"
#include "common/units.h"
#include "dispatch/dispatcher.h"
#include "gateway/gateway.h"
#include "server/event_services.h"
#include "store/gateway_store.h"
#include "net/event_loop.h"
#include "net/http_server.h"
#include "sandbox/launcher.h"
#include "store/bundle_store.h"
#include "store/function_store.h"
#include "telemetry/log_files.h"
#include "telemetry/log_store.h"

namespace kumo::server {
namespace fs = std::filesystem;
namespace {

struct ServeOptions {
  std::string listen = "127.0.0.1:9000";
  std::string data_dir = ".kumo-data";
  std::string runtimes_dir;
  std::string region = "us-east-1";
  std::string log_level = "info";
  int shutdown_grace_s = 5;
  int max_concurrency = 1000;
  std::string memory_budget;  // default: 3/4 of the machine's memory
  std::string keep_alive = "10m";
  std::string async_retry_delay = "1s";
  std::string gateway_listen;  // empty: no gateway
  std::string missed_schedules = "skip";
};

// Three quarters of physical memory: the rest stays for kumo, the page cache and the host.
uint64_t DefaultMemoryBudget() {
  long pages = sysconf(_SC_PHYS_PAGES);
  long page_size = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return 8ull << 30;
  return static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size) / 4 * 3;
}

fs::path ExecutableDir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::current_path() : exe.parent_path();
}

// The runtime shims live in the source tree's runtimes/ beside build/, or where installed.
std::string DefaultRuntimesDir() {
  for (fs::path candidate : {ExecutableDir() / ".." / "runtimes", fs::path("/usr/share/kumo/runtimes")}) {
    std::error_code ec;
    if (fs::exists(candidate / "python", ec)) return fs::weakly_canonical(candidate).string();
  }
  return (ExecutableDir() / ".." / "runtimes").string();
}

bool SplitHostPort(const std::string& text, std::string* host, uint16_t* port) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  *host = text.substr(0, colon);
  char* end = nullptr;
  long p = std::strtol(text.c_str() + colon + 1, &end, 10);
  if (*end != '\0' || p < 0 || p > 65535 || colon + 1 == text.size()) return false;
  *port = static_cast<uint16_t>(p);
  return true;
}

int Serve(const ServeOptions& options) {
  std::string host;
  uint16_t port = 0;
  if (!SplitHostPort(options.listen, &host, &port)) {
    std::fprintf(stderr, "kumo: --listen must be HOST:PORT, got \"%s\"\n", options.listen.c_str());
    return 2;
  }
  std::string gateway_host;
  uint16_t gateway_port = 0;
  if (!options.gateway_listen.empty() &&
      !SplitHostPort(options.gateway_listen, &gateway_host, &gateway_port)) {
    std::fprintf(stderr, "kumo: --gateway-listen must be HOST:PORT, got \"%s\"\n",
                 options.gateway_listen.c_str());
    return 2;
  }
  std::optional<uint64_t> memory_budget =
      options.memory_budget.empty() ? DefaultMemoryBudget() : ParseSize(options.memory_budget);
  if (!memory_budget || *memory_budget < (128ull << 20)) {
    std::fprintf(stderr, "kumo: --memory-budget must be a size of at least 128M, such as 8G\n");
    return 2;
  }
  std::optional<std::chrono::milliseconds> keep_alive = ParseDuration(options.keep_alive);
  if (!keep_alive || keep_alive->count() <= 0) {
    std::fprintf(stderr, "kumo: --keep-alive must be a duration such as 90s or 10m\n");
    return 2;
  }
  if (options.max_concurrency < 1) {
    std::fprintf(stderr, "kumo: --max-concurrency must be at least 1\n");
    return 2;
  }
  std::error_code ec;
  fs::create_directories(fs::path(options.data_dir) / "bundles", ec);
  if (ec) {
    std::fprintf(stderr, "kumo: cannot create data directory %s: %s\n", options.data_dir.c_str(),
                 ec.message().c_str());
    return 1;
  }
  fs::path data = fs::absolute(options.data_dir);
  auto functions = store::FunctionStore::Open((data / "kumo.db").string());
  if (!functions.ok()) {
    std::fprintf(stderr, "kumo: %s\n", functions.error().message.c_str());
    return 1;
  }
  auto gateway_store = store::GatewayStore::Open((data / "kumo.db").string());
  if (!gateway_store.ok()) {
    std::fprintf(stderr, "kumo: %s\n", gateway_store.error().message.c_str());
    return 1;
  }
  store::BundleStore bundles((data / "bundles").string());
  if (auto referenced = (*functions)->ReferencedBundles(); referenced.ok()) {
    bundles.RemoveUnreferenced(*referenced);
  }

  sandbox::LauncherOptions launcher_options;
  launcher_options.helper_path = (ExecutableDir() / "kumo-sandbox").string();
  launcher_options.scope = "s" + std::to_string(getpid());
  std::unique_ptr<sandbox::Launcher> launcher = sandbox::Launcher::Create(launcher_options);
  launcher->CleanupStale();
  for (const auto& warning : launcher->capabilities().warnings) {
    spdlog::warn("sandbox: {}", warning);
  }

  net::EventLoop loop;
  telemetry::LogStore logs;
  if (auto files = telemetry::LogFiles::Open((data / "logs").string()); files.ok()) {
    logs.AttachFiles(std::move(files).value());
  } else {
    spdlog::warn("logs are kept in memory only: {}", files.error().message);
  }
  dispatch::DispatcherOptions dispatch_options;
  dispatch_options.runtimes_dir =
      options.runtimes_dir.empty() ? DefaultRuntimesDir() : options.runtimes_dir;
  dispatch_options.region = options.region;
  dispatch_options.max_concurrency = options.max_concurrency;
  dispatch_options.memory_budget = *memory_budget;
  dispatch_options.keep_alive = *keep_alive;
  dispatch::Dispatcher dispatcher(loop, *launcher, logs, dispatch_options);
  api::ArnContext arn;
  arn.region = options.region;
  api::Api api(loop, **functions, bundles, **gateway_store, dispatcher, logs, arn);
  net::HttpHandler handler = [&api](net::HttpRequest&& req, net::Responder respond) {
    api.Handle(std::move(req), std::move(respond));
  };
  auto secret = api::CredentialIssuer::LoadOrCreateSecret((data / "instance-credentials.key").string());
  if (!secret.ok()) {
    std::fprintf(stderr, "kumo: %s\n", secret.error().message.c_str());
    return 1;
  }
  api::CredentialIssuer issuer(std::move(*secret));
  dispatcher.set_instance_api([&api, &issuer](const store::FunctionConfig& config) {
    dispatch::InstanceApi instance_api;
    instance_api.handler = [&api, &issuer, name = config.name](net::HttpRequest&& req,
                                                               net::Responder respond) {
      api.HandleFromInstance(name, issuer, std::move(req), std::move(respond));
    };
    api::InstanceCredentials c = issuer.For(config.name);
    instance_api.env = {{"AWS_ACCESS_KEY_ID", c.access_key_id},
                        {"AWS_SECRET_ACCESS_KEY", c.secret_access_key},
                        {"AWS_SESSION_TOKEN", c.session_token}};
    return instance_api;
  });
  EventServicesOptions event_options;
  event_options.data_dir = data;
  event_options.arn = arn;
  event_options.max_concurrency = options.max_concurrency;
  std::optional<std::chrono::milliseconds> retry_delay = ParseDuration(options.async_retry_delay);
  if (!retry_delay || retry_delay->count() <= 0) {
    std::fprintf(stderr, "kumo: --async-retry-delay must be a duration such as 1s or 1m\n");
    return 2;
  }
  event_options.async_retry_base_ms = retry_delay->count();
  auto missed = events::ParseMissedPolicy(options.missed_schedules);
  if (!missed.ok()) {
    std::fprintf(stderr, "kumo: --missed-schedules must be skip or run-once\n");
    return 2;
  }
  event_options.missed_schedules = *missed;
  auto events = EventServices::Create(loop, **functions, bundles, dispatcher, api, event_options);
  if (!events.ok()) {
    std::fprintf(stderr, "kumo: %s\n", events.error().message.c_str());
    return 1;
  }
  if (auto restored = api.RestoreState(); !restored.ok()) {
    spdlog::warn("restoring concurrency settings: {}", restored.error().message);
  }

  auto server = net::HttpServer::Listen(loop, host, port, handler);
  if (!server.ok()) {
    std::fprintf(stderr, "kumo: %s\n", server.error().message.c_str());
    return 1;
  }
  std::unique_ptr<gateway::Gateway> gateway;
  std::unique_ptr<net::HttpServer> gateway_server;
  if (!options.gateway_listen.empty()) {
    gateway::GatewayOptions gateway_options;
    gateway_options.access_log_path = (data / "access.log").string();
    gateway = std::make_unique<gateway::Gateway>(
        **gateway_store, dispatcher,
        [&](const std::string& name) -> Result<gateway::FunctionTarget> {
          KUMO_ASSIGN_OR_RETURN(store::FunctionConfig config, (*functions)->Get(name));
          std::string code_dir = bundles.PathFor(config.code_hex);
          return gateway::FunctionTarget{std::move(config), std::move(code_dir)};
        },
        gateway_options);
    net::HttpServerOptions gateway_http;
    gateway_http.max_body_bytes = 10 << 20;  // API Gateway's own limit; functions take 6 MB
    // Large and chunked uploads reach http functions as streams (the limit above is for
    // buffered bodies).
    gateway_http.stream_request_bodies = true;
    auto listening = net::HttpServer::Listen(
        loop, gateway_host, gateway_port,
        [&](net::HttpRequest&& req, net::Responder respond) {
          gateway->Handle(std::move(req), std::move(respond));
        },
        gateway_http);
    if (!listening.ok()) {
      std::fprintf(stderr, "kumo: gateway: %s\n", listening.error().message.c_str());
      return 1;
    }
    gateway_server = std::move(listening.value());
  }
  bool stopping = false;
  loop.OnSignals({SIGINT, SIGTERM}, [&](int sig) {
    if (stopping) {
      spdlog::warn("second signal: stopping now");
      loop.Stop();
      return;
    }
    stopping = true;
    spdlog::info("signal {}: draining", sig);
    (*server)->StopAccepting();
    if (gateway_server) gateway_server->StopAccepting();
    (*events)->Stop();
    dispatcher.Shutdown(std::chrono::seconds(options.shutdown_grace_s), [&] {
      (*server)->CloseAll();
      if (gateway_server) gateway_server->CloseAll();
      loop.Stop();
    });
  });
  std::printf("kumo api listening on http://%s:%u\n", host.c_str(), (*server)->port());
  if (gateway_server) {
    std::printf("kumo gateway listening on http://%s:%u\n", gateway_host.c_str(),
                gateway_server->port());
  }
  std::fflush(stdout);
  spdlog::info("data in {}, runtimes from {}", data.string(), dispatch_options.runtimes_dir);
  (*events)->Start();
  loop.Run();
  (*events)->Flush();
  logs.Flush();
  spdlog::info("stopped");
  return 0;
}

}  // namespace

int ServeMain(int argc, char** argv) {
  ServeOptions options;
  CLI::App app{"kumo serve: run the kumo server", "kumo serve"};
  app.add_option("--listen", options.listen, "HOST:PORT for the API (port 0 picks a free one)")
      ->capture_default_str();
  app.add_option("--data-dir", options.data_dir, "Folder for state: database and code bundles")
      ->capture_default_str();
  app.add_option("--runtimes-dir", options.runtimes_dir,
                 "Folder holding kumo's runtime shims (default: beside the binary)");
  app.add_option("--region", options.region, "Region reported in ARNs and to functions")
      ->capture_default_str();
  app.add_option("--shutdown-grace", options.shutdown_grace_s,
                 "Seconds in-flight invocations get to finish on SIGTERM")
      ->capture_default_str();
  app.add_option("--gateway-listen", options.gateway_listen,
                 "HOST:PORT for HTTP routes to functions (port 0 picks a free one; default: off)");
  app.add_option("--max-concurrency", options.max_concurrency,
                 "Calls running or waiting at once, all functions together")
      ->capture_default_str();
  app.add_option("--memory-budget", options.memory_budget,
                 "MemorySize of all instances together, such as 8G (default: 3/4 of RAM)");
  app.add_option("--async-retry-delay", options.async_retry_delay,
                 "Wait before retrying a failed async invocation (doubles for the second retry)")
      ->capture_default_str();
  app.add_option("--missed-schedules", options.missed_schedules,
                 "Schedule firings missed while kumo was down: skip, or run-once (the latest)")
      ->capture_default_str();
  app.add_option("--keep-alive", options.keep_alive,
                 "How long an idle instance stays warm, such as 90s or 10m")
      ->capture_default_str();
  app.add_option("--log-level", options.log_level, "trace, debug, info, warn, error")
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  spdlog::set_level(spdlog::level::from_str(options.log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  signal(SIGPIPE, SIG_IGN);
  return Serve(options);
}

}  // namespace kumo::server
