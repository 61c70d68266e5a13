#include "sandbox/helper_config.h"

#include <cerrno>
#include <cstdlib>

namespace kumo::sandbox {
namespace {

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

bool ParseNumber(const std::string& text, uint64_t max, uint64_t* out) {
  if (text.empty() || text[0] < '0' || text[0] > '9') return false;
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || v > max) return false;
  *out = v;
  return true;
}

Error BadFlag(const std::string& arg) {
  return MakeError(ErrorCode::kInvalidArgument, "bad helper flag: " + arg);
}

}  // namespace

std::vector<std::string> ToHelperArgs(const HelperConfig& config) {
  std::vector<std::string> args;
  if (config.probe) args.push_back("--probe");
  if (!config.namespaces) args.push_back("--no-namespaces");
  args.push_back("--code-dir=" + config.code_dir);
  if (!config.runtime_dir.empty()) args.push_back("--runtime-dir=" + config.runtime_dir);
  args.push_back("--tmp-bytes=" + std::to_string(config.tmp_bytes));
  args.push_back("--hostname=" + config.hostname);
  for (const auto& f : config.cgroup_procs) args.push_back("--cgroup-procs=" + f);
  for (uint16_t p : config.listen_ports) args.push_back("--listen=" + std::to_string(p));
  for (const auto& e : config.env) args.push_back("--env=" + e);
  args.push_back("--");
  args.insert(args.end(), config.argv.begin(), config.argv.end());
  return args;
}

Result<HelperConfig> ParseHelperArgs(const std::vector<std::string>& args) {
  HelperConfig c;
  size_t i = 0;
  for (; i < args.size() && args[i] != "--"; ++i) {
    const std::string& a = args[i];
    auto value = [&a]() { return a.substr(a.find('=') + 1); };
    uint64_t n = 0;
    if (a == "--probe") {
      c.probe = true;
    } else if (a == "--no-namespaces") {
      c.namespaces = false;
    } else if (StartsWith(a, "--code-dir=")) {
      c.code_dir = value();
    } else if (StartsWith(a, "--runtime-dir=")) {
      c.runtime_dir = value();
    } else if (StartsWith(a, "--tmp-bytes=")) {
      if (!ParseNumber(value(), UINT64_MAX, &n)) return BadFlag(a);
      c.tmp_bytes = n;
    } else if (StartsWith(a, "--hostname=")) {
      c.hostname = value();
    } else if (StartsWith(a, "--cgroup-procs=")) {
      c.cgroup_procs.push_back(value());
    } else if (StartsWith(a, "--listen=")) {
      if (!ParseNumber(value(), 65535, &n)) return BadFlag(a);
      c.listen_ports.push_back(static_cast<uint16_t>(n));
    } else if (StartsWith(a, "--env=")) {
      c.env.push_back(value());
    } else {
      return BadFlag(a);
    }
  }
  if (i == args.size()) return MakeError(ErrorCode::kInvalidArgument, "helper: missing --");
  c.argv.assign(args.begin() + static_cast<long>(i) + 1, args.end());
  if (c.argv.empty() && !c.probe)
    return MakeError(ErrorCode::kInvalidArgument, "helper: no program");
  return c;
}

}  // namespace kumo::sandbox
