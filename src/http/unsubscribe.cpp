#include "http/unsubscribe.hpp"

#include <fmt/format.h>

#include "content/markdown.hpp"

namespace communique {

namespace {

// A small, accessible page: system fonts, readable on phones, no scripts, no third parties.
HttpResponse page(int status, const std::string& title, const std::string& body) {
  HttpResponse response;
  response.status = status;
  response.content_type = "text/html; charset=utf-8";
  response.headers.emplace_back("Content-Security-Policy",
                                "default-src 'none'; style-src 'unsafe-inline'; "
                                "form-action 'self'; frame-ancestors 'none'");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.body = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"robots\" content=\"noindex\">\n<title>{}</title>\n"
      "<style>body{{font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;"
      "max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.6;color:#1b2733}}"
      "button{{font-size:1rem;padding:.6rem 1.2rem;border:0;border-radius:4px;"
      "background:#1d4e89;color:#fff;cursor:pointer}}</style>\n</head>\n<body>\n<main>\n"
      "<h1>{}</h1>\n{}\n</main>\n</body>\n</html>\n",
      escape_html(title), escape_html(title), body);
  return response;
}

struct Target {
  TokenClaims claims;
  std::vector<MailingList> lists;
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
  auto issue = store.find_issue(claims->issue);
  if (!issue) {
    return std::nullopt;
  }
  Target target{*claims, {}};
  for (ListId id : issue->lists) {
    if (auto list = store.find_list(id)) {
      target.lists.push_back(std::move(*list));
    }
  }
  return target;
}

std::string list_names(const std::vector<MailingList>& lists) {
  std::string names;
  for (std::size_t i = 0; i < lists.size(); ++i) {
    names += (i == 0                  ? ""
              : i + 1 == lists.size() ? " and "
                                      : ", ") +
             ("<strong>" + escape_html(lists[i].name) + "</strong>");
  }
  return names;
}

}  // namespace

HttpResponse not_found_page() {
  return page(404, "Page not found",
              "<p>This link is not valid. If you copied it from a letter, check that it is "
              "complete.</p>");
}

HttpResponse handle_unsubscribe_page(const HttpRequest& request, Store& store,
                                     const LinkSigner& links, const std::string& organisation) {
  auto target = resolve(request, store, links);
  if (!target) {
    return not_found_page();
  }
  return page(200, "Unsubscribe",
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
  for (const auto& list : target->lists) {
    auto done = store.set_subscription_status(target->claims.subscriber, list.id,
                                              SubscriptionStatus::unsubscribed, now);
    if (!done) {
      return page(503, "Please try again",
                  "<p>We could not record your choice just now. Please try again in a "
                  "minute.</p>");
    }
  }
  return page(200, "You are unsubscribed",
              fmt::format("<p>You will no longer receive {} from {}.</p>",
                          list_names(target->lists), escape_html(organisation)));
}

}  // namespace communique
