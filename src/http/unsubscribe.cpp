#include "http/unsubscribe.hpp"

#include <fmt/format.h>

#include "base/text.hpp"
#include "content/markdown.hpp"
#include "http/one_click_queue.hpp"
#include "http/public_page.hpp"

namespace communique {

namespace {

struct Target {
  TokenClaims claims;
  std::vector<std::string> lists;
};

// The subscriber and lists a token names, or nothing for a token that is not valid.
std::optional<Target> resolve(const HttpRequest& request, Store& store, const LinkSigner& links) {
  const auto token = request.params.find("token");
  if (token == request.params.end()) {
    return std::nullopt;
  }
  auto claims = links.verify(token->second, TokenPurpose::unsubscribe);
  if (!claims) {
    return std::nullopt;
  }
  auto names = store.issue_list_names(claims->issue);
  if (!names || names->empty()) {
    return std::nullopt;
  }
  return Target{*claims, std::move(*names)};
}

// "<strong>A</strong> and <strong>B</strong>", escaped.
std::string list_names(const std::vector<std::string>& lists) {
  std::vector<std::string> strong;
  strong.reserve(lists.size());
  for (const auto& name : lists) {
    strong.push_back("<strong>" + escape_html(name) + "</strong>");
  }
  return join_as_list(strong);
}

}  // namespace

HttpResponse handle_unsubscribe_page(const HttpRequest& request, Store& store,
                                     const LinkSigner& links, const std::string& organisation) {
  auto target = resolve(request, store, links);
  if (!target) {
    return not_found_page();
  }
  return public_page(
      200, "Unsubscribe",
      fmt::format("<p>Stop receiving {} from {}?</p>\n"
                  "<form method=\"post\">\n"
                  "<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">\n"
                  "<button type=\"submit\">Unsubscribe</button>\n</form>",
                  list_names(target->lists), escape_html(organisation)));
}

HttpResponse handle_unsubscribe(const HttpRequest& request, Store& store, const LinkSigner& links,
                                const std::string& organisation, Timestamp now) {
  auto target = resolve(request, store, links);
  if (!target) {
    return not_found_page();
  }
  const std::pair<SubscriberId, IssueId> pair{target->claims.subscriber, target->claims.issue};
  auto done = store.unsubscribe_many(std::span(&pair, 1), now);
  if (!done) {
    return unsubscribe_failed_page();
  }
  if (!done->front()) {
    return not_found_page();
  }
  return unsubscribed_page(target->lists, organisation);
}

void defer_unsubscribe(const HttpRequest& request, const LinkSigner& links, OneClickQueue& queue,
                       Respond respond) {
  const auto token = request.params.find("token");
  auto claims = token == request.params.end()
                    ? Result<TokenClaims>(make_error(ErrorCode::not_found, "no token"))
                    : links.verify(token->second, TokenPurpose::unsubscribe);
  if (!claims) {
    respond(not_found_page());
    return;
  }
  queue.submit(claims->subscriber, claims->issue, std::move(respond));
}

HttpResponse unsubscribed_page(const std::vector<std::string>& lists,
                               const std::string& organisation) {
  return public_page(200, "You are unsubscribed",
                     fmt::format("<p>You will no longer receive {} from {}.</p>", list_names(lists),
                                 escape_html(organisation)));
}

HttpResponse unsubscribe_failed_page() {
  return public_page(503, "Please try again",
                     "<p>We could not record your choice just now. Please try again in a "
                     "minute.</p>");
}

}  // namespace communique
