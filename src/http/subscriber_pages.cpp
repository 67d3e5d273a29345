#include "http/subscriber_pages.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "base/log.hpp"
#include "base/text.hpp"
#include "http/click_counter.hpp"
#include "http/form.hpp"
#include "http/personal_links.hpp"
#include "http/public_page.hpp"
#include "security/link_binding.hpp"

namespace communique::pages {

namespace {

using nlohmann::json;

constexpr std::uint32_t kConfirmDays = 7;
constexpr std::uint32_t kPrivacyDays = 2;

// The subscriber a token of `purpose` names, if it is valid (checked with the subscriber's
// key: personal_links.hpp) and not older than `max_days` (0: no limit).
std::optional<Subscriber> token_subscriber(const HttpRequest& request,
                                           const RouteServices& services, TokenPurpose purpose,
                                           std::uint32_t max_days) {
  auto link = personal_link(request, purpose, services.links, services.store);
  if (!link) {
    return std::nullopt;
  }
  if (max_days > 0 && link->claims.issued_day + max_days < day_number(services.clock())) {
    return std::nullopt;
  }
  return std::move(link->subscriber);
}

std::string sign(const RouteServices& services, TokenPurpose purpose,
                 const Subscriber& subscriber) {
  return services.links.sign({.purpose = purpose,
                              .subscriber = subscriber.id,
                              .issue = 0,
                              .issued_day = day_number(services.clock())},
                             token_key(purpose, subscriber.link_key));
}

const std::string& organisation(const RouteServices& services) {
  return services.identity.organisation;
}

HttpResponse busy(const RouteServices& services) {
  return message_page(503, "Please try again",
                      {"We could not record your choice just now. Please try again in a minute."},
                      organisation(services));
}

std::vector<MailingList> public_lists(const RouteServices& services) {
  auto lists = services.store.lists();
  std::vector<MailingList> shown;
  if (lists) {
    for (auto& list : *lists) {
      if (list.visibility == ListVisibility::public_list) {
        shown.push_back(std::move(list));
      }
    }
  }
  return shown;
}

HttpResponse form_page(int status, const RouteServices& services, const std::string& error,
                       const std::string& email, const std::string& name,
                       const std::vector<ListId>& chosen) {
  json lists = json::array();
  const auto shown = public_lists(services);
  for (const auto& list : shown) {
    const bool checked =
        shown.size() == 1 || std::find(chosen.begin(), chosen.end(), list.id) != chosen.end();
    lists.push_back({{"id", list.id},
                     {"name", list.name},
                     {"description", list.description},
                     {"checked", checked}});
  }
  return render_public_page(status, "Subscribe", "subscribe",
                            {{"error", error},
                             {"email", email},
                             {"name", name},
                             {"lists", lists},
                             {"has_lists", !lists.empty()}},
                            organisation(services));
}

HttpResponse check_inbox(const RouteServices& services) {
  return message_page(200, "Check your inbox",
                      {"Thank you. If a confirmation is needed, a letter is on its way to the "
                       "address you gave: open the link in it to start receiving our news.",
                       "Nothing arrived? Look in the spam folder, or try again in a few minutes."},
                      organisation(services));
}

std::vector<ListId> chosen_ids(const std::vector<std::string>& values) {
  std::vector<ListId> ids;
  for (const auto& value : values) {
    // Not a number: not one of ours; ignored like any unknown id.
    if (const auto id = parse_integer(value); id && *id > 0) {
      ids.push_back(*id);
    }
  }
  return ids;
}

}  // namespace

HttpResponse landing(const HttpRequest&, const RouteServices& services) {
  return render_public_page(200, organisation(services), "landing",
                            {{"organisation", organisation(services)}}, organisation(services));
}

HttpResponse subscribe_form(const HttpRequest&, const RouteServices& services) {
  return form_page(200, services, "", "", "", {});
}

HttpResponse subscribe(const HttpRequest& request, const RouteServices& services) {
  const auto now = services.clock();
  if (services.subscribe_limiter != nullptr) {
    if (!services.subscribe_limiter->below(request.remote_address, services.subscribe_limit, now)) {
      return message_page(429, "Please wait a little",
                          {"Too many requests came from your network. Please try again later."},
                          organisation(services));
    }
    services.subscribe_limiter->add(request.remote_address, now);
  }
  auto fields = parse_form(request.body);
  if (!fields) {
    return form_page(400, services, "The form could not be read; please try again.", "", "", {});
  }
  const std::string email_text = form_value(*fields, "email").value_or("");
  const std::string name_text = form_value(*fields, "name").value_or("");
  const auto chosen = chosen_ids(form_values(*fields, "list"));
  // A robot fills every field it sees; a person never sees this one.
  if (!form_value(*fields, "website").value_or("").empty()) {
    logger("http")->info("subscription form: honeypot filled, dropped");
    return check_inbox(services);
  }
  auto email = EmailAddress::parse(email_text);
  if (!email) {
    return form_page(400, services, "That address does not look right: " + email.error().message,
                     email_text, name_text, chosen);
  }
  auto name = validate_display_name(name_text);
  if (!name) {
    return form_page(400, services, "The name: " + name.error().message, email_text, name_text,
                     chosen);
  }
  std::vector<MailingList> lists;
  for (auto& list : public_lists(services)) {
    const bool only = lists.empty() && chosen.empty();
    if (std::find(chosen.begin(), chosen.end(), list.id) != chosen.end() || only) {
      lists.push_back(std::move(list));
      if (only) {
        break;
      }
    }
  }
  if (lists.empty()) {
    return form_page(400, services, "Choose at least one list.", email_text, name_text, chosen);
  }
  // One transaction decides and writes; the letter, if any, is sent later by the
  // confirmation sender. The answer is the same page whatever was decided.
  const SubscribePolicy& policy = services.subscribe_policy;
  auto recorded = services.store.record_subscribe_request(
      *email, *name, policy.letters_since(now),
      [&](const SubscribeFacts& facts) { return policy.decide(facts, lists, now); }, now);
  if (!recorded) {
    logger("http")->warn("subscription form: {}", recorded.error().message);
    return busy(services);
  }
  return check_inbox(services);
}

HttpResponse subscribe_snippet(const HttpRequest&, const RouteServices& services) {
  json lists = json::array();
  for (const auto& list : public_lists(services)) {
    lists.push_back({{"id", list.id}, {"name", list.name}});
  }
  HttpResponse response;
  response.content_type = "text/plain; charset=utf-8";
  response.body = render_public_text("snippet.html",
                                     {{"base_url", services.identity.base_url}, {"lists", lists}});
  return response;
}

namespace {

// The confirmation a confirm token names, if the token is valid, not older than
// kConfirmDays, and names a confirmation of its subscriber (the confirmation's id rides
// in the token's issue field).
std::optional<Confirmation> token_confirmation(std::string_view token,
                                               const RouteServices& services) {
  auto link = open_personal_link(token, TokenPurpose::confirm, services.links, services.store);
  if (!link || link->claims.issued_day + kConfirmDays < day_number(services.clock())) {
    return std::nullopt;
  }
  auto confirmation = services.store.find_confirmation(link->claims.issue, link->subscriber.id);
  if (!confirmation) {
    return std::nullopt;
  }
  return std::move(*confirmation);
}

// The lists of `confirmation` that its subscriber now receives, as "A, B and C".
std::string receiving(const RouteServices& services, const Confirmation& confirmation) {
  std::vector<std::string> names;
  if (auto current = services.store.subscriptions_of(confirmation.subscriber)) {
    for (const auto& subscription : *current) {
      const auto& asked = confirmation.list_names;
      if (subscription.status == SubscriptionStatus::confirmed &&
          std::find(asked.begin(), asked.end(), subscription.list_name) != asked.end()) {
        names.push_back(subscription.list_name);
      }
    }
  }
  return names.empty() ? std::string("nothing yet") : join_as_list(names);
}

HttpResponse already_used(const RouteServices& services, const Confirmation& confirmation) {
  return message_page(200, "This link was already used",
                      {"This link was already used; you are subscribed to " +
                           receiving(services, confirmation) + ".",
                       "Every letter has a link to change your choices or to leave."},
                      organisation(services));
}

}  // namespace

HttpResponse confirm_page(const HttpRequest& request, const RouteServices& services) {
  const auto token = request.params.find("token");
  auto confirmation =
      token == request.params.end() ? std::nullopt : token_confirmation(token->second, services);
  if (!confirmation) {
    return not_found_page();
  }
  if (confirmation->used_at) {
    return already_used(services, *confirmation);
  }
  auto subscriber = services.store.find_subscriber(confirmation->subscriber);
  if (!subscriber) {
    return not_found_page();
  }
  return render_public_page(200, "Confirm your subscription", "confirm",
                            {{"lists", join_as_list(confirmation->list_names)},
                             {"email", subscriber->email},
                             {"token", token->second}},
                            organisation(services));
}

HttpResponse confirm(const HttpRequest& request, const RouteServices& services) {
  auto fields = parse_form(request.body);
  const std::string token = fields ? form_value(*fields, "token").value_or("") : "";
  auto confirmation = token_confirmation(token, services);
  if (!confirmation) {
    return not_found_page();
  }
  auto used =
      services.store.use_confirmation(confirmation->id, confirmation->subscriber, services.clock());
  if (!used) {
    if (used.error().code == ErrorCode::conflict) {
      return already_used(services, *confirmation);
    }
    return used.error().code == ErrorCode::not_found ? not_found_page() : busy(services);
  }
  logger("http")->info("subscriber {} confirmed confirmation {}", used->subscriber, used->id);
  return message_page(
      200, "You are subscribed",
      {"Thank you for confirming. You will receive: " + receiving(services, *used) + ".",
       "Every letter has a link to change your choices or to leave."},
      organisation(services));
}

namespace {

HttpResponse preferences_page(const RouteServices& services, const Subscriber& subscriber,
                              int status, bool saved, const std::string& error) {
  auto current = services.store.subscriptions_of(subscriber.id);
  auto chosen_topics = services.store.topics_of_subscriber(subscriber.id);
  if (!current || !chosen_topics) {
    return busy(services);
  }
  json lists = json::array();
  auto add_list = [&](const MailingList& list) {
    auto held = std::find_if(current->begin(), current->end(),
                             [&](const Subscription& s) { return s.list_id == list.id; });
    json topics = json::array();
    if (auto all = services.store.topics(list.id)) {
      for (const auto& topic : *all) {
        const bool chosen = std::any_of(chosen_topics->begin(), chosen_topics->end(),
                                        [&](const Topic& t) { return t.id == topic.id; });
        topics.push_back({{"id", topic.id}, {"name", topic.name}, {"chosen", chosen}});
      }
    }
    lists.push_back(
        {{"id", list.id},
         {"name", list.name},
         {"description", list.description},
         {"subscribed", held != current->end() && held->status != SubscriptionStatus::unsubscribed},
         {"topics", topics}});
  };
  auto all_lists = services.store.lists();
  if (!all_lists) {
    return busy(services);
  }
  for (const auto& list : *all_lists) {
    const bool member = std::any_of(current->begin(), current->end(),
                                    [&](const Subscription& s) { return s.list_id == list.id; });
    if (list.visibility == ListVisibility::public_list || member) {
      add_list(list);
    }
  }
  const std::string privacy_url = "/privacy/" + sign(services, TokenPurpose::privacy, subscriber);
  return render_public_page(status, "Your choices", "preferences",
                            {{"email", subscriber.email},
                             {"name", subscriber.name},
                             {"language", subscriber.language},
                             {"lists", lists},
                             {"saved", saved},
                             {"error", error},
                             {"privacy_url", privacy_url}},
                            organisation(services));
}

}  // namespace

HttpResponse preferences(const HttpRequest& request, const RouteServices& services) {
  auto subscriber = token_subscriber(request, services, TokenPurpose::preferences, 0);
  if (!subscriber) {
    return not_found_page();
  }
  return preferences_page(services, *subscriber, 200, false, "");
}

HttpResponse save_preferences(const HttpRequest& request, const RouteServices& services) {
  auto subscriber = token_subscriber(request, services, TokenPurpose::preferences, 0);
  if (!subscriber) {
    return not_found_page();
  }
  auto fields = parse_form(request.body);
  if (!fields) {
    return preferences_page(services, *subscriber, 400, false,
                            "The form could not be read; please try again.");
  }
  SubscriberChange change;
  auto name = validate_display_name(form_value(*fields, "name").value_or(""));
  auto language = normalise_language(form_value(*fields, "language").value_or(""));
  if (!name || !language) {
    return preferences_page(
        services, *subscriber, 400, false,
        !name ? "The name: " + name.error().message : "The language: " + language.error().message);
  }
  change.name = *name;
  change.language = *language;
  const auto now = services.clock();
  if (!services.store.update_subscriber(subscriber->id, change, now)) {
    return busy(services);
  }
  const auto wanted = chosen_ids(form_values(*fields, "list"));
  const auto topics = chosen_ids(form_values(*fields, "topic"));
  auto current = services.store.subscriptions_of(subscriber->id);
  auto all_lists = services.store.lists();
  if (!current || !all_lists) {
    return busy(services);
  }
  for (const auto& list : *all_lists) {
    auto held = std::find_if(current->begin(), current->end(),
                             [&](const Subscription& s) { return s.list_id == list.id; });
    const bool member = held != current->end();
    // Only lists the page offered: public ones, and private ones the person is on.
    if (list.visibility != ListVisibility::public_list && !member) {
      continue;
    }
    const bool wants = std::find(wanted.begin(), wanted.end(), list.id) != wanted.end();
    const bool receiving = member && held->status != SubscriptionStatus::unsubscribed;
    if (wants != receiving) {
      // The token came by email to this address: joining from here needs no confirmation.
      const auto status = wants ? SubscriptionStatus::confirmed : SubscriptionStatus::unsubscribed;
      if (!services.store.set_subscription_status(subscriber->id, list.id, status, now)) {
        return busy(services);
      }
    }
    if (!services.store.set_subscriber_topics(subscriber->id, list.id, topics)) {
      return busy(services);
    }
  }
  auto updated = services.store.find_subscriber(subscriber->id);
  return preferences_page(services, updated ? *updated : *subscriber, 200, true, "");
}

HttpResponse privacy(const HttpRequest& request, const RouteServices& services) {
  auto subscriber = token_subscriber(request, services, TokenPurpose::privacy, kPrivacyDays);
  if (!subscriber) {
    return not_found_page();
  }
  return render_public_page(200, "Your data", "privacy",
                            {{"email", subscriber->email},
                             {"data_url", "/privacy/" + request.params.at("token") + "/data"}},
                            organisation(services));
}

HttpResponse privacy_data(const HttpRequest& request, const RouteServices& services) {
  auto subscriber = token_subscriber(request, services, TokenPurpose::privacy, kPrivacyDays);
  if (!subscriber) {
    return not_found_page();
  }
  auto subscriptions = services.store.subscriptions_of(subscriber->id);
  auto topics = services.store.topics_of_subscriber(subscriber->id);
  auto activity = services.store.activity_of(subscriber->id);
  if (!subscriptions || !topics || !activity) {
    return busy(services);
  }
  auto attributes = json::parse(subscriber->attributes_json, nullptr, false);
  json out{{"email", subscriber->email},
           {"name", subscriber->name},
           {"language", subscriber->language},
           {"status", to_string(subscriber->status)},
           {"attributes", attributes.is_object() ? attributes : json::object()},
           {"created_at", format_iso8601(subscriber->created_at)},
           {"updated_at", format_iso8601(subscriber->updated_at)},
           {"subscriptions", json::array()},
           {"topics", json::array()}};
  for (const auto& subscription : *subscriptions) {
    out["subscriptions"].push_back({{"list", subscription.list_name},
                                    {"status", to_string(subscription.status)},
                                    {"since", format_iso8601(subscription.created_at)},
                                    {"updated_at", format_iso8601(subscription.updated_at)}});
  }
  for (const auto& topic : *topics) {
    out["topics"].push_back(topic.name);
  }
  out["letters"] = json::array();
  for (const auto& letter : activity->letters) {
    out["letters"].push_back({{"issue", letter.issue},
                              {"state", letter.state},
                              {"at", format_iso8601(letter.updated_at)}});
  }
  out["clicks"] = json::array();
  for (const auto& click : activity->clicks) {
    out["clicks"].push_back({{"issue", click.issue}, {"url", click.url}, {"clicks", click.clicks}});
  }
  out["opens"] = json::array();
  for (const auto& open : activity->opens) {
    out["opens"].push_back({{"issue", open.issue}, {"opens", open.opens}});
  }
  out["confirmations"] = json::array();
  const auto time_or_null = [](const std::optional<Timestamp>& time) {
    return time ? json(format_iso8601(*time)) : json(nullptr);
  };
  for (const auto& confirmation : activity->confirmations) {
    out["confirmations"].push_back({{"asked_at", format_iso8601(confirmation.asked_at)},
                                    {"lists", confirmation.lists},
                                    {"letter", confirmation.letter_state},
                                    {"sent_at", time_or_null(confirmation.sent_at)},
                                    {"used_at", time_or_null(confirmation.used_at)}});
  }
  HttpResponse response;
  response.content_type = "application/json";
  response.body = out.dump(2, ' ', false, json::error_handler_t::replace);
  response.headers.emplace_back("Content-Disposition", "attachment; filename=\"my-data.json\"");
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  return response;
}

HttpResponse erase(const HttpRequest& request, const RouteServices& services) {
  auto subscriber = token_subscriber(request, services, TokenPurpose::privacy, kPrivacyDays);
  if (!subscriber) {
    return not_found_page();
  }
  auto fields = parse_form(request.body);
  if (!fields || form_value(*fields, "erase") != "yes") {
    return message_page(400, "Nothing was erased",
                        {"Use the button on the privacy page to erase your data."},
                        organisation(services));
  }
  if (!services.store.delete_subscriber(subscriber->id)) {
    return busy(services);
  }
  logger("http")->info("subscriber {} erased their data", subscriber->id);
  return message_page(200, "Your data is erased",
                      {"Everything we held about you is gone, and you will receive nothing more "
                       "from us."},
                      organisation(services));
}

namespace {

HttpResponse redirect_to(const std::string& url) {
  HttpResponse response;
  response.status = 302;
  response.content_type.clear();
  response.headers.emplace_back("Location", url);
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  return response;
}

}  // namespace

std::optional<HttpResponse> follow_link_quickly(const HttpRequest& request,
                                                const RouteServices& services) {
  // A click token carries the link's id where other tokens carry an issue, and a
  // subscriber only when the issue tracks subscribers.
  auto click = path_token(request, services.links, TokenPurpose::click);
  if (!click) {
    return not_found_page();
  }
  if (services.clicks == nullptr) {
    return std::nullopt;
  }
  auto url = services.clicks->follow_cached(click->issue, click->subscriber);
  if (!url) {
    return std::nullopt;
  }
  return redirect_to(*url);
}

HttpResponse follow_link(const HttpRequest& request, const RouteServices& services) {
  auto click = path_token(request, services.links, TokenPurpose::click);
  if (!click || services.clicks == nullptr) {
    return not_found_page();
  }
  auto url = services.clicks->follow(click->issue, click->subscriber);
  if (!url) {
    return url.error().code == ErrorCode::not_found ? not_found_page() : busy(services);
  }
  return redirect_to(*url);
}

std::optional<HttpResponse> record_open(const HttpRequest& request, const RouteServices& services) {
  auto open = path_token(request, services.links, TokenPurpose::open);
  if (!open || services.clicks == nullptr) {
    return not_found_page();
  }
  services.clicks->record_open(open->issue, open->subscriber);
  // The smallest transparent GIF.
  static const std::string kPixel(
      "GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff"
      "!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01"
      "\x00\x00\x02\x02D\x01\x00;",
      43);
  HttpResponse response;
  response.content_type = "image/gif";
  response.body = kPixel;
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

}  // namespace communique::pages
