#include "http/access.hpp"

#include <fmt/format.h>

#include "base/text.hpp"
#include "http/form.hpp"
#include "http/responses.hpp"
#include "security/password.hpp"

namespace communique {

namespace {

bool is_write(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

Role role_for(Access access) {
  switch (access) {
    case Access::admin:
      return Role::admin;
    case Access::editor:
      return Role::editor;
    case Access::viewer:
    case Access::public_route:
      break;
  }
  return Role::viewer;
}

Result<Principal> authenticate(const HttpRequest& request, Accounts& accounts, Timestamp now) {
  const auto& authorization = request.header("authorization");
  if (!authorization.empty()) {
    if (!starts_with_ignoring_case(authorization, "Bearer ")) {
      return make_error(ErrorCode::unauthenticated,
                        "the Authorization header must be 'Bearer <token>'");
    }
    return accounts.from_api_token(std::string(trim(authorization.substr(7))), now);
  }
  auto cookie = cookie_value(request.header("cookie"), kSessionCookie);
  if (!cookie) {
    return make_error(ErrorCode::unauthenticated,
                      "sign in first (POST /api/v1/session), or send an API token");
  }
  return accounts.from_session(*cookie, now);
}

}  // namespace

Gate make_access_gate(Accounts& accounts, Clock clock) {
  return [&accounts, clock = std::move(clock)](HttpRequest& request,
                                               Access access) -> std::optional<HttpResponse> {
    auto principal = authenticate(request, accounts, clock());
    if (!principal) {
      return error_response(principal.error());
    }
    if (!role_allows(principal->user.role, role_for(access))) {
      return error_response(
          403, "forbidden",
          fmt::format("this needs the {} role; you are {}", to_string(role_for(access)),
                      to_string(principal->user.role)));
    }
    if (principal->via == Principal::Via::session && is_write(request.method) &&
        !constant_time_equal(request.header("x-csrf-token"), principal->csrf_token)) {
      return error_response(403, "csrf",
                            "a write made with the session cookie must send the session's "
                            "X-CSRF-Token header");
    }
    request.principal = std::move(*principal);
    return std::nullopt;
  };
}

std::string session_cookie(const std::string& secret, std::chrono::seconds lifetime, bool secure) {
  return fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict{}", kSessionCookie,
                     secret, lifetime.count(), secure ? "; Secure" : "");
}

std::string cleared_session_cookie(bool secure) {
  return fmt::format("{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{}", kSessionCookie,
                     secure ? "; Secure" : "");
}

}  // namespace communique
