// The public web of posts: each published post's page (GET /posts/{slug}), a public list's
// archive page (GET /archive/{list}) and its Atom feeds (GET /archive/{list}/feed.atom and
// /archive/{list}/topics/{topic}/feed.atom, post_feed.hpp).
//
// Policy: only a published post of a public list has a page; a draft, a post of a private
// list and an unknown slug are the same plain 404 (not_found_page()), so an address tells
// nobody whether something unpublished exists. A private or unknown list, or an unknown
// topic, is that 404 too. A post's body is rendered from Markdown as letters are and then
// sanitised (content/html_sanitizer.hpp); everything else is escaped by the templates. The
// page links the post's published translations by language (hreflang), names its list
// with a link to the list's page, and carries description and Open Graph meta for links
// shared elsewhere. No page carries anything about a subscriber.
#pragma once

#include <string>

#include "http/services.hpp"

namespace communique::pages {

HttpResponse post_page(const HttpRequest& request, const RouteServices& services);
// `name` as the request wrote it (percent-encoded).
HttpResponse list_archive(const std::string& name, const RouteServices& services);
HttpResponse list_feed(const HttpRequest& request, const RouteServices& services);
HttpResponse topic_feed(const HttpRequest& request, const RouteServices& services);

// Whether /archive/`name` names an issue (its address starts with the issue's id) rather
// than a list.
bool names_issue(const std::string& name);

}  // namespace communique::pages
