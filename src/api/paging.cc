#include "api/paging.h"

#include <cstdlib>

namespace kumo::api {

Result<int> ParseMaxItems(const std::string& text, int fallback) {
  if (text.empty()) return fallback;
  char* end = nullptr;
  long value = std::strtol(text.c_str(), &end, 10);
  if (*end != '\0' || value < 1 || value > 10000) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Value '" + text +
                         "' at 'maxItems' failed to satisfy constraint: Member must have value "
                         "between 1 and 10000");
  }
  return static_cast<int>(value);
}

}  // namespace kumo::api
