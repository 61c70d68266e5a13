#pragma once
// One place that turns a failed system call's errno into an Error with the call's name.

#include <cerrno>
#include <cstring>
#include <string>

#include "common/result.h"

namespace kumo {

inline Error SysError(const std::string& what, int err = errno) {
  return Error{ErrorCode::kInternal, what + ": " + std::strerror(err)};
}

}  // namespace kumo
