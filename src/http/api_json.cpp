#include "http/api_json.hpp"

#include <charconv>

#include "http/responses.hpp"

namespace communique::api {

namespace {

std::string iso(Timestamp time) {
  return format_iso8601(time);
}

json parse_object_text(const std::string& text) {
  auto parsed = json::parse(text, nullptr, false);
  return parsed.is_object() ? parsed : json::object();
}

}  // namespace

json time_or_null(const std::optional<Timestamp>& time) {
  return time ? json(iso(*time)) : json(nullptr);
}

json to_json(const User& user) {
  return {{"id", user.id},
          {"name", user.name},
          {"role", to_string(user.role)},
          {"created_at", iso(user.created_at)},
          {"updated_at", iso(user.updated_at)}};
}

json to_json(const ApiToken& token) {
  return {{"id", token.id},
          {"user_id", token.user_id},
          {"name", token.name},
          {"created_at", iso(token.created_at)},
          {"last_used_at", time_or_null(token.last_used_at)}};
}

json to_json(const MailingList& list) {
  return {{"id", list.id},
          {"name", list.name},
          {"title", list.title},
          {"description", list.description},
          {"visibility", to_string(list.visibility)},
          {"opt_in", to_string(list.opt_in)},
          {"fallback_language", list.fallback_language},
          {"default_cadence", to_string(list.default_cadence)},
          {"created_at", iso(list.created_at)}};
}

json to_json(const ListSummary& summary) {
  json out = to_json(summary.list);
  out["counts"] = {{"confirmed", summary.confirmed},
                   {"unconfirmed", summary.unconfirmed},
                   {"unsubscribed", summary.unsubscribed}};
  out["topics"] = summary.topics;
  return out;
}

json to_json(const Topic& topic) {
  return {{"id", topic.id},
          {"list_id", topic.list_id},
          {"name", topic.name},
          {"description", topic.description}};
}

json to_json(const Subscriber& subscriber) {
  return {{"id", subscriber.id},
          {"email", subscriber.email},
          {"name", subscriber.name},
          {"language", subscriber.language},
          {"status", to_string(subscriber.status)},
          {"attributes", parse_object_text(subscriber.attributes_json)},
          {"created_at", iso(subscriber.created_at)},
          {"updated_at", iso(subscriber.updated_at)}};
}

json to_json(const Subscription& subscription) {
  return {{"list_id", subscription.list_id},
          {"list", subscription.list_name},
          {"status", to_string(subscription.status)},
          // What they receive of its posts, and whether they chose it (else the list's default).
          {"cadence", to_string(subscription.effective_cadence())},
          {"cadence_chosen", subscription.cadence.has_value()},
          {"created_at", iso(subscription.created_at)},
          {"updated_at", iso(subscription.updated_at)}};
}

json to_json(const Issue& issue) {
  json sections = json::array();
  for (const auto& section : issue.sections) {
    sections.push_back(
        {{"title", section.title}, {"format", to_string(section.format)}, {"body", section.body}});
  }
  return {{"id", issue.id},
          {"kind", to_string(issue.kind)},
          {"status", to_string(issue.status)},
          {"status_note", issue.status_note},
          {"subject", issue.subject},
          {"from_name", issue.from_name},
          {"from_address", issue.from_address},
          {"reply_to", issue.reply_to},
          {"template", issue.template_name},
          {"language", issue.language},
          {"lists", issue.lists},
          {"topics", issue.topics},
          {"sections", sections},
          {"posts", issue.posts},
          {"topics", issue.topics},
          {"cadence", issue.cadence ? json(to_string(*issue.cadence)) : json(nullptr)},
          {"track_clicks", issue.track_clicks},
          {"track_subscribers", issue.track_subscribers},
          {"track_opens", issue.track_opens},
          {"archive", issue.archive},
          {"date", issue.edition_date ? json(format_date(*issue.edition_date)) : json(nullptr)},
          {"scheduled_at", time_or_null(issue.scheduled_at)},
          {"expire_after_seconds",
           issue.expire_after ? json(issue.expire_after->count()) : json(nullptr)},
          {"created_at", iso(issue.created_at)},
          {"updated_at", iso(issue.updated_at)}};
}

json to_json(const DeliveryCounts& counts) {
  return {{"queued", counts.queued},     {"sending", counts.sending}, {"sent", counts.sent},
          {"deferred", counts.deferred}, {"failed", counts.failed},   {"skipped", counts.skipped},
          {"total", counts.total()}};
}

HttpResponse answer(const json& body, int status) {
  return json_response(status, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

HttpResponse no_content() {
  HttpResponse response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

HttpResponse fail(const Error& error) {
  return error_response(error);
}

Result<json> object_body(const HttpRequest& request) {
  const auto& type = request.header("content-type");
  if (type.rfind("application/json", 0) != 0) {
    return make_error(ErrorCode::invalid_input, "send the body as application/json");
  }
  auto parsed = json::parse(request.body, nullptr, false);
  if (parsed.is_discarded()) {
    return make_error(ErrorCode::invalid_input, "the body is not valid JSON");
  }
  if (!parsed.is_object()) {
    return make_error(ErrorCode::invalid_input, "the body must be a JSON object");
  }
  return parsed;
}

Result<std::optional<std::string>> optional_string(const json& body, const char* name) {
  auto found = body.find(name);
  if (found == body.end() || found->is_null()) {
    return std::optional<std::string>();
  }
  if (!found->is_string()) {
    return make_error(ErrorCode::invalid_input, std::string(name) + ": must be a string");
  }
  return std::optional<std::string>(found->get<std::string>());
}

Result<std::string> required_string(const json& body, const char* name) {
  auto value = optional_string(body, name);
  if (!value) {
    return std::move(value).error();
  }
  if (!*value) {
    return make_error(ErrorCode::invalid_input, std::string(name) + ": is required");
  }
  return std::move(**value);
}

Result<std::optional<std::int64_t>> optional_integer(const json& body, const char* name) {
  auto found = body.find(name);
  if (found == body.end() || found->is_null()) {
    return std::optional<std::int64_t>();
  }
  if (!found->is_number_integer()) {
    return make_error(ErrorCode::invalid_input, std::string(name) + ": must be an integer");
  }
  return std::optional<std::int64_t>(found->get<std::int64_t>());
}

namespace {

std::optional<std::int64_t> positive(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value <= 0) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

Result<const LetterComposer*> composer_of(const RouteServices& services) {
  if (services.letters.composer == nullptr) {
    return make_error(ErrorCode::unavailable, "letters cannot be composed on this server");
  }
  return services.letters.composer;
}

Result<bool> wants_html(const FormFields& fields) {
  const auto format = form_value(fields, "format").value_or("html");
  if (format != "html" && format != "text") {
    return make_error(ErrorCode::invalid_input, "format: must be html or text");
  }
  return format == "html";
}

Subscriber sample_subscriber() {
  Subscriber subscriber;
  subscriber.email = "subscriber@example.org";
  subscriber.name = "Sample Subscriber";
  return subscriber;
}

HttpResponse sandboxed_preview(LetterPreview letter, bool html) {
  HttpResponse response;
  response.content_type = html ? "text/html; charset=utf-8" : "text/plain; charset=utf-8";
  response.body = html ? std::move(letter.html) : std::move(letter.text);
  response.headers.emplace_back("Content-Security-Policy",
                                "sandbox; default-src 'none'; img-src https: data:; "
                                "style-src 'unsafe-inline'; frame-ancestors 'self'");
  return response;
}

Result<std::int64_t> path_id(const HttpRequest& request, const char* name) {
  auto found = request.params.find(name);
  if (found == request.params.end()) {
    return make_error(ErrorCode::internal, std::string("no path parameter ") + name);
  }
  auto value = positive(found->second);
  if (!value) {
    return make_error(ErrorCode::not_found, "'" + found->second + "' is not an id");
  }
  return *value;
}

Result<FormFields> query_fields(const HttpRequest& request) {
  return parse_form(request.query);
}

Result<std::int64_t> query_integer(const FormFields& fields, const char* name,
                                   std::int64_t fallback) {
  auto text = form_value(fields, name);
  if (!text) {
    return fallback;
  }
  auto value = positive(*text);
  if (!value) {
    return make_error(ErrorCode::invalid_input,
                      std::string(name) + ": must be a positive integer, not '" + *text + "'");
  }
  return *value;
}

Result<std::optional<std::vector<TopicId>>> optional_ids(const json& body, const char* name) {
  auto found = body.find(name);
  if (found == body.end() || found->is_null()) {
    return std::optional<std::vector<TopicId>>();
  }
  const auto wrong =
      make_error(ErrorCode::invalid_input, std::string(name) +
                                               ": must be an array of topic ids of the "
                                               "list (GET /api/v1/lists/{id}/topics)");
  if (!found->is_array()) {
    return wrong;
  }
  std::vector<TopicId> ids;
  for (const auto& item : *found) {
    if (!item.is_number_integer()) {
      return wrong;
    }
    ids.push_back(item.get<TopicId>());
  }
  return std::optional<std::vector<TopicId>>(std::move(ids));
}

Result<std::optional<bool>> optional_flag(const json& body, const char* name) {
  auto found = body.find(name);
  if (found == body.end() || found->is_null()) {
    return std::optional<bool>();
  }
  if (!found->is_boolean()) {
    return make_error(ErrorCode::invalid_input, std::string(name) + ": must be true or false");
  }
  return std::optional<bool>(found->get<bool>());
}

}  // namespace communique::api
