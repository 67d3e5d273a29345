// SqliteStore's accounts: users, sessions and API tokens.
#include "store/sqlite/sqlite_support.hpp"

namespace communique {

using namespace sqlite_support;  // NOLINT(google-build-using-namespace): the backend's own helpers

namespace {

User read_user(const sqlite::Statement& row) {
  User user;
  user.id = row.column_int(0);
  user.name = row.column_text(1);
  user.role = parse_role(row.column_text(2)).value_or(Role::viewer);
  user.created_at = from_unix(row.column_int(3));
  user.updated_at = from_unix(row.column_int(4));
  return user;
}

StoredUser read_stored_user(const sqlite::Statement& row) {
  return StoredUser{read_user(row), row.column_text(5)};
}

std::string no_user(UserId id) {
  return "there is no user " + std::to_string(id);
}

}  // namespace

Result<User> SqliteStore::create_user(const std::string& name, Role role,
                                      const std::string& password_hash, Timestamp now) {
  Call call(*this);
  auto id = first_row("insert-user", read_integer, name, to_string(role), password_hash, now);
  if (!id) {
    if (id.error().code == ErrorCode::conflict) {
      return make_error(ErrorCode::conflict, "a user named '" + name + "' exists already");
    }
    return std::move(id).error();
  }
  return User{id->value_or(0), name, role, now, now};
}

Result<StoredUser> SqliteStore::find_user(const std::string& name) {
  Call call(*this);
  return find("get-user-by-name", read_stored_user, "there is no user named '" + name + "'", name);
}

Result<User> SqliteStore::find_user(UserId id) {
  Call call(*this);
  return find("get-user", read_user, no_user(id), id);
}

Result<std::vector<User>> SqliteStore::users() {
  Call call(*this);
  return rows("all-users", read_user);
}

Result<std::int64_t> SqliteStore::set_password(UserId id, const std::string& password_hash,
                                               ExistingTokens tokens, Timestamp now) {
  Call call(*this);
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  auto changed = execute("set-user-password", id, password_hash, now);
  if (!changed) {
    return std::move(changed).error();
  }
  if (*changed == 0) {
    return make_error(ErrorCode::not_found, no_user(id));
  }
  COMMUNIQUE_TRY(execute("delete-sessions-of-user", id));
  std::int64_t revoked = 0;
  if (tokens == ExistingTokens::revoke) {
    auto deleted = execute("delete-api-tokens-of-user", id);
    if (!deleted) {
      return std::move(deleted).error();
    }
    revoked = *deleted;
  }
  COMMUNIQUE_TRY(transaction.commit());
  return revoked;
}

Result<void> SqliteStore::change_user_keeping_an_admin(std::string_view query, UserId id,
                                                       const std::string& role,
                                                       const std::string& refusal, Timestamp now) {
  Call call(*this);
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  auto changed = role.empty() ? execute(query, id) : execute(query, id, role, now);
  if (!changed) {
    return std::move(changed).error();
  }
  if (*changed == 0) {
    return make_error(ErrorCode::not_found, no_user(id));
  }
  auto count = first_row("count-admins", read_integer);
  if (!count) {
    return std::move(count).error();
  }
  if (count->value_or(0) == 0) {
    return make_error(ErrorCode::conflict, refusal);
  }
  return transaction.commit();
}

Result<void> SqliteStore::set_role(UserId id, Role role, Timestamp now) {
  return change_user_keeping_an_admin("set-user-role", id, std::string(to_string(role)),
                                      "the last admin cannot lose the admin role", now);
}

Result<void> SqliteStore::delete_user(UserId id) {
  return change_user_keeping_an_admin("delete-user", id, "", "the last admin cannot be deleted",
                                      Timestamp{});
}

Result<void> SqliteStore::create_session(UserId user, const std::string& digest,
                                         const std::string& csrf_token, Timestamp now,
                                         Timestamp expires) {
  Call call(*this);
  // Sign-ins are rare: a good moment to forget sessions that have ended.
  COMMUNIQUE_TRY(execute("delete-expired-sessions", now));
  auto inserted = execute("insert-session", digest, user, csrf_token, now, expires);
  if (!inserted) {
    return std::move(inserted).error();
  }
  return ok();
}

Result<SessionRecord> SqliteStore::find_session(const std::string& digest, Timestamp now) {
  Call call(*this);
  return find(
      "get-session",
      [](const sqlite::Statement& row) {
        return SessionRecord{read_user(row), row.column_text(5)};
      },
      "no such session", digest, now);
}

Result<void> SqliteStore::delete_session(const std::string& digest) {
  Call call(*this);
  auto deleted = execute("delete-session", digest);
  if (!deleted) {
    return std::move(deleted).error();
  }
  return ok();
}

Result<ApiToken> SqliteStore::create_api_token(UserId user, const std::string& name,
                                               const std::string& digest, Timestamp now) {
  Call call(*this);
  auto id = first_row("insert-api-token", read_integer, user, name, digest, now);
  if (!id) {
    if (id.error().code == ErrorCode::conflict) {
      return make_error(ErrorCode::not_found, no_user(user));
    }
    return std::move(id).error();
  }
  return ApiToken{id->value_or(0), user, name, now, std::nullopt};
}

Result<User> SqliteStore::find_api_token_user(const std::string& digest, Timestamp now) {
  Call call(*this);
  auto found = find(
      "get-api-token-user",
      [](const sqlite::Statement& row) {
        return std::pair{read_user(row), row.column_int(5)};
      },
      "no such token", digest);
  if (!found) {
    return std::move(found).error();
  }
  COMMUNIQUE_TRY(execute("touch-api-token", found->second, now));
  return std::move(found->first);
}

Result<std::vector<ApiToken>> SqliteStore::api_tokens(UserId user) {
  Call call(*this);
  return rows(
      "api-tokens-of-user",
      [](const sqlite::Statement& row) {
        ApiToken token{row.column_int(0), row.column_int(1), row.column_text(2),
                       from_unix(row.column_int(3)), std::nullopt};
        if (!row.column_is_null(4)) {
          token.last_used_at = from_unix(row.column_int(4));
        }
        return token;
      },
      user);
}

Result<void> SqliteStore::delete_api_token(UserId user, std::int64_t id) {
  Call call(*this);
  auto deleted = execute("delete-api-token", id, user);
  if (!deleted) {
    return std::move(deleted).error();
  }
  if (*deleted == 0) {
    return make_error(ErrorCode::not_found, "there is no token " + std::to_string(id));
  }
  return ok();
}

}  // namespace communique
