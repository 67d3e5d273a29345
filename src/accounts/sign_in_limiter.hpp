// SignInLimiter: refuses sign-ins once an account or a client address has had too many
// failures in a sliding window.
//
// Mechanism only; the limits are policy (AccountSettings). Kept in memory: it limits one
// process, which is what a single-node installation runs.
#pragma once

#include <chrono>
#include <string>

#include "base/sliding_window.hpp"
#include "core/time.hpp"

namespace communique {

struct SignInLimits {
  int per_account = 5;   // failures per account name in `window`
  int per_address = 20;  // failures per client address in `window`
  std::chrono::seconds window{std::chrono::minutes(15)};
};

class SignInLimiter {
 public:
  explicit SignInLimiter(SignInLimits limits)
      : limits_(limits), by_account_(limits.window), by_address_(limits.window) {}

  // Whether an attempt for `account` from `address` may go ahead at `now`; when not,
  // `retry_after` is how long until it may.
  bool allows(const std::string& account, const std::string& address, Timestamp now,
              std::chrono::seconds* retry_after = nullptr);
  void record_failure(const std::string& account, const std::string& address, Timestamp now);
  // A successful sign-in forgets the account's failures (not the address's).
  void record_success(const std::string& account);

 private:
  SignInLimits limits_;
  SlidingWindow by_account_;
  SlidingWindow by_address_;
};

}  // namespace communique
