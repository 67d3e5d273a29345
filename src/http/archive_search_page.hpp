// The archive's search page: GET /archive?q=words[&before=cursor] (core/archive_search.hpp).
//
// Policy: results are published posts of public lists and issues the archive shows, newest
// first, 20 a page, with an "Older results" link carrying the last result's cursor. Every
// title and excerpt is escaped; only the match markers the store put around matches become
// <mark> elements, after escaping, so nothing in a post can add markup through an excerpt.
// A query that cannot be searched (too long, no letter or digit) is a 400 page that says
// what to type; no query a reader writes can make the search fail. An empty result says so.
#pragma once

#include "core/sender_identity.hpp"
#include "http/form.hpp"
#include "http/http_types.hpp"
#include "store/store.hpp"

namespace communique {

// `fields` is the request's decoded query string, which has a `q`.
HttpResponse handle_archive_search(const FormFields& fields, Store& store,
                                   const SenderIdentity& identity);

}  // namespace communique
