#include "common/units.h"

#include <cctype>

namespace kumo {
namespace {

// Splits "12.5G" into 12.5 and "G"; nullopt without a leading number.
std::optional<std::pair<double, std::string>> SplitNumber(const std::string& text) {
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) {
    ++i;
  }
  if (i == 0) return std::nullopt;
  try {
    size_t used = 0;
    double value = std::stod(text.substr(0, i), &used);
    if (used != i || value < 0) return std::nullopt;
    std::string unit = text.substr(i);
    for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return std::make_pair(value, unit);
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace

std::optional<uint64_t> ParseSize(const std::string& text) {
  auto parts = SplitNumber(text);
  if (!parts) return std::nullopt;
  auto [value, unit] = *parts;
  if (unit.ends_with("ib")) unit.resize(unit.size() - 2);
  else if (unit.size() > 1 && unit.ends_with("b")) unit.pop_back();
  double scale = 1;
  if (unit.empty() || unit == "b") scale = 1;
  else if (unit == "k") scale = 1024.0;
  else if (unit == "m") scale = 1024.0 * 1024;
  else if (unit == "g") scale = 1024.0 * 1024 * 1024;
  else if (unit == "t") scale = 1024.0 * 1024 * 1024 * 1024;
  else return std::nullopt;
  return static_cast<uint64_t>(value * scale);
}

std::optional<std::chrono::milliseconds> ParseDuration(const std::string& text) {
  auto parts = SplitNumber(text);
  if (!parts) return std::nullopt;
  auto [value, unit] = *parts;
  double ms;
  if (unit == "ms") ms = value;
  else if (unit.empty() || unit == "s") ms = value * 1000;
  else if (unit == "m") ms = value * 60'000;
  else if (unit == "h") ms = value * 3'600'000;
  else return std::nullopt;
  return std::chrono::milliseconds(static_cast<int64_t>(ms));
}

}  // namespace kumo
