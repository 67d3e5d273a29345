#include "accounts/accounts.hpp"

#include <fmt/format.h>

#include "base/log.hpp"
#include "security/password.hpp"

namespace communique {

namespace {

Error wrong_credentials() {
  return Error{ErrorCode::unauthenticated, "wrong name or password"};
}

Error too_many_failures(std::chrono::seconds retry_after) {
  return Error{ErrorCode::rate_limited,
               fmt::format("too many failed sign-ins; try again in {} minute(s)",
                           (retry_after.count() + 59) / 60)};
}

Error invalid_name() {
  return Error{ErrorCode::invalid_input,
               "a user name has 1 to 64 letters, digits, '.', '_', '-' or '@'"};
}

}  // namespace

Accounts::Accounts(AccountStore& store, AccountSettings settings)
    : store_(store), settings_(settings), limiter_(settings.limits) {}

Result<User> Accounts::add_user(const std::string& name, Role role, const std::string& password,
                                Timestamp now) {
  if (!valid_user_name(name)) {
    return invalid_name();
  }
  auto hash = hash_password(password);
  if (!hash) {
    return std::move(hash).error();
  }
  return store_.create_user(name, role, *hash, now);
}

Result<std::int64_t> Accounts::change_password(UserId user, const std::string& password,
                                               ExistingTokens tokens, Timestamp now) {
  auto hash = hash_password(password);
  if (!hash) {
    return std::move(hash).error();
  }
  return store_.set_password(user, *hash, tokens, now);
}

Result<void> Accounts::confirm_password(const User& user, const std::string& password,
                                        const std::string& address, Timestamp now) {
  std::chrono::seconds retry_after{0};
  if (!limiter_.allows(user.name, address, now, &retry_after)) {
    return too_many_failures(retry_after);
  }
  auto stored = store_.find_user(user.name);
  if (!stored) {
    return std::move(stored).error();
  }
  if (!verify_password(stored->password_hash, password)) {
    limiter_.record_failure(user.name, address, now);
    logger("accounts")->warn("wrong password given again by user {} from {}", user.id, address);
    return make_error(ErrorCode::forbidden, "that is not the password of " + user.name);
  }
  limiter_.record_success(user.name);
  return ok();
}

Result<NewSession> Accounts::sign_in(const std::string& name, const std::string& password,
                                     const std::string& address, Timestamp now) {
  // A name no account can have is refused before it is counted: it cannot guess a
  // password, and the limiter then holds only names that could exist.
  if (!valid_user_name(name)) {
    return invalid_name();
  }
  std::chrono::seconds retry_after{0};
  if (!limiter_.allows(name, address, now, &retry_after)) {
    return too_many_failures(retry_after);
  }
  auto found = store_.find_user(name);
  if (!found && found.error().code != ErrorCode::not_found) {
    return std::move(found).error();
  }
  if (!found) {
    // Spend the same time as for a known name, so timing does not reveal which exist.
    std::call_once(decoy_once_, [this] {
      auto decoy = hash_password(random_bearer_secret());
      decoy_hash_ = decoy ? std::move(*decoy) : std::string();
    });
    (void)verify_password(decoy_hash_, password);
    limiter_.record_failure(name, address, now);
    return wrong_credentials();
  }
  if (!verify_password(found->password_hash, password)) {
    limiter_.record_failure(name, address, now);
    logger("accounts")->warn("failed sign-in for user {} from {}", found->user.id, address);
    return wrong_credentials();
  }
  limiter_.record_success(name);
  NewSession session{found->user, random_bearer_secret(), random_bearer_secret(),
                     now + settings_.session_lifetime};
  auto created = store_.create_session(found->user.id, bearer_digest(session.secret),
                                       session.csrf_token, now, session.expires);
  if (!created) {
    return std::move(created).error();
  }
  return session;
}

Result<void> Accounts::sign_out(const std::string& session_secret) {
  return store_.delete_session(bearer_digest(session_secret));
}

Result<Principal> Accounts::from_session(const std::string& secret, Timestamp now) {
  auto session = store_.find_session(bearer_digest(secret), now);
  if (!session) {
    if (session.error().code == ErrorCode::not_found) {
      return make_error(ErrorCode::unauthenticated, "the session has ended; sign in again");
    }
    return std::move(session).error();
  }
  return Principal{std::move(session->user), Principal::Via::session,
                   std::move(session->csrf_token)};
}

Result<Principal> Accounts::from_api_token(const std::string& secret, Timestamp now) {
  auto user = store_.find_api_token_user(bearer_digest(secret), now);
  if (!user) {
    if (user.error().code == ErrorCode::not_found) {
      return make_error(ErrorCode::unauthenticated, "the API token is not valid");
    }
    return std::move(user).error();
  }
  return Principal{std::move(*user), Principal::Via::api_token, ""};
}

Result<NewApiToken> Accounts::create_api_token(UserId user, const std::string& name,
                                               Timestamp now) {
  if (name.empty() || name.size() > 100) {
    return make_error(ErrorCode::invalid_input, "a token's name has 1 to 100 characters");
  }
  NewApiToken created{{}, random_bearer_secret()};
  auto token = store_.create_api_token(user, name, bearer_digest(created.secret), now);
  if (!token) {
    return std::move(token).error();
  }
  created.token = std::move(*token);
  return created;
}

}  // namespace communique
