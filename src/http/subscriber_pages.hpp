// The subscriber's public pages: the landing page, the subscription form, confirmation and
// the preference centre (the privacy page: privacy_pages.hpp; tracked links:
// link_pages.hpp). Handlers check the token or form, call the Subscriptions service, answer.
//
//   GET  /                       the landing page (subscribe, archive)
//   GET  /subscribe              the form: address, name, public lists
//   POST /subscribe              records the request and answers the same page, after the
//                                same work, whatever the address (no enumeration): it says
//                                what happens in each case, by the lists' opt-in modes; a
//                                filled honeypot field is dropped quietly; limited per client
//                                address; what is written and whether a confirmation letter
//                                is queued is SubscribePolicy's; the letter is sent later
//                                by the ConfirmationSender, never on the request path
//   GET  /subscribe/snippet      the same form as HTML to paste into another site
//   GET  /confirm/{token}        a page with a button; changes nothing, so that link
//                                scanners (and HEAD) confirm no one (tokens last 7 days)
//   POST /confirm                the button (the token in the body): confirms exactly the
//                                lists the letter asked about, once; a used link says so
//   GET  /preferences/{token}    lists, topics, language (chosen among those the lists
//                                publish in), name; POST saves them all or nothing
//
// Policy: a personal token is the only authority and names one subscriber for one
// purpose; forms post back to their own token URL, which a third party cannot know, so
// the token is the CSRF protection too. A bad or expired token gets the plain 404 page.
#pragma once

#include "http/services.hpp"

namespace communique::pages {

HttpResponse landing(const HttpRequest& request, const RouteServices& services);
HttpResponse subscribe_form(const HttpRequest& request, const RouteServices& services);
HttpResponse subscribe(const HttpRequest& request, const RouteServices& services);
// GET /subscribe/snippet: the form's HTML to paste into another site (as text, to copy).
HttpResponse subscribe_snippet(const HttpRequest& request, const RouteServices& services);
// GET /confirm/{token}: the page with the button; POST /confirm: the button.
HttpResponse confirm_page(const HttpRequest& request, const RouteServices& services);
HttpResponse confirm(const HttpRequest& request, const RouteServices& services);
HttpResponse preferences(const HttpRequest& request, const RouteServices& services);
HttpResponse save_preferences(const HttpRequest& request, const RouteServices& services);

}  // namespace communique::pages
