#include "api/request_json.h"

#include <strings.h>

#include "api/errors.h"

namespace kumo::api {
namespace json = boost::json;

namespace {

bool JsonContentType(std::string_view type) {
  if (type.empty()) return true;
  size_t semi = type.find(';');
  std::string_view base = type.substr(0, semi);
  while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
  auto is = [&](std::string_view want) {
    return base.size() == want.size() && strncasecmp(base.data(), want.data(), want.size()) == 0;
  };
  return is("application/json") || is("application/x-amz-json-1.0") ||
         is("application/x-amz-json-1.1") || is("binary/octet-stream") ||
         is("application/octet-stream");
}

}  // namespace

Parsed<json::object> ParseJsonBody(const net::HttpRequest& req) {
  std::string_view type = req.Header("Content-Type");
  if (!JsonContentType(type)) {
    return RequestError{415, "UnsupportedMediaTypeException",
                        "The content type " + std::string(type) +
                            " is not supported; send application/json"};
  }
  if (req.body.empty()) return json::object{};
  boost::system::error_code ec;
  json::value v = json::parse(req.body, ec);
  if (ec) {
    return RequestError{400, "InvalidRequestContentException",
                        "Could not parse request body into json: " + ec.message()};
  }
  if (!v.is_object()) {
    return RequestError{400, "InvalidRequestContentException",
                        "Could not parse request body into json: expected an object"};
  }
  return std::move(v.as_object());
}

std::optional<json::object> ParseJsonBodyOrRespond(const net::HttpRequest& req,
                                                   net::Responder& respond) {
  Parsed<json::object> parsed = ParseJsonBody(req);
  if (auto* e = std::get_if<RequestError>(&parsed)) {
    respond(ErrorResponse(e->status, e->type, e->message));
    return std::nullopt;
  }
  return std::move(std::get<json::object>(parsed));
}

Result<std::optional<std::string>> StringField(const json::object& o, const char* name) {
  const json::value* v = o.if_contains(name);
  if (!v || v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) {
    return MakeError(ErrorCode::kInvalidArgument, std::string(name) + " must be a string");
  }
  return std::optional<std::string>(std::string(v->as_string()));
}

Result<std::optional<int64_t>> IntField(const json::object& o, const char* name) {
  const json::value* v = o.if_contains(name);
  if (!v || v->is_null()) return std::optional<int64_t>();
  if (v->is_int64()) return std::optional<int64_t>(v->as_int64());
  if (v->is_uint64() && v->as_uint64() < (1ull << 62)) {
    return std::optional<int64_t>(static_cast<int64_t>(v->as_uint64()));
  }
  return MakeError(ErrorCode::kInvalidArgument, std::string(name) + " must be an integer");
}

Result<std::optional<std::map<std::string, std::string>>> EnvironmentField(
    const json::object& o) {
  using Env = std::map<std::string, std::string>;
  const json::value* env = o.if_contains("Environment");
  if (!env || env->is_null()) return std::optional<Env>();
  if (!env->is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "Environment must be an object");
  }
  Env out;
  const json::value* vars = env->as_object().if_contains("Variables");
  if (!vars || vars->is_null()) return std::optional<Env>(out);
  if (!vars->is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "Environment.Variables must be an object");
  }
  for (const auto& kv : vars->as_object()) {
    if (!kv.value().is_string()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "Environment variable " + std::string(kv.key()) + " must be a string");
    }
    out[std::string(kv.key())] = std::string(kv.value().as_string());
  }
  return std::optional<Env>(std::move(out));
}

}  // namespace kumo::api
