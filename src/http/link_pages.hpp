// Tracked links and opens of issues that turn tracking on.
//
//   GET  /l/{token}              counts a click on a link of an issue and redirects (302)
//   GET  /o/{token}              counts an open (issues that track opens): a 1x1 GIF
//
// Policy: the token names a link (or an issue) and, only for issues that track
// subscribers, a subscriber; the counts are the ClickCounter's, written once a second.
#pragma once

#include <optional>

#include "http/services.hpp"

namespace communique::pages {

HttpResponse follow_link(const HttpRequest& request, const RouteServices& services);
// The same without blocking: an answer when the token is bad or the link's URL is cached.
std::optional<HttpResponse> follow_link_quickly(const HttpRequest& request,
                                                const RouteServices& services);
// GET /o/{token}: counts an open of an issue that tracks opens; answers a 1x1 GIF.
std::optional<HttpResponse> record_open(const HttpRequest& request, const RouteServices& services);

}  // namespace communique::pages
