#include "api/event_function_invoker.h"

#include <random>

#include "api/qualifier.h"

namespace kumo::api {

void EventFunctionInvoker::Invoke(const std::string& function, const std::string& qualifier,
                                  dispatch::InvokeRequest request,
                                  dispatch::InvokeCallback done) {
  static std::mt19937_64 engine{std::random_device{}()};
  double draw = std::uniform_real_distribution<double>(0.0, 1.0)(engine);
  auto found = ResolveQualifier(functions_, arn_, function, qualifier, draw);
  if (!found.ok()) {
    dispatch::InvokeResult r;
    r.request_id = request.request_id;
    r.platform_error = found.error();
    return done(std::move(r));
  }
  std::string code_dir = bundles_.PathFor(found->code_hex);
  dispatcher_.Invoke(*found, code_dir, std::move(request), std::move(done));
}

bool EventFunctionInvoker::Exists(const std::string& function) {
  return functions_.Get(function).ok();
}

}  // namespace kumo::api
