#pragma once
// events::FunctionInvoker over the function store and the dispatcher: resolves NAME:QUALIFIER at
// call time (aliases route by their weights) and runs it like a synchronous Invoke. Loop thread.

#include "api/function_json.h"
#include "dispatch/dispatcher.h"
#include "events/function_invoker.h"
#include "store/bundle_store.h"
#include "store/function_store.h"

namespace kumo::api {

class EventFunctionInvoker : public events::FunctionInvoker {
 public:
  EventFunctionInvoker(store::FunctionStore& functions, store::BundleStore& bundles,
                       dispatch::Dispatcher& dispatcher, ArnContext arn)
      : functions_(functions), bundles_(bundles), dispatcher_(dispatcher), arn_(std::move(arn)) {}

  void Invoke(const std::string& function, const std::string& qualifier,
              dispatch::InvokeRequest request, dispatch::InvokeCallback done) override;
  bool Exists(const std::string& function) override;

 private:
  store::FunctionStore& functions_;
  store::BundleStore& bundles_;
  dispatch::Dispatcher& dispatcher_;
  ArnContext arn_;
};

}  // namespace kumo::api
