#include "api/function_json.h"

#include <boost/json.hpp>

namespace kumo::api {
namespace json = boost::json;
namespace {

json::object ConfigurationObject(const ArnContext& ctx, const store::FunctionConfig& c) {
  json::object o;
  o["FunctionName"] = c.name;
  // A published version's ARN carries its number; $LATEST's is the unqualified one.
  o["FunctionArn"] = c.version == "$LATEST" ? FunctionArn(ctx, c.name)
                                            : FunctionArn(ctx, c.name) + ":" + c.version;
  o["Runtime"] = c.runtime;
  o["Role"] = "arn:aws:iam::" + ctx.account_id + ":role/kumo-function";
  o["Handler"] = c.handler;
  o["CodeSize"] = c.code_size;
  o["Description"] = c.description;
  o["Timeout"] = c.timeout_s;
  o["MemorySize"] = c.memory_mb;
  o["LastModified"] = c.last_modified;
  o["CodeSha256"] = c.code_sha256;
  o["Version"] = c.version;
  json::object vars;
  for (const auto& [k, v] : c.environment) vars[k] = v;
  json::object env;
  env["Variables"] = std::move(vars);
  o["Environment"] = std::move(env);
  o["TracingConfig"] = json::object{{"Mode", "PassThrough"}};
  o["RevisionId"] = c.revision_id;
  o["State"] = "Active";
  o["LastUpdateStatus"] = "Successful";
  o["PackageType"] = "Zip";
  o["Architectures"] = json::array{"x86_64"};
  o["EphemeralStorage"] = json::object{{"Size", 512}};
  return o;
}

}  // namespace

std::string FunctionArn(const ArnContext& ctx, const std::string& name) {
  return "arn:aws:lambda:" + ctx.region + ":" + ctx.account_id + ":function:" + name;
}

std::string FunctionConfigurationJson(const ArnContext& ctx, const store::FunctionConfig& config) {
  return json::serialize(ConfigurationObject(ctx, config));
}

std::string GetFunctionJson(const ArnContext& ctx, const store::FunctionConfig& config,
                            const std::string& code_location) {
  json::object o;
  o["Configuration"] = ConfigurationObject(ctx, config);
  o["Code"] = json::object{{"RepositoryType", "S3"}, {"Location", code_location}};
  o["Tags"] = json::object{};
  return json::serialize(o);
}

std::string ListFunctionsJson(const ArnContext& ctx,
                              const std::vector<store::FunctionConfig>& functions,
                              const std::string* next_marker) {
  json::array list;
  for (const auto& f : functions) list.push_back(ConfigurationObject(ctx, f));
  json::object o;
  o["Functions"] = std::move(list);
  if (next_marker) o["NextMarker"] = *next_marker;
  return json::serialize(o);
}

std::string ListVersionsJson(const ArnContext& ctx,
                             const std::vector<store::FunctionConfig>& versions,
                             const std::string* next_marker) {
  json::array list;
  for (const auto& v : versions) {
    json::object o = ConfigurationObject(ctx, v);
    // In this list Lambda qualifies $LATEST's ARN too.
    if (v.version == "$LATEST") o["FunctionArn"] = FunctionArn(ctx, v.name) + ":$LATEST";
    list.push_back(std::move(o));
  }
  json::object o;
  o["Versions"] = std::move(list);
  if (next_marker) o["NextMarker"] = *next_marker;
  return json::serialize(o);
}

}  // namespace kumo::api
