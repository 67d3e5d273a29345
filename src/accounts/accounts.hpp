// Accounts: the policy of signing people in and of the credentials programs use.
//
// Passwords are checked against argon2id hashes (security/password.hpp) on the caller's
// thread, which must be a blocking-pool thread. A failed sign-in takes as long, and says
// the same, whether the name exists or not. Sign-in failures are limited per account and
// per client address (SignInLimiter). A session is a random secret in a cookie with its
// own CSRF token; a password change ends every session of the user and, unless the caller
// keeps them, revokes their API tokens. The API makes a token or a user, or sets a
// password, only after the caller's password is given again (confirm_password), so that a
// stolen cookie cannot turn itself into a lasting credential; those checks count as
// sign-in failures.
#pragma once

#include <chrono>
#include <mutex>
#include <string>

#include "accounts/sign_in_limiter.hpp"
#include "store/account_store.hpp"

namespace communique {

struct AccountSettings {
  std::chrono::seconds session_lifetime{std::chrono::hours(12)};
  SignInLimits limits;
};

// What a successful sign-in hands back: the cookie's secret and the CSRF token that
// writes made with the cookie must repeat in a header.
struct NewSession {
  User user;
  std::string secret;
  std::string csrf_token;
  Timestamp expires{};
};

struct NewApiToken {
  ApiToken token;
  std::string secret;  // shown once
};

class Accounts {
 public:
  Accounts(AccountStore& store, AccountSettings settings = {});

  // invalid_input for a bad name, role or password; conflict when the name is taken.
  Result<User> add_user(const std::string& name, Role role, const std::string& password,
                        Timestamp now);
  // Sets a new password, ends every session of the user and, with ExistingTokens::revoke,
  // revokes their API tokens. Returns how many tokens were revoked.
  Result<std::int64_t> change_password(UserId user, const std::string& password,
                                       ExistingTokens tokens, Timestamp now);

  // Whether `password` is `user`'s, asked again before something that outlasts a session.
  // forbidden when it is not (counted by the limiter like a failed sign-in), rate_limited
  // after too many failures.
  Result<void> confirm_password(const User& user, const std::string& password,
                                const std::string& address, Timestamp now);

  // invalid_input for a name no account can have (not counted as a failure),
  // unauthenticated ("wrong name or password") or rate_limited.
  Result<NewSession> sign_in(const std::string& name, const std::string& password,
                             const std::string& address, Timestamp now);
  Result<void> sign_out(const std::string& session_secret);

  // The principal behind a session cookie's secret or an API token; unauthenticated when
  // the credential is unknown or expired.
  Result<Principal> from_session(const std::string& secret, Timestamp now);
  Result<Principal> from_api_token(const std::string& secret, Timestamp now);

  // conflict-free: names need not be unique. invalid_input for an empty or long name.
  Result<NewApiToken> create_api_token(UserId user, const std::string& name, Timestamp now);

  const SignInLimiter& limiter() const { return limiter_; }

 private:
  AccountStore& store_;
  AccountSettings settings_;
  SignInLimiter limiter_;
  std::once_flag decoy_once_;
  std::string decoy_hash_;  // verified against when the name is unknown, to take as long
};

}  // namespace communique
