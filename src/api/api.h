#pragma once
// kumo's management and invoke API: Lambda's REST paths (2015-03-31) and kumo's own
// (/kumo/v1/...), on one handler that the server mounts on its listener and on each instance's
// private API socket. Loop thread only. Owns nothing it points to.

#include <memory>
#include <string>
#include <vector>

#include "api/function_json.h"
#include "api/instance_credentials.h"
#include "dispatch/dispatcher.h"
#include "events/async_event.h"
#include "net/event_loop.h"
#include "net/http_types.h"
#include "store/bundle_store.h"
#include "store/function_store.h"
#include "store/gateway_store.h"
#include "telemetry/log_store.h"

namespace kumo::api {

class Api {
 public:
  Api(net::EventLoop& loop, store::FunctionStore& functions, store::BundleStore& bundles,
      store::GatewayStore& gateway, dispatch::Dispatcher& dispatcher, telemetry::LogStore& logs,
      ArnContext arn);

  // Who made a call: the operator (kumo's own listener), or a function, from one of its
  // instances' private API sockets.
  struct Caller {
    std::string function;  // empty: the operator
  };
  // Another API served on the same listener (SQS, schedules, event source mappings...): returns
  // false when the request is not its own. Asked before Lambda's paths, in the order added.
  using Extension =
      std::function<bool(net::HttpRequest& req, net::Responder& respond, const Caller& caller)>;
  void AddExtension(Extension extension, bool open_to_instances);
  // Where Invoke sends X-Amz-Invocation-Type: Event (without it, Event is refused).
  void set_async_sink(events::AsyncSink* sink) { async_ = sink; }
  // Called after a function is deleted, to drop what other parts keep for it.
  void OnFunctionDeleted(std::function<void(const std::string& name)> hook) {
    deletion_hooks_.push_back(std::move(hook));
  }

  // A call on kumo's listener: the operator may do anything.
  void Handle(net::HttpRequest&& req, net::Responder respond);
  // A call from one of `function`'s instances: its credentials, if it sent any, must be its own
  // (`issuer`); it may use the data plane (extensions open to instances, Invoke), not manage
  // functions or the gateway.
  void HandleFromInstance(const std::string& function, const CredentialIssuer& issuer,
                          net::HttpRequest&& req, net::Responder respond);
  // At start: hands the stored reserved and provisioned concurrency to the dispatcher.
  Status RestoreState();

 private:
  // Handlers, one per operation; each answers through `respond` exactly once.
  void CreateFunction(const net::HttpRequest& req, net::Responder& respond);
  // `qualifier`: "" or $LATEST, a version or an alias (which describes its FunctionVersion).
  void GetFunction(const std::string& name, const std::string& qualifier, bool configuration_only,
                   const net::HttpRequest& req, net::Responder& respond);
  void DownloadCode(const std::string& name, const std::string& qualifier,
                    net::Responder& respond);
  void ListFunctions(const net::HttpRequest& req, net::Responder& respond);
  void UpdateCode(const std::string& name, const net::HttpRequest& req, net::Responder& respond);
  void UpdateConfiguration(const std::string& name, const net::HttpRequest& req,
                           net::Responder& respond);
  // With a version as `qualifier`, deletes only that version.
  void DeleteFunction(const std::string& name, const std::string& qualifier,
                      net::Responder& respond);
  void Invoke(const std::string& name, const std::string& qualifier, net::HttpRequest&& req,
              net::Responder respond, const Caller& caller);
  // Invoke with X-Amz-Invocation-Type: Event: stored durably, answered 202, run later.
  void InvokeAsync(const store::FunctionConfig& config, const std::string& qualifier,
                   net::HttpRequest&& req, net::Responder& respond, const Caller& caller);
  void ReadLogs(const std::string& name, const net::HttpRequest& req, net::Responder respond);

  // limits_api.cc: reserved and provisioned concurrency, kumo's per-function settings. Returns
  // false when the request is not one of these.
  bool HandleLimits(net::HttpRequest& req, net::Responder& respond);
  void PutConcurrency(const std::string& name, const net::HttpRequest& req,
                      net::Responder& respond);
  void GetConcurrency(const std::string& name, net::Responder& respond);
  void DeleteConcurrency(const std::string& name, net::Responder& respond);
  void PutProvisioned(const std::string& name, const net::HttpRequest& req,
                      net::Responder& respond);
  void GetProvisioned(const std::string& name, const std::string& qualifier,
                      net::Responder& respond);
  void DeleteProvisioned(const std::string& name, const std::string& qualifier,
                         net::Responder& respond);
  void ListProvisioned(const std::string& name, net::Responder& respond);
  void PutSettings(const std::string& name, const net::HttpRequest& req, net::Responder& respond);
  void GetSettings(const std::string& name, net::Responder& respond);
  std::string ProvisionedJson(const store::ProvisionedConfig& p);
  Status ApplyProvisioned(const store::ProvisionedConfig& p, int count);

  // versions_api.cc and aliases_api.cc: versions and aliases of a function. Route... returns
  // false when the request is not one of these.
  bool RouteVersionsAndAliases(const std::vector<std::string>& parts, const std::string& name,
                               const net::HttpRequest& req, net::Responder& respond);
  void PublishVersion(const std::string& name, const net::HttpRequest& req,
                      net::Responder& respond);
  void ListVersions(const std::string& name, const net::HttpRequest& req, net::Responder& respond);
  void CreateAlias(const std::string& name, const net::HttpRequest& req, net::Responder& respond);
  void GetAlias(const std::string& name, const std::string& alias, net::Responder& respond);
  void UpdateAlias(const std::string& name, const std::string& alias, const net::HttpRequest& req,
                   net::Responder& respond);
  void DeleteAlias(const std::string& name, const std::string& alias, net::Responder& respond);
  void ListAliases(const std::string& name, const net::HttpRequest& req, net::Responder& respond);
  // Lambda's not-found messages for a missing function or alias.
  Result<store::AliasConfig> FindAlias(const std::string& name, const std::string& alias);
  // The alias's routing rules, and that the versions it names exist.
  Status CheckAliasTargets(const store::AliasConfig& alias);

  // gateway_api.cc: routes, CORS, authorizers, API keys. False when not one of these.
  bool HandleGatewayConfig(net::HttpRequest& req, net::Responder& respond);
  void PutRoutes(const std::string& name, const net::HttpRequest& req, net::Responder& respond);
  void GetRoutes(const std::string& name, net::Responder& respond);
  void PutCors(const net::HttpRequest& req, net::Responder& respond);
  void PutAuthorizer(const std::string& name, const net::HttpRequest& req,
                     net::Responder& respond);
  void ListAuthorizers(net::Responder& respond);
  void CreateApiKey(const net::HttpRequest& req, net::Responder& respond);
  void ListApiKeys(net::Responder& respond);

  Result<store::FunctionConfig> Find(const std::string& name);
  void Route(net::HttpRequest&& req, net::Responder respond, const Caller& caller);
  bool TryExtensions(net::HttpRequest& req, net::Responder& respond, const Caller& caller);

  struct ExtensionEntry {
    Extension handle;
    bool open_to_instances;
  };
  std::vector<ExtensionEntry> extensions_;
  events::AsyncSink* async_ = nullptr;
  std::vector<std::function<void(const std::string&)>> deletion_hooks_;

  net::EventLoop& loop_;
  store::FunctionStore& functions_;
  store::BundleStore& bundles_;
  store::GatewayStore& gateway_;
  dispatch::Dispatcher& dispatcher_;
  telemetry::LogStore& logs_;
  ArnContext arn_;
};

}  // namespace kumo::api
