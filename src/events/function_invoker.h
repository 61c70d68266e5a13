#pragma once
// How event sources (async invocations, queue mappings, schedules) run a function: by name and
// qualifier, resolved to a version at call time (so an update or an alias shift applies to the
// next event), through the same dispatcher, limits and logs as a synchronous Invoke. The server
// implements it over the function store (api/event_function_invoker.h). Loop thread only.

#include <functional>
#include <string>

#include "dispatch/invocation.h"

namespace kumo::events {

class FunctionInvoker {
 public:
  virtual ~FunctionInvoker() = default;
  // Runs the function with `request` (request_id and payload set by the caller). A function or
  // version that does not exist (any more) comes back as a platform_error with kNotFound.
  virtual void Invoke(const std::string& function, const std::string& qualifier,
                      dispatch::InvokeRequest request, dispatch::InvokeCallback done) = 0;
  virtual bool Exists(const std::string& function) = 0;
};

}  // namespace kumo::events
