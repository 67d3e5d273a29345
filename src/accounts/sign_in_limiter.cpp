#include "accounts/sign_in_limiter.hpp"

#include "base/text.hpp"

namespace communique {

bool SignInLimiter::allows(const std::string& account, const std::string& address, Timestamp now,
                           std::chrono::seconds* retry_after) {
  return by_account_.below(ascii_lower(account), limits_.per_account, now, retry_after) &&
         by_address_.below(address, limits_.per_address, now, retry_after);
}

void SignInLimiter::record_failure(const std::string& account, const std::string& address,
                                   Timestamp now) {
  by_account_.add(ascii_lower(account), now);
  by_address_.add(address, now);
}

void SignInLimiter::record_success(const std::string& account) {
  by_account_.clear(ascii_lower(account));
}

}  // namespace communique
