#include "common/arn.h"

namespace kumo {

std::optional<Arn> ParseArn(std::string_view text) {
  std::string_view parts[5];
  for (std::string_view& part : parts) {
    size_t colon = text.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    part = text.substr(0, colon);
    text.remove_prefix(colon + 1);
  }
  if (parts[0] != "arn" || parts[2].empty() || text.empty()) return std::nullopt;
  return Arn{std::string(parts[1]), std::string(parts[2]), std::string(parts[3]),
             std::string(parts[4]), std::string(text)};
}

}  // namespace kumo
