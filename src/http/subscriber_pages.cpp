#include "http/subscriber_pages.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "base/log.hpp"
#include "base/text.hpp"
#include "http/form.hpp"
#include "http/page_support.hpp"
#include "http/personal_links.hpp"
#include "http/public_page.hpp"

namespace communique::pages {

namespace {

using nlohmann::json;

const std::string& organisation(const RouteServices& services) {
  return services.identity.organisation;
}

// The lists the form offers; none when they cannot be read (the form then says so).
std::vector<MailingList> public_lists(const RouteServices& services) {
  auto lists = services.subscriptions.public_lists();
  return lists ? std::move(*lists) : std::vector<MailingList>{};
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
                     {"name", list.display_name()},
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

// The answer to a form that asked for `lists`. It says what happens in each case the
// address may be in, and depends only on the lists' opt-in modes, so that it tells nobody
// whether the address was known (SubscribePolicy decides which case applies).
HttpResponse requested_page(const RouteServices& services, std::span<const MailingList> lists) {
  std::vector<std::string> single;
  std::vector<std::string> double_opt_in;
  for (const auto& list : lists) {
    (list.opt_in == OptIn::single_opt_in ? single : double_opt_in)
        .emplace_back(list.display_name());
  }
  std::vector<std::string> paragraphs;
  if (!single.empty()) {
    const auto names = join_as_list(single);
    paragraphs.push_back("The address you gave receives " + names + " from the next issue on.");
    paragraphs.push_back("If it had left " + names +
                         " before, or not yet confirmed it, a letter asks it first: open the "
                         "link in that letter to receive " +
                         names + ".");
  }
  if (!double_opt_in.empty()) {
    const auto names = join_as_list(double_opt_in);
    paragraphs.push_back(
        "To be sure the address is yours, a letter is on its way to "
        "it: open the link in it to start receiving " +
        names + ".");
    paragraphs.push_back("If the address receives " + names +
                         " already, nothing changes and no letter is needed.");
  }
  paragraphs.front() = "Thank you. " + paragraphs.front();
  paragraphs.push_back(
      "Expecting a letter that has not arrived? Look in the spam folder, or try again in an "
      "hour.");
  return message_page(200, double_opt_in.empty() ? "Thank you" : "Check your inbox", paragraphs,
                      organisation(services));
}

// The ids named, each once, in order: a name given twice ("topic=2&topic=02") is one choice.
std::vector<ListId> chosen_ids(const std::vector<std::string>& values) {
  std::vector<ListId> ids;
  for (const auto& value : values) {
    // Not a number: not one of ours; ignored like any unknown id.
    if (const auto id = parse_integer(value); id && *id > 0) {
      ids.push_back(*id);
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
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
  if (!services.subscriptions.admit_post(request.remote_address, now)) {
    return message_page(429, "Please wait a little",
                        {"Too many requests came from your network. Please try again later."},
                        organisation(services));
  }
  auto fields = parse_form(request.body);
  if (!fields) {
    return form_page(400, services, "The form could not be read; please try again.", "", "", {});
  }
  const std::string email_text = form_value(*fields, "email").value_or("");
  const std::string name_text = form_value(*fields, "name").value_or("");
  const auto chosen = chosen_ids(form_values(*fields, "list"));
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
  auto lists = services.subscriptions.lists_asked(chosen);
  if (!lists) {
    return busy(services);
  }
  if (lists->empty()) {
    return form_page(400, services, "Choose at least one list.", email_text, name_text, chosen);
  }
  // A robot fills every field it sees; a person never sees this one. It gets the answer a
  // person would, and nothing is recorded.
  if (!form_value(*fields, "website").value_or("").empty()) {
    logger("http")->info("subscription form: honeypot filled, dropped");
    return requested_page(services, *lists);
  }
  if (auto recorded = services.subscriptions.subscribe(*email, *name, *lists, now); !recorded) {
    logger("http")->warn("subscription form: {}", recorded.error().message);
    return busy(services);
  }
  return requested_page(services, *lists);
}

HttpResponse subscribe_snippet(const HttpRequest&, const RouteServices& services) {
  json lists = json::array();
  for (const auto& list : public_lists(services)) {
    lists.push_back({{"id", list.id}, {"name", list.display_name()}});
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
  auto names = services.subscriptions.receiving(confirmation);
  return !names || names->empty() ? std::string("nothing yet") : join_as_list(*names);
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
                            {{"lists", join_as_list(display_names(confirmation->lists))},
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
      services.subscriptions.confirm(confirmation->id, confirmation->subscriber, services.clock());
  if (!used) {
    if (used.error().code == ErrorCode::conflict) {
      return already_used(services, *confirmation);
    }
    return used.error().code == ErrorCode::not_found ? not_found_page() : busy(services);
  }
  return message_page(
      200, "You are subscribed",
      {"Thank you for confirming. You will receive: " + receiving(services, *used) + ".",
       "Every letter has a link to change your choices or to leave."},
      organisation(services));
}

namespace {

// The language choices as the page's <select> shows them.
json language_options(const std::vector<std::string>& languages, const std::string& current) {
  json options = json::array();
  for (const auto& language : languages) {
    options.push_back({{"value", language},
                       {"label", language.empty() ? std::string("No preference") : language},
                       {"selected", language == current}});
  }
  return options;
}

// What the page calls each cadence.
std::string_view cadence_label(Cadence cadence) {
  switch (cadence) {
    case Cadence::immediate:
      return "As it happens";
    case Cadence::daily:
      return "Daily digest";
    case Cadence::weekly:
      return "Weekly digest";
    case Cadence::monthly:
      return "Monthly digest";
  }
  return "";
}

// A list's cadence choices as its <select> shows them; each value is "LIST:CADENCE".
json cadence_options(const OfferedList& offered) {
  json options = json::array();
  for (Cadence cadence : offered.cadences) {
    options.push_back(
        {{"value", std::to_string(offered.list.id) + ":" + std::string(to_string(cadence))},
         {"label", cadence_label(cadence)},
         {"selected", cadence == offered.cadence}});
  }
  return options;
}

HttpResponse preferences_page(const RouteServices& services, const Subscriber& subscriber,
                              int status, bool saved, const std::string& error) {
  auto choices = services.subscriptions.preference_choices(subscriber);
  if (!choices) {
    return busy(services);
  }
  json lists = json::array();
  std::string shown;           // the lists the page shows as received, so a save changes only those
  std::string shown_cadences;  // and the cadence it shows for each: "LIST:CADENCE,..."
  for (const auto& offered : choices->lists) {
    if (offered.receiving) {
      shown += (shown.empty() ? "" : ",") + std::to_string(offered.list.id);
    }
    shown_cadences += (shown_cadences.empty() ? "" : ",") + std::to_string(offered.list.id) + ":" +
                      std::string(to_string(offered.cadence));
    json topics = json::array();
    for (const auto& [topic, chosen] : offered.topics) {
      topics.push_back({{"id", topic.id}, {"name", topic.name}, {"chosen", chosen}});
    }
    lists.push_back({{"id", offered.list.id},
                     {"name", offered.list.display_name()},
                     {"description", offered.list.description},
                     {"subscribed", offered.receiving},
                     {"topics", topics},
                     {"cadences", cadence_options(offered)}});
  }
  const std::string privacy_url = "/privacy/" + sign(services, TokenPurpose::privacy, subscriber);
  return render_public_page(
      status, "Your choices", "preferences",
      {{"email", subscriber.email},
       {"name", subscriber.name},
       {"languages", language_options(choices->languages, subscriber.language)},
       {"lists", lists},
       {"shown", shown},
       {"shown_cadences", shown_cadences},
       {"saved", saved},
       {"error", error},
       {"privacy_url", privacy_url}},
      organisation(services));
}

}  // namespace

namespace {

// The lists the page showed as received (its hidden "shown" field), or nothing when the
// form has no such field (a page from before it, or a hand-made post).
std::optional<std::vector<ListId>> shown_ids(const FormFields& fields) {
  auto shown = form_value(fields, "shown");
  if (!shown) {
    return std::nullopt;
  }
  std::vector<std::string> values;
  for (std::size_t start = 0; start <= shown->size();) {
    const auto comma = std::min(shown->find(',', start), shown->size());
    values.emplace_back(shown->substr(start, comma - start));
    start = comma + 1;
  }
  return chosen_ids(values);
}

// "LIST:CADENCE" values (the page's cadence choices, or its hidden "shown_cadences" split at
// commas): invalid_input naming a value that is neither, which no page of ours sends.
Result<std::vector<std::pair<ListId, Cadence>>> cadence_choices(
    const std::vector<std::string>& values) {
  std::vector<std::pair<ListId, Cadence>> choices;
  for (const auto& value : values) {
    const auto refused =
        make_error(ErrorCode::invalid_input,
                   "'" + value + "' is not a choice this page offers; open the page again");
    const auto colon = value.find(':');
    if (colon == std::string::npos) {
      return refused;
    }
    const auto list = parse_integer(std::string_view(value).substr(0, colon));
    const auto cadence = parse_cadence(std::string_view(value).substr(colon + 1));
    if (!list || *list <= 0 || !cadence) {
      return refused;
    }
    choices.emplace_back(list.value(), cadence.value());
  }
  return choices;
}

// The cadences the page showed (its hidden "shown_cadences" field), or nothing without one.
Result<std::optional<std::vector<std::pair<ListId, Cadence>>>> shown_cadences(
    const FormFields& fields) {
  auto shown = form_value(fields, "shown_cadences");
  if (!shown) {
    return std::optional<std::vector<std::pair<ListId, Cadence>>>();
  }
  std::vector<std::string> values;
  for (std::size_t start = 0; start < shown->size();) {
    const auto comma = std::min(shown->find(',', start), shown->size());
    values.emplace_back(shown->substr(start, comma - start));
    start = comma + 1;
  }
  auto choices = cadence_choices(values);
  if (!choices) {
    return std::move(choices).error();
  }
  return std::optional(std::move(*choices));
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
  auto name = validate_display_name(form_value(*fields, "name").value_or(""));
  auto language = normalise_language(form_value(*fields, "language").value_or(""));
  if (!name || !language) {
    return preferences_page(
        services, *subscriber, 400, false,
        !name ? "The name: " + name.error().message : "The language: " + language.error().message);
  }
  auto cadences = cadence_choices(form_values(*fields, "cadence"));
  auto shown = shown_cadences(*fields);
  if (!cadences || !shown) {
    return preferences_page(services, *subscriber, 400, false,
                            "How often: " + (!cadences ? cadences.error() : shown.error()).message);
  }
  auto saved = services.subscriptions.change_preferences(
      subscriber->id,
      PreferenceForm{.name = *name,
                     .language = *language,
                     .lists = chosen_ids(form_values(*fields, "list")),
                     .topics = chosen_ids(form_values(*fields, "topic")),
                     .shown = shown_ids(*fields),
                     .cadences = std::move(*cadences),
                     .shown_cadences = std::move(*shown)},
      services.clock());
  if (!saved && saved.error().code == ErrorCode::invalid_input) {
    return preferences_page(services, *subscriber, 400, false,
                            "Nothing was saved: " + saved.error().message + ".");
  }
  if (!saved) {
    if (saved.error().code != ErrorCode::not_found) {
      logger("http")->warn("the preferences of subscriber {} were not saved: {}", subscriber->id,
                           saved.error().message);
      return busy(services);
    }
    return preferences_page(services, *subscriber, 409, false,
                            "Nothing was saved: the lists changed meanwhile. Please choose again.");
  }
  auto updated = services.store.find_subscriber(subscriber->id);
  return preferences_page(services, updated ? *updated : *subscriber, 200, true, "");
}

}  // namespace communique::pages
