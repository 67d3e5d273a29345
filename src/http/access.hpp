// The access gate: who a request comes from, and whether the route admits them.
//
// Policy: credentials are an `Authorization: Bearer` API token or the session cookie.
// No credential, or one that is unknown or expired: 401. A role below the route's: 403.
// A write (POST, PUT, PATCH, DELETE) authenticated by the cookie must repeat the
// session's CSRF token in `X-CSRF-Token` (a page of another site can make the browser
// send the cookie, never read the token): 403 otherwise. Bearer tokens need no CSRF
// token, as no browser sends them on its own.
#pragma once

#include <string>

#include "accounts/accounts.hpp"
#include "http/router.hpp"

namespace communique {

inline constexpr const char* kSessionCookie = "communique_session";

Gate make_access_gate(Accounts& accounts, Clock clock);

// The Set-Cookie value for a new session (Secure when the site is served over HTTPS), and
// the one that clears it.
std::string session_cookie(const std::string& secret, std::chrono::seconds lifetime, bool secure);
std::string cleared_session_cookie(bool secure);

}  // namespace communique
