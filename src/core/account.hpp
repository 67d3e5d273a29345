// Accounts: the people who run an installation, what each may do, and the credentials a
// program uses on their behalf.
//
// Roles are ordered: a viewer reads everything but secrets; an editor also writes lists,
// subscribers, templates and issues and sends them; an admin also manages users, tokens
// and settings. A principal is whoever a request was authenticated as, and how.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace communique {

using UserId = std::int64_t;

enum class Role { viewer = 1, editor = 2, admin = 3 };

std::string_view to_string(Role role);  // "viewer" | "editor" | "admin"
std::optional<Role> parse_role(std::string_view text);
inline bool role_allows(Role held, Role needed) {
  return static_cast<int>(held) >= static_cast<int>(needed);
}

struct User {
  UserId id = 0;
  std::string name;
  Role role = Role::viewer;
  Timestamp created_at{};
  Timestamp updated_at{};
};

// An API token as listed: the secret itself is shown once, when it is made, and never kept.
struct ApiToken {
  std::int64_t id = 0;
  UserId user_id = 0;
  std::string name;
  Timestamp created_at{};
  std::optional<Timestamp> last_used_at;
};

struct Principal {
  User user;
  enum class Via { session, api_token } via = Via::session;
  std::string csrf_token;  // the session's; empty for API tokens, which need none
};

// A user name: 1 to 64 characters of letters, digits, '.', '_', '-' or '@'.
bool valid_user_name(std::string_view name);

}  // namespace communique
