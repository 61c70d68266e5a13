#pragma once
// Prints rows as left-aligned columns two spaces apart, as the listing commands show them.

#include <ostream>
#include <string>
#include <vector>

namespace kumo::cli {

void PrintColumns(const std::vector<std::vector<std::string>>& rows, std::ostream& out);

}  // namespace kumo::cli
