// SignInLimiter: refuses sign-ins once an account or a client address has had too many
// failures in a sliding window.
//
// Mechanism only; the limits are policy (AccountSettings). Kept in memory: it limits one
// process, which is what a single-node installation runs. Names and addresses are held
// as keyed digests (security/keyed_hash.hpp), so an entry costs the same whatever was
// sent. It evicts nothing itself: its two tables are SlidingWindows, which forget keys whose
// failures have left the window and, at `max_tracked` keys, drop the least recently failed
// one (base/sliding_window.hpp), so a flood of new names can make a name's failures
// forgotten early; the per-address limit is what keeps one client from doing that cheaply.
// Callers check that a name is well formed before counting it (Accounts::sign_in).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "base/sliding_window.hpp"
#include "core/time.hpp"
#include "security/keyed_hash.hpp"

namespace communique {

struct SignInLimits {
  int per_account = 5;   // failures per account name in `window`
  int per_address = 20;  // failures per client address in `window`
  std::chrono::seconds window{std::chrono::minutes(15)};
  std::size_t max_tracked = SlidingWindow::kDefaultMaxKeys;  // names, and addresses, held
};

class SignInLimiter {
 public:
  explicit SignInLimiter(SignInLimits limits)
      : limits_(limits),
        by_account_(limits.window, limits.max_tracked),
        by_address_(limits.window, limits.max_tracked) {}

  // Whether an attempt for `account` from `address` may go ahead at `now`; when not,
  // `retry_after` is how long until it may.
  bool allows(const std::string& account, const std::string& address, Timestamp now,
              std::chrono::seconds* retry_after = nullptr);
  void record_failure(const std::string& account, const std::string& address, Timestamp now);
  // A successful sign-in forgets the account's failures (not the address's).
  void record_success(const std::string& account);

  // How many names and addresses are held.
  std::size_t size() const { return by_account_.size() + by_address_.size(); }

 private:
  std::string account_key(const std::string& account) const;

  SignInLimits limits_;
  KeyedHash hash_;
  SlidingWindow by_account_;
  SlidingWindow by_address_;
};

}  // namespace communique
