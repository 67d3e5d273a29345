// The frame of every server-rendered public page: a small, accessible HTML document with
// system fonts, no script and no third party, under a Content-Security-Policy that allows
// neither, and no referrer leaking personal links.
#pragma once

#include <string>

#include "http/http_types.hpp"

namespace communique {

// `body_html` is trusted markup made by the caller; `title` is escaped here.
HttpResponse public_page(int status, const std::string& title, const std::string& body_html);

// The plain page for an unknown page or an invalid link (404).
HttpResponse not_found_page();

}  // namespace communique
