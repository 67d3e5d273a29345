#include "http/privacy_pages.hpp"

#include <nlohmann/json.hpp>

#include "http/form.hpp"
#include "http/page_support.hpp"
#include "http/public_page.hpp"

namespace communique::pages {

using nlohmann::json;

HttpResponse privacy(const HttpRequest& request, const RouteServices& services) {
  auto subscriber = token_subscriber(request, services, TokenPurpose::privacy, kPrivacyDays);
  if (!subscriber) {
    return not_found_page();
  }
  return render_public_page(200, "Your data", "privacy",
                            {{"email", subscriber->email},
                             {"data_url", "/privacy/" + request.params.at("token") + "/data"}},
                            services.identity.organisation);
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
                        services.identity.organisation);
  }
  if (!services.subscriptions.erase(subscriber->id)) {
    return busy(services);
  }
  return message_page(200, "Your data is erased",
                      {"Everything we held about you is gone, and you will receive nothing more "
                       "from us."},
                      services.identity.organisation);
}

}  // namespace communique::pages
