#include "http/unsubscribe.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "base/log.hpp"
#include "base/text.hpp"
#include "content/markdown.hpp"
#include "http/form.hpp"
#include "http/personal_links.hpp"
#include "http/public_page.hpp"

namespace communique {

namespace {

struct Target {
  TokenClaims claims;
  std::vector<MailingList> lists;
};

// The subscriber and lists a token names, or nothing for a token that is not valid.
std::optional<Target> resolve(const HttpRequest& request, Store& store, const LinkSigner& links) {
  auto link = personal_link(request, TokenPurpose::unsubscribe, links, store);
  if (!link) {
    return std::nullopt;
  }
  auto lists = store.issue_lists(link->claims.issue);
  if (!lists || lists->empty()) {
    return std::nullopt;
  }
  return Target{link->claims, std::move(*lists)};
}

// Whether the subscriber left every list the issue went to already.
bool already_unsubscribed(Store& store, const Target& target) {
  auto subscriptions = store.subscriptions_of(target.claims.subscriber);
  if (!subscriptions) {
    return false;  // the page offers the button; the POST says what happened
  }
  for (const auto& list : target.lists) {
    const auto found = std::find_if(subscriptions->begin(), subscriptions->end(),
                                    [&](const Subscription& s) { return s.list_id == list.id; });
    if (found == subscriptions->end() || found->status != SubscriptionStatus::unsubscribed) {
      return false;
    }
  }
  return true;
}

// Whether a POST came from the page's button (a person, shown a page) rather than from a
// mail provider's one-click request (a machine, which is answered in plain text).
bool wants_page(const HttpRequest& request) {
  if (request.body.find("page") == std::string::npos) {
    return false;  // a provider's "List-Unsubscribe=One-Click": nothing to decode
  }
  auto fields = parse_form(request.body);
  return fields && form_value(*fields, "page").has_value();
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
  if (already_unsubscribed(store, *target)) {
    return public_page(
        200, "You are unsubscribed",
        fmt::format("<p>{}</p>\n<p>Changed your mind? "
                    "<a href=\"/subscribe\">Subscribe again</a>.</p>",
                    end_sentence(fmt::format(
                        "You already left {}: you no longer receive it from {}",
                        list_names(display_names(target->lists)), escape_html(organisation)))));
  }
  return public_page(
      200, "Unsubscribe",
      fmt::format("<p>Stop receiving {} from {}?</p>\n"
                  "<form method=\"post\">\n"
                  "<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">\n"
                  "<input type=\"hidden\" name=\"page\" value=\"1\">\n"
                  "<button type=\"submit\">Unsubscribe</button>\n</form>",
                  list_names(display_names(target->lists)), escape_html(organisation)));
}

HttpResponse UnsubscribedPages::answer(IssueId issue, const std::vector<std::string>& lists,
                                       bool page) {
  constexpr std::size_t kIssuesKept = 64;
  std::lock_guard lock(mutex_);
  auto found = made_.find(issue);
  if (found == made_.end() || found->second.lists != lists) {
    if (made_.size() >= kIssuesKept) {
      made_.clear();
    }
    HttpResponse text{.status = 200,
                      .content_type = "text/plain; charset=utf-8",
                      .body = end_sentence(fmt::format("You are unsubscribed: you will no "
                                                       "longer receive {} from {}",
                                                       join_as_list(lists), organisation_)) +
                              "\n"};
    found = made_
                .insert_or_assign(
                    issue, Made{lists, unsubscribed_page(lists, organisation_), std::move(text)})
                .first;
  }
  return page ? found->second.page : found->second.text;
}

std::vector<HttpResponse> unsubscribe_batch(std::span<const HttpRequest> requests,
                                            const RouteServices& services,
                                            UnsubscribedPages& pages) {
  Store& store = services.store;
  // What each request's token stands for, when it is good.
  std::vector<std::string_view> tokens;
  tokens.reserve(requests.size());
  for (const auto& request : requests) {
    const auto token = request.params.find("token");
    tokens.push_back(token == request.params.end() ? std::string_view() : token->second);
  }
  const auto claims = open_personal_links(tokens, TokenPurpose::unsubscribe, services.links, store);
  std::vector<std::optional<std::size_t>> pair_of(requests.size());
  std::vector<std::pair<SubscriberId, IssueId>> pairs;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (claims[i]) {
      pair_of[i] = pairs.size();
      pairs.emplace_back(claims[i]->subscriber, claims[i]->issue);
    }
  }
  auto done = services.subscriptions.unsubscribe(pairs, services.clock());
  if (!done) {
    logger("http")->error("{} one-click unsubscribe(s) not stored: {}", pairs.size(),
                          done.error().message);
  }
  // The display names of each issue's lists; none for an issue with no lists (or none left).
  std::map<IssueId, std::vector<std::string>> lists;
  std::vector<HttpResponse> answers;
  answers.reserve(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (!pair_of[i]) {
      answers.push_back(not_found_page());
      continue;
    }
    if (!done) {
      answers.push_back(unsubscribe_failed_page());
      continue;
    }
    const IssueId issue = pairs[*pair_of[i]].second;
    auto names = lists.find(issue);
    if (names == lists.end()) {
      auto found = store.issue_lists(issue);
      names =
          lists.emplace(issue, found ? display_names(*found) : std::vector<std::string>{}).first;
    }
    if (!(*done)[*pair_of[i]] || names->second.empty()) {
      answers.push_back(not_found_page());
    } else {
      answers.push_back(pages.answer(issue, names->second, wants_page(requests[i])));
    }
  }
  return answers;
}

HttpResponse unsubscribed_page(const std::vector<std::string>& lists,
                               const std::string& organisation) {
  return public_page(200, "You are unsubscribed",
                     "<p>" +
                         end_sentence(fmt::format("You will no longer receive {} from {}",
                                                  list_names(lists), escape_html(organisation))) +
                         "</p>");
}

HttpResponse unsubscribe_failed_page() {
  return public_page(503, "Please try again",
                     "<p>We could not record your choice just now. Please try again in a "
                     "minute.</p>");
}

}  // namespace communique
