// Result<T>: the value of an operation that can fail in an expected way, or the Error
// that says why. Shaped like C++23's std::expected so that it can be swapped for it.
//
// Policy: expected failures (bad input, a missing row, a busy database) travel as values;
// exceptions are for broken invariants and are caught at the adapter that calls a library.
// The ErrorCode is what callers branch on (the HTTP layer maps it to a status in one
// place); the message is a sentence for a person and says what to do next where it can.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace communique {

enum class ErrorCode {
  invalid_input,    // the caller's data is wrong; retrying the same call fails again
  not_found,        // the named thing does not exist
  conflict,         // the thing exists already, or its state forbids the change
  unauthenticated,  // no valid credentials came with the call
  forbidden,        // the caller is known but may not do this
  rate_limited,     // too many attempts; retrying after a pause may succeed
  unavailable,      // a resource is busy or down; retrying later may succeed
  io,               // reading or writing a file or socket failed
  storage,          // the database failed in a way the caller cannot fix
  internal,         // a bug: an invariant did not hold
};

// Stable lower-case name of a code, used in logs and JSON errors.
const char* to_string(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;
};

inline Error make_error(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { return std::get<1>(state_); }
  Error&& error() && { return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}

  bool has_value() const { return !failed_; }
  explicit operator bool() const { return has_value(); }
  const Error& error() const& { return error_; }
  Error&& error() && { return std::move(error_); }

 private:
  Error error_;
  bool failed_ = false;
};

inline Result<void> ok() {
  return {};
}

}  // namespace communique
