// The unsubscribe pages, reached from the personal link in every letter.
//
//   GET  /unsubscribe/{token}  a page with one button (no JavaScript), saying which lists
//   POST /unsubscribe/{token}  unsubscribes at once and answers 200, no redirect: RFC 8058
//                              one-click, as mail providers send it (body
//                              "List-Unsubscribe=One-Click"; a line of plain text), and the
//                              page's button (a page).
//
// Policy: the token is the only authority (it names the subscriber and the issue; the
// issue names the lists), so no sign-in and no CSRF token are needed, and nothing else
// can be changed with it. Repeating the POST is harmless. A tampered, truncated or foreign
// token, or one made for a subscriber who is gone (personal_links.hpp), gets a plain 404
// page that says nothing about why.
#pragma once

#include <map>
#include <mutex>
#include <span>
#include <vector>

#include "http/http_types.hpp"
#include "http/router.hpp"
#include "http/services.hpp"
#include "security/link_token.hpp"
#include "store/store.hpp"

namespace communique {

HttpResponse handle_unsubscribe_page(const HttpRequest& request, Store& store,
                                     const LinkSigner& links, const std::string& organisation);

// The answers that say "you are unsubscribed" for each issue: a page for a person, plain
// text for a mail provider. Made once, and again only when the display names of the issue's
// lists change. Shared between threads.
class UnsubscribedPages {
 public:
  explicit UnsubscribedPages(std::string organisation) : organisation_(std::move(organisation)) {}
  HttpResponse answer(IssueId issue, const std::vector<std::string>& lists, bool page);

 private:
  struct Made {
    std::vector<std::string> lists;
    HttpResponse page;
    HttpResponse text;
  };
  std::string organisation_;
  std::mutex mutex_;
  std::map<IssueId, Made> made_;  // the most recent issues
};

// POSTs answered together (a BatchHandler): every valid token's unsubscribe is stored in
// one transaction, and only then is anyone told "you are unsubscribed": with the page when
// the POST came from the page's button (its form sends `page`), else in plain text (the
// answer to an RFC 8058 POST is read by no one). A store failure answers 503 (try again),
// a token that is not valid or names no list 404.
// The tokens are checked against `services.store`; the unsubscribes are the Subscriptions
// service's.
std::vector<HttpResponse> unsubscribe_batch(std::span<const HttpRequest> requests,
                                            const RouteServices& services,
                                            UnsubscribedPages& pages);

// The pages it answers with.
HttpResponse unsubscribed_page(const std::vector<std::string>& lists,
                               const std::string& organisation);
HttpResponse unsubscribe_failed_page();

}  // namespace communique
