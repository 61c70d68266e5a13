#pragma once
// Error values for failures that are expected (bad input, missing things, system calls that can
// fail). Impossible states use KUMO_CHECK instead. One ErrorCode maps to one HTTP status and
// Lambda error type, in api/errors.cc.

#include <string>
#include <utility>
#include <variant>

namespace kumo {

enum class ErrorCode {
  kInvalidArgument,   // 400 InvalidParameterValueException
  kNotFound,          // 404 ResourceNotFoundException
  kConflict,          // 409 ResourceConflictException
  kTooLarge,          // 413 RequestTooLargeException
  kUnsupportedMedia,  // 415 UnsupportedMediaTypeException
  kTooManyRequests,   // 429 TooManyRequestsException
  kUnavailable,       // 503 ServiceException (temporary)
  kInternal,          // 500 ServiceException
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
};

inline Error MakeError(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design, like expected<T>.
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& value() const& { return std::get<0>(v_); }
  const Error& error() const { return std::get<1>(v_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  bool ok() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;
inline Status Ok() { return Status(); }

}  // namespace kumo

#define KUMO_CONCAT_INNER(a, b) a##b
#define KUMO_CONCAT(a, b) KUMO_CONCAT_INNER(a, b)

// KUMO_RETURN_IF_ERROR(status_expr): returns the error of a failed Result<...> to the caller.
#define KUMO_RETURN_IF_ERROR(expr)                                   \
  do {                                                               \
    auto&& kumo_status_ = (expr);                                    \
    if (!kumo_status_.ok()) return ::kumo::Error(kumo_status_.error()); \
  } while (0)

// KUMO_ASSIGN_OR_RETURN(auto x, result_expr): binds the value or returns the error.
#define KUMO_ASSIGN_OR_RETURN(lhs, expr)                                  \
  auto KUMO_CONCAT(kumo_result_, __LINE__) = (expr);                      \
  if (!KUMO_CONCAT(kumo_result_, __LINE__).ok())                          \
    return ::kumo::Error(KUMO_CONCAT(kumo_result_, __LINE__).error());    \
  lhs = std::move(KUMO_CONCAT(kumo_result_, __LINE__)).value()
