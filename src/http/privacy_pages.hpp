// The privacy page, reached from the preference page: what is held about a subscriber, as
// a JSON download, and erasure.
//
//   GET  /privacy/{token}        the page: a download link and the erase button
//   GET  /privacy/{token}/data   the JSON download (what Store::activity_of reads, and more)
//   POST /privacy/{token}        erases the subscriber (the form must send erase=yes)
//
// Policy: the token is made by the preference page and lasts 2 days; a bad or old one gets
// the plain 404 page. Erasure is the Subscriptions service's: everything goes.
#pragma once

#include "http/services.hpp"

namespace communique::pages {

HttpResponse privacy(const HttpRequest& request, const RouteServices& services);
HttpResponse privacy_data(const HttpRequest& request, const RouteServices& services);
HttpResponse erase(const HttpRequest& request, const RouteServices& services);

}  // namespace communique::pages
