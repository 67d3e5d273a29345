// Which links Communiqué keeps, in one place: the sanitiser's hrefs and image sources, the
// rendered Markdown's links and a feed's own links all ask here.
//
// Policy:
// - a URL is read as a browser reads it from an attribute: tabs and line breaks anywhere
//   are ignored, and so are control characters and spaces at either end, so that
//   "jav&#x09;ascript:" or " javascript:" is seen as the "javascript:" it is;
// - a web URL is an absolute http or https one (the scheme in any case); it is all a feed
//   link or an image source may be;
// - safe_url (content/markdown.hpp) adds mailto, tel and relative links for what an author
//   writes in a letter.
//
// It does not check that a host exists or is public: fetching is feeds/feed_fetch's.
#pragma once

#include <string>
#include <string_view>

namespace communique {

// `value` as a browser reads it as a URL: without tabs and line breaks anywhere, and
// without control characters and spaces at either end (WHATWG URL parsing).
std::string browser_url(std::string_view value);

// The scheme of `url` (as browser_url reads it), lowercased; empty when the URL is
// relative ("/archive", "page.html", "#top", "a/b:c").
std::string url_scheme(std::string_view url);

// Whether `url` (as browser_url reads it) is an absolute http or https URL.
bool is_web_url(std::string_view url);

}  // namespace communique
