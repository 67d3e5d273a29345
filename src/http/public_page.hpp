// The frame of every server-rendered public page, and the pages' templates.
//
// Pages are Mustache templates in templates/public, compiled into the binary: a layout
// (small, accessible HTML with system fonts, no script, no third party) and one body per
// page. Every answer carries a Content-Security-Policy that allows no script and no
// plugin, posts only to this site, and is never framed; no referrer leaks personal links.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "http/http_types.hpp"
#include "security/link_token.hpp"

namespace communique {

// What a page puts in the layout's head beside its title. Pages are kept out of search
// engines unless they say otherwise (personal pages must never be indexed; published posts
// and the archive may be). `extra_html` is trusted markup made by the caller (meta and link
// elements with every value escaped).
struct PageHead {
  std::string language = "en";
  bool indexable = false;
  std::string extra_html;
};

// `body_html` is trusted markup made by the caller; `title` and `organisation` are escaped.
HttpResponse public_page(int status, const std::string& title, const std::string& body_html,
                         const std::string& organisation = "", const PageHead& head = {});

// The page templates/public/`page`.html rendered with `context` (values escaped) inside
// the layout.
HttpResponse render_public_page(int status, const std::string& title, const std::string& page,
                                const nlohmann::json& context, const std::string& organisation,
                                const PageHead& head = {});

// A page of plain sentences (each escaped).
HttpResponse message_page(int status, const std::string& title,
                          const std::vector<std::string>& paragraphs,
                          const std::string& organisation);

// templates/public/`name` rendered alone, without the layout: values are HTML-escaped in
// .html files (the form snippet) and not in .txt ones (confirm_letter.txt).
std::string render_public_text(const std::string& name, const nlohmann::json& context);

// The public pages' stylesheet (templates/public/public.css), cacheable for a day.
HttpResponse public_stylesheet();

// The plain page for an unknown page or an invalid link (404).
HttpResponse not_found_page();

// The claims of the request's `{token}` path parameter for `purpose`, for tokens bound to
// no subscriber's key (clicks and opens: security/link_binding.hpp; personal links are
// checked by http/personal_links.hpp); nothing when it is missing, tampered with or made
// for another purpose (the caller answers not_found_page()).
std::optional<TokenClaims> path_token(const HttpRequest& request, const LinkSigner& links,
                                      TokenPurpose purpose);

}  // namespace communique
