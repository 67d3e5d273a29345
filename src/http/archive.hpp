// The public archive: GET /archive (issues that went out, letters and digests alike, newest
// first, 20 a page, older pages by ?before=ID, with the search form and links to the pages
// of public lists with posts; with ?q= it is the search, archive_search_page.hpp),
// GET /archive/feed.atom (the newest 20 as Atom 1.0, RFC 4287), and GET /archive/{slug},
// the web version of an issue ("View in your browser" in letters).
//
// Policy: only issues that are sending or sent, whose every list is public and whose
// archive flag is on, are published; the rest (drafts, scheduled, paused and cancelled
// issues, issues to a private list, issues an editor kept out) are 404. Each published
// issue has one address, /archive/ID-words: the id alone, or the id with other words (an
// older subject), moves there (301); a slug without a published issue's id is 404. The page
// carries no subscriber's data.
// HTML bodies are sanitised (content/html_sanitizer.hpp) when stored and again when shown,
// and the page's Content-Security-Policy allows no script, form, base URL or framing and
// sandboxes it, so markup in a body cannot act in a reader's browser. The index is styled
// by the public stylesheet only (no inline style), as the public pages' policy requires.
#pragma once

#include <filesystem>

#include "core/sender_identity.hpp"
#include "http/http_types.hpp"
#include "store/store.hpp"

namespace communique {

HttpResponse handle_archive_index(const HttpRequest& request, Store& store,
                                  const SenderIdentity& identity);
HttpResponse handle_archive_feed(Store& store, const SenderIdentity& identity);

HttpResponse handle_archive_issue(const HttpRequest& request, Store& store,
                                  const SenderIdentity& identity,
                                  const std::filesystem::path& data_dir);

}  // namespace communique
