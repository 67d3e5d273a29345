// The unsubscribe pages, reached from the personal link in every letter.
//
//   GET  /unsubscribe/{token}  a page with one button (no JavaScript), saying which lists
//   POST /unsubscribe/{token}  unsubscribes at once and answers 200 with a page, no
//                              redirect: RFC 8058 one-click, as mail clients send it
//                              (body "List-Unsubscribe=One-Click"), and the page's button.
//
// Policy: the token is the only authority (it names the subscriber and the issue; the
// issue names the lists), so no sign-in and no CSRF token are needed, and nothing else
// can be changed with it. Repeating the POST is harmless. A tampered, truncated or foreign
// token gets a plain 404 page that says nothing about why.
#pragma once

#include "http/http_types.hpp"
#include "http/router.hpp"
#include "security/link_token.hpp"
#include "store/store.hpp"

namespace communique {

class OneClickQueue;

HttpResponse handle_unsubscribe_page(const HttpRequest& request, Store& store,
                                     const LinkSigner& links, const std::string& organisation);
HttpResponse handle_unsubscribe(const HttpRequest& request, Store& store, const LinkSigner& links,
                                const std::string& organisation, Timestamp now);

// The POST as `serve` answers it: the token is checked on the I/O thread and the
// unsubscribe joins the next batch of the queue, which answers once it is stored.
void defer_unsubscribe(const HttpRequest& request, const LinkSigner& links, OneClickQueue& queue,
                       Respond respond);

// The pages both paths answer with.
HttpResponse unsubscribed_page(const std::vector<std::string>& lists,
                               const std::string& organisation);
HttpResponse unsubscribe_failed_page();

}  // namespace communique
