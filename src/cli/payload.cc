#include "cli/payload.h"

#include <boost/json.hpp>

#include <fstream>
#include <iterator>

namespace kumo::cli {

Result<std::string> ResolvePayload(std::string_view arg, std::istream& in) {
  std::string payload;
  std::string source = "payload";
  if (arg.empty()) {
    payload = "{}";
  } else if (arg == "-") {
    payload.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    source = "payload from stdin";
  } else if (arg.front() == '@') {
    std::string path(arg.substr(1));
    std::ifstream file(path, std::ios::binary);
    if (!file) return MakeError(ErrorCode::kInvalidArgument, "cannot read payload file " + path);
    payload.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
    source = "payload file " + path;
  } else {
    payload = std::string(arg);
  }
  boost::system::error_code ec;
  boost::json::parse(payload, ec);
  if (ec) {
    return MakeError(ErrorCode::kInvalidArgument, source + " is not valid JSON: " + ec.message());
  }
  return payload;
}

}  // namespace kumo::cli
