// AccountStore: users, their sessions and their API tokens, as the store keeps them.
//
// Secrets never reach the store: sessions and tokens are looked up by the digest of their
// secret (security/password.hpp), passwords are argon2id strings made by the caller.
// Changing a password, ending every session of the user and (unless told to keep them)
// revoking their API tokens is one transaction.
#pragma once

#include <vector>

#include "base/result.hpp"
#include "core/account.hpp"

namespace communique {

struct StoredUser {
  User user;
  std::string password_hash;
};

// What a password change does to the user's API tokens: a token made by whoever knew the
// old password must not outlive it, unless the caller says the tokens are trusted.
enum class ExistingTokens { revoke, keep };

struct SessionRecord {
  User user;
  std::string csrf_token;
};

class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // conflict when the name is taken (ignoring ASCII case).
  virtual Result<User> create_user(const std::string& name, Role role,
                                   const std::string& password_hash, Timestamp now) = 0;
  virtual Result<StoredUser> find_user(const std::string& name) = 0;
  virtual Result<User> find_user(UserId id) = 0;
  virtual Result<std::vector<User>> users() = 0;
  // Sets the password hash, deletes every session of the user and, with
  // ExistingTokens::revoke, their API tokens, as one transaction. Returns how many tokens
  // were revoked; not_found for an unknown user.
  virtual Result<std::int64_t> set_password(UserId id, const std::string& password_hash,
                                            ExistingTokens tokens, Timestamp now) = 0;
  // conflict when the change would leave no admin.
  virtual Result<void> set_role(UserId id, Role role, Timestamp now) = 0;
  // Deletes the user with their sessions and tokens; conflict when it is the last admin.
  virtual Result<void> delete_user(UserId id) = 0;

  virtual Result<void> create_session(UserId user, const std::string& digest,
                                      const std::string& csrf_token, Timestamp now,
                                      Timestamp expires) = 0;
  // The live session with this digest; not_found when unknown or expired.
  virtual Result<SessionRecord> find_session(const std::string& digest, Timestamp now) = 0;
  virtual Result<void> delete_session(const std::string& digest) = 0;

  virtual Result<ApiToken> create_api_token(UserId user, const std::string& name,
                                            const std::string& digest, Timestamp now) = 0;
  // The user a token digest belongs to (recording its use); not_found when unknown.
  virtual Result<User> find_api_token_user(const std::string& digest, Timestamp now) = 0;
  virtual Result<std::vector<ApiToken>> api_tokens(UserId user) = 0;
  // not_found unless the token exists and belongs to `user`.
  virtual Result<void> delete_api_token(UserId user, std::int64_t id) = 0;
};

}  // namespace communique
