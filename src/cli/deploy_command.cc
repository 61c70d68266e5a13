// `kumo deploy DIR`: zip the folder, then create the function or update its code and settings.

#include <boost/json.hpp>

#include "cli/command_util.h"
#include "cli/commands.h"
#include "cli/error_line.h"
#include "cli/zip_dir.h"
#include "common/encoding.h"

namespace kumo::cli {
namespace {

namespace json = boost::json;

// Sends UpdateFunctionCode then UpdateFunctionConfiguration; returns the last configuration.
Result<HttpReply> UpdateFunction(Transport& transport, const DeploySpec& spec,
                                 const std::string& zip) {
  KUMO_RETURN_IF_ERROR(SendExpectingSuccess(transport, UpdateCodeRequest(spec.name, zip), spec.name));
  return SendExpectingSuccess(transport, UpdateConfigurationRequest(spec), spec.name);
}

// One line describing the function as the server now has it, falling back to what was sent.
std::string Summary(const DeploySpec& spec, const std::string& zip, const json::object& config,
                    bool created) {
  std::string runtime = StringField(config, "Runtime", spec.runtime);
  int64_t memory = IntField(config, "MemorySize", spec.memory_mb.value_or(128));
  int64_t timeout = IntField(config, "Timeout", spec.timeout_s.value_or(3));
  std::string sha = StringField(config, "CodeSha256", Base64Encode(Sha256(zip)));
  int64_t size = IntField(config, "CodeSize", static_cast<int64_t>(zip.size()));
  return "deployed " + spec.name + " (" + runtime + ", " + std::to_string(memory) + " MB, " +
         std::to_string(timeout) + " s): " + (created ? "created" : "updated") + ", code sha256 " +
         sha + ", " + std::to_string(size) + " bytes";
}

}  // namespace

int Deploy(Transport& transport, const DeploySpec& spec, const std::string& dir, Io io) {
  if (Status valid = ValidateDeploySpec(spec); !valid.ok()) return Fail(io.err, valid.error().message);
  Result<std::string> zip = ZipDirectory(dir);
  if (!zip.ok()) return Fail(io.err, zip.error().message);

  Result<HttpReply> existing = transport.Send(GetFunctionRequest(spec.name));
  if (!existing.ok()) return Fail(io.err, existing.error().message);
  bool create = existing->status == 404;
  if (!create && existing->status != 200) {
    return Fail(io.err, DescribeErrorReply(*existing, spec.name));
  }
  Result<HttpReply> final_reply =
      create ? SendExpectingSuccess(transport, CreateFunctionRequest(spec, *zip), "")
             : UpdateFunction(transport, spec, *zip);
  if (!final_reply.ok()) return Fail(io.err, final_reply.error().message);
  Result<json::object> config = JsonObjectBody(*final_reply);
  io.out << Summary(spec, *zip, config.ok() ? *config : json::object(), create) << std::endl;
  return 0;
}

}  // namespace kumo::cli
