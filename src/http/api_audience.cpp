// /api/v1/lists, their topics and export, /api/v1/subscribers and their subscriptions.
#include <sstream>

#include "base/text.hpp"
#include "http/api.hpp"
#include "http/api_json.hpp"
#include "transfer/exporter.hpp"

namespace communique::api {

namespace {

constexpr std::int64_t kMaxPage = 500;

Result<std::string> attributes_field(const json& body) {
  auto found = body.find("attributes");
  if (found == body.end() || found->is_null()) {
    return std::string("{}");
  }
  if (!found->is_object()) {
    return make_error(ErrorCode::invalid_input, "attributes: must be a JSON object");
  }
  return found->dump(-1, ' ', false, json::error_handler_t::strict);
}

Result<std::optional<std::string>> language_field(const json& body) {
  auto text = optional_string(body, "language");
  if (!text || !*text) {
    return text;
  }
  auto language = normalise_language(**text);
  if (!language) {
    return make_error(ErrorCode::invalid_input, "language: " + language.error().message);
  }
  return std::optional<std::string>(std::move(*language));
}

Result<std::optional<std::string>> name_field(const json& body) {
  auto text = optional_string(body, "name");
  if (!text || !*text) {
    return text;
  }
  auto name = validate_display_name(**text);
  if (!name) {
    return make_error(ErrorCode::invalid_input, "name: " + name.error().message);
  }
  return std::optional<std::string>(std::move(*name));
}

constexpr std::string_view kCadences = "immediate, daily, weekly or monthly";

// A cadence as the API takes it: one of kCadences, or null for the list's default.
Result<std::optional<Cadence>> cadence_value(const json& value, const std::string& field) {
  if (value.is_null()) {
    return std::optional<Cadence>();
  }
  const auto cadence = value.is_string() ? parse_cadence(value.get<std::string>()) : std::nullopt;
  if (!cadence) {
    return make_error(ErrorCode::invalid_input, field + ": must be " + std::string(kCadences) +
                                                    " (null: the list's default)");
  }
  return std::optional<Cadence>(*cadence);
}

// PATCH's `cadences`: {"LIST_ID": "daily", "LIST_ID": null, ...}.
Result<std::vector<std::pair<ListId, std::optional<Cadence>>>> cadences_field(const json& body) {
  std::vector<std::pair<ListId, std::optional<Cadence>>> cadences;
  auto found = body.find("cadences");
  if (found == body.end() || found->is_null()) {
    return cadences;
  }
  if (!found->is_object()) {
    return make_error(
        ErrorCode::invalid_input,
        "cadences: must be an object of list ids and cadences, as {\"3\": \"daily\"}");
  }
  for (const auto& [key, value] : found->items()) {
    const auto list = parse_integer(key);
    if (!list || *list <= 0) {
      return make_error(ErrorCode::invalid_input, "cadences: '" + key + "' is not a list id");
    }
    auto cadence = cadence_value(value, "cadences." + key);
    if (!cadence) {
      return std::move(cadence).error();
    }
    cadences.emplace_back(*list, *cadence);
  }
  return cadences;
}

HttpResponse subscriber_with_lists(const RouteServices& services, SubscriberId id, int status) {
  auto subscriber = services.store.find_subscriber(id);
  if (!subscriber) {
    return fail(subscriber.error());
  }
  auto subscriptions = services.store.subscriptions_of(id);
  auto topics = services.store.topics_of_subscriber(id);
  if (auto error = first_error(subscriptions, topics)) {
    return fail(*error);
  }
  json out = to_json(*subscriber);
  out["subscriptions"] = json::array();
  for (const auto& subscription : *subscriptions) {
    out["subscriptions"].push_back(to_json(subscription));
  }
  out["topics"] = json::array();
  for (const auto& topic : *topics) {
    out["topics"].push_back(to_json(topic));
  }
  return answer(out, status);
}

}  // namespace

HttpResponse list_lists(const HttpRequest&, const RouteServices& services) {
  return answer_list("lists", services.store.list_summaries());
}

HttpResponse create_list(const HttpRequest& request, const RouteServices& services) {
  auto body = object_body(request);
  if (!body) {
    return fail(body.error());
  }
  auto name = required_string(*body, "name");
  auto title = optional_string(*body, "title");
  auto description = optional_string(*body, "description");
  auto visibility = optional_string(*body, "visibility");
  auto opt_in = optional_string(*body, "opt_in");
  if (auto error = first_error(title, description, visibility, opt_in, name)) {
    return fail(*error);
  }
  auto valid_name = validate_name(*name, "name");
  if (!valid_name) {
    return fail(valid_name.error());
  }
  auto valid_title = validate_title(title->value_or(""));
  if (!valid_title) {
    return fail(valid_title.error());
  }
  auto valid_description = validate_description(description->value_or(""));
  if (!valid_description) {
    return fail(valid_description.error());
  }
  NewList list{.name = *valid_name, .title = *valid_title, .description = *valid_description};
  if (*visibility) {
    auto parsed = parse_visibility(**visibility);
    if (!parsed) {
      return fail({ErrorCode::invalid_input, "visibility: must be public or private"});
    }
    list.visibility = *parsed;
  }
  if (*opt_in) {
    auto parsed = parse_opt_in(**opt_in);
    if (!parsed) {
      return fail({ErrorCode::invalid_input, "opt_in: must be single or double"});
    }
    list.opt_in = *parsed;
  }
  auto created = services.store.create_list(list, services.clock());
  return created ? answer(to_json(*created), 201) : fail(created.error());
}

HttpResponse get_list(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  if (!id) {
    return fail(id.error());
  }
  auto list = services.store.find_list(*id);
  return list ? answer(to_json(*list)) : fail(list.error());
}

// PATCH /api/v1/lists/{id} {"title": "...", "description": "..."}: the fields given change,
// the others (and the name, which scripts use as a handle) stay.
HttpResponse update_list(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  auto body = object_body(request);
  if (auto error = first_error(id, body)) {
    return fail(*error);
  }
  auto title = optional_string(*body, "title");
  auto description = optional_string(*body, "description");
  auto fallback_language = optional_string(*body, "fallback_language");
  auto default_cadence = optional_string(*body, "default_cadence");
  if (auto error = first_error(title, description, fallback_language, default_cadence)) {
    return fail(*error);
  }
  ListChanges changes;
  if (*fallback_language) {
    auto language = normalise_language(**fallback_language);
    if (!language) {
      return fail({ErrorCode::invalid_input, "fallback_language: " + language.error().message});
    }
    changes.fallback_language = *language;
  }
  if (*default_cadence) {
    changes.default_cadence = parse_cadence(**default_cadence);
    if (!changes.default_cadence) {
      return fail({ErrorCode::invalid_input,
                   "default_cadence: must be immediate, daily, weekly or monthly"});
    }
  }
  if (*description) {
    auto valid_description = validate_description(**description);
    if (!valid_description) {
      return fail(valid_description.error());
    }
    changes.description = *valid_description;
  }
  if (*title) {
    auto valid_title = validate_title(**title);
    if (!valid_title) {
      return fail(valid_title.error());
    }
    changes.title = *valid_title;
  }
  auto updated = services.store.update_list(*id, changes, services.clock());
  return updated ? answer(to_json(*updated)) : fail(updated.error());
}

HttpResponse export_list(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  auto fields = query_fields(request);
  if (auto error = first_error(id, fields)) {
    return fail(*error);
  }
  auto format = parse_export_format(form_value(*fields, "format").value_or("csv"));
  if (!format) {
    return fail({ErrorCode::invalid_input, "format: must be csv or json"});
  }
  if (auto list = services.store.find_list(*id); !list) {
    return fail(list.error());
  }
  std::ostringstream out;
  auto written = export_members(services.store, *id, *format, out);
  if (!written) {
    return fail(written.error());
  }
  HttpResponse response;
  response.content_type =
      *format == ExportFormat::csv ? "text/csv; charset=utf-8" : "application/json";
  response.body = std::move(out).str();
  response.headers.emplace_back("Content-Disposition",
                                "attachment; filename=\"list-" + std::to_string(*id) +
                                    (*format == ExportFormat::csv ? ".csv\"" : ".json\""));
  return response;
}

HttpResponse list_topics(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  if (!id) {
    return fail(id.error());
  }
  if (auto list = services.store.find_list(*id); !list) {
    return fail(list.error());
  }
  return answer_list("topics", services.store.topics(*id));
}

HttpResponse create_topic(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  auto body = object_body(request);
  if (auto error = first_error(id, body)) {
    return fail(*error);
  }
  auto name = required_string(*body, "name");
  auto description = optional_string(*body, "description");
  if (auto error = first_error(name, description)) {
    return fail(*error);
  }
  auto valid_name = validate_name(*name, "name");
  if (!valid_name) {
    return fail(valid_name.error());
  }
  auto valid_description = validate_description(description->value_or(""));
  if (!valid_description) {
    return fail(valid_description.error());
  }
  auto topic = services.store.create_topic(*id, *valid_name, *valid_description, services.clock());
  return topic ? answer(to_json(*topic), 201) : fail(topic.error());
}

// GET /api/v1/subscribers?list=ID&status=confirmed&email=TEXT&attribute=NAME:VALUE
//                        &after=ID&limit=N
// Every filter value is bound as data; the answer names the next page's `after`.
HttpResponse list_subscribers(const HttpRequest& request, const RouteServices& services) {
  auto fields = query_fields(request);
  if (!fields) {
    return fail(fields.error());
  }
  SubscriberQuery query;
  auto after = query_integer(*fields, "after", 0);
  auto limit = query_integer(*fields, "limit", 50);
  if (auto error = first_error(after, limit)) {
    return fail(*error);
  }
  query.after = *after;
  query.limit = static_cast<std::size_t>(std::min(*limit, kMaxPage));
  if (form_value(*fields, "list")) {
    auto list = query_integer(*fields, "list", 0);
    if (!list) {
      return fail(list.error());
    }
    query.list = *list;
  }
  if (auto status = form_value(*fields, "status")) {
    if (!query.list) {
      return fail({ErrorCode::invalid_input, "status: filters a list's members; give list too"});
    }
    query.status = parse_subscription_status(*status);
    if (!query.status) {
      return fail(
          {ErrorCode::invalid_input, "status: must be unconfirmed, confirmed or unsubscribed"});
    }
  }
  query.email_contains = form_value(*fields, "email");
  if (auto attribute = form_value(*fields, "attribute")) {
    const auto colon = attribute->find(':');
    if (colon == std::string::npos || colon == 0) {
      return fail({ErrorCode::invalid_input, "attribute: must be NAME:VALUE"});
    }
    query.attribute_name = attribute->substr(0, colon);
    query.attribute_value = attribute->substr(colon + 1);
  }
  auto found = services.store.find_subscribers(query);
  if (!found) {
    return fail(found.error());
  }
  json out = json::array();
  for (const auto& subscriber : *found) {
    out.push_back(to_json(subscriber));
  }
  json page{{"subscribers", out}, {"next_after", nullptr}};
  if (found->size() == query.limit && !found->empty()) {
    page["next_after"] = found->back().id;
  }
  return answer(page);
}

HttpResponse create_subscriber(const HttpRequest& request, const RouteServices& services) {
  auto body = object_body(request);
  if (!body) {
    return fail(body.error());
  }
  auto email_text = required_string(*body, "email");
  if (!email_text) {
    return fail(email_text.error());
  }
  auto email = EmailAddress::parse(*email_text);
  if (!email) {
    return fail({ErrorCode::invalid_input, "email: " + email.error().message});
  }
  auto name = name_field(*body);
  auto language = language_field(*body);
  auto attributes = attributes_field(*body);
  auto status_text = optional_string(*body, "status");
  if (auto error = first_error(name, language, attributes, status_text)) {
    return fail(*error);
  }
  auto status = parse_subscription_status(status_text->value_or("confirmed"));
  if (!status || *status == SubscriptionStatus::unsubscribed) {
    return fail({ErrorCode::invalid_input, "status: must be confirmed or unconfirmed"});
  }
  std::vector<ListId> lists;
  if (auto found = body->find("lists"); found != body->end()) {
    if (!found->is_array()) {
      return fail({ErrorCode::invalid_input, "lists: must be an array of list ids"});
    }
    for (const auto& item : *found) {
      if (!item.is_number_integer()) {
        return fail({ErrorCode::invalid_input, "lists: must be an array of list ids"});
      }
      lists.push_back(item.get<ListId>());
    }
  }
  NewSubscriber subscriber{*email, name->value_or(""), language->value_or(""), *attributes};
  if (auto found = body->find("cadence"); found != body->end()) {
    auto cadence = cadence_value(*found, "cadence");
    if (!cadence) {
      return fail(cadence.error());
    }
    subscriber.cadence = *cadence;
  }
  auto added = services.store.add_subscriber(subscriber, lists, *status, services.clock());
  if (!added) {
    return fail(added.error());
  }
  return subscriber_with_lists(services, added->id, 201);
}

HttpResponse get_subscriber(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  return id ? subscriber_with_lists(services, *id, 200) : fail(id.error());
}

HttpResponse update_subscriber(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  auto body = object_body(request);
  if (auto error = first_error(id, body)) {
    return fail(*error);
  }
  SubscriberChange change;
  auto name = name_field(*body);
  auto language = language_field(*body);
  auto status = optional_string(*body, "status");
  if (auto error = first_error(name, language, status)) {
    return fail(*error);
  }
  change.name = *name;
  change.language = *language;
  if (body->contains("attributes")) {
    auto attributes = attributes_field(*body);
    if (!attributes) {
      return fail(attributes.error());
    }
    change.attributes_json = *attributes;
  }
  auto cadences = cadences_field(*body);
  if (!cadences) {
    return fail(cadences.error());
  }
  change.cadences = std::move(*cadences);
  if (*status) {
    change.status = parse_subscriber_status(**status);
    if (!change.status) {
      return fail({ErrorCode::invalid_input, "status: must be enabled or blocklisted"});
    }
  }
  auto updated = services.store.update_subscriber(*id, change, services.clock());
  if (!updated) {
    return fail(updated.error());
  }
  return subscriber_with_lists(services, *id, 200);
}

HttpResponse delete_subscriber(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  if (!id) {
    return fail(id.error());
  }
  auto done = services.subscriptions.erase(*id);
  return done ? no_content() : fail(done.error());
}

// PUT /api/v1/subscribers/{id}/subscriptions/{list} {"status": "..."}
HttpResponse set_subscription(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  auto list = path_id(request, "list");
  auto body = object_body(request);
  if (auto error = first_error(id, list, body)) {
    return fail(*error);
  }
  auto status_text = required_string(*body, "status");
  if (!status_text) {
    return fail(status_text.error());
  }
  auto status = parse_subscription_status(*status_text);
  if (!status) {
    return fail(
        {ErrorCode::invalid_input, "status: must be unconfirmed, confirmed or unsubscribed"});
  }
  if (auto subscriber = services.store.find_subscriber(*id); !subscriber) {
    return fail(subscriber.error());
  }
  if (auto found = services.store.find_list(*list); !found) {
    return fail(found.error());
  }
  auto done = services.store.set_subscription_status(*id, *list, *status, services.clock());
  if (!done) {
    return fail(done.error());
  }
  return subscriber_with_lists(services, *id, 200);
}

}  // namespace communique::api
