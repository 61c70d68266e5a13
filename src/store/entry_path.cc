#include "store/entry_path.h"

namespace kumo::store {
namespace {

Error BadName(std::string_view name, const std::string& problem) {
  return MakeError(ErrorCode::kInvalidArgument,
                   "zip entry \"" + std::string(name) + "\" " + problem);
}

}  // namespace

Result<std::vector<std::string>> SplitEntryPath(std::string_view name) {
  if (name.empty()) return BadName(name, "has an empty name");
  if (name.find('\0') != std::string_view::npos) return BadName(name, "has a NUL in its name");
  if (name.front() == '/') return BadName(name, "has an absolute path");
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    std::string_view part = name.substr(start, end - start);
    if (part == "..") return BadName(name, "has a \"..\" component that leaves the bundle");
    if (!part.empty() && part != ".") parts.emplace_back(part);
    start = end + 1;
  }
  return parts;
}

}  // namespace kumo::store
