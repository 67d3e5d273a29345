// What the subscriber's public pages share: the subscriber a page's personal token names
// (within an age limit), fresh personal tokens, and the "try again" page.
//
// Policy: a token older than its limit is the same nothing as a bad one (the caller
// answers the plain 404 page).
#pragma once

#include <cstdint>
#include <optional>

#include "http/services.hpp"

namespace communique::pages {

// Days a confirmation link lasts, and a privacy link.
inline constexpr std::uint32_t kConfirmDays = 7;
inline constexpr std::uint32_t kPrivacyDays = 2;

// The subscriber the request's `{token}` of `purpose` names, if it is valid (checked with
// the subscriber's key: personal_links.hpp) and not older than `max_days` (0: no limit).
std::optional<Subscriber> token_subscriber(const HttpRequest& request,
                                           const RouteServices& services, TokenPurpose purpose,
                                           std::uint32_t max_days);

// A token of `purpose` for `subscriber`, made today.
std::string sign(const RouteServices& services, TokenPurpose purpose, const Subscriber& subscriber);

// 503: a choice could not be recorded now.
HttpResponse busy(const RouteServices& services);

}  // namespace communique::pages
