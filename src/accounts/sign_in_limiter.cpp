#include "accounts/sign_in_limiter.hpp"

#include "base/text.hpp"

namespace communique {

std::string SignInLimiter::account_key(const std::string& account) const {
  return hash_.digest(ascii_lower(account));
}

bool SignInLimiter::allows(const std::string& account, const std::string& address, Timestamp now,
                           std::chrono::seconds* retry_after) {
  return by_account_.below(account_key(account), limits_.per_account, now, retry_after) &&
         by_address_.below(hash_.digest(address), limits_.per_address, now, retry_after);
}

void SignInLimiter::record_failure(const std::string& account, const std::string& address,
                                   Timestamp now) {
  by_account_.add(account_key(account), now);
  by_address_.add(hash_.digest(address), now);
}

void SignInLimiter::record_success(const std::string& account) {
  by_account_.clear(account_key(account));
}

}  // namespace communique
