// What the REST API's handlers share: domain types as JSON, reading a JSON body and path
// and query parameters with precise errors, and JSON answers.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/result.hpp"
#include "core/account.hpp"
#include "core/delivery.hpp"
#include "core/issue.hpp"
#include "core/mailing_list.hpp"
#include "core/subscriber.hpp"
#include "http/form.hpp"
#include "http/http_types.hpp"
#include "http/services.hpp"
#include "store/store.hpp"

namespace communique::api {

using nlohmann::json;

json to_json(const User& user);
json to_json(const ApiToken& token);
json to_json(const MailingList& list);
json to_json(const ListSummary& summary);
json to_json(const Topic& topic);
json to_json(const Subscriber& subscriber);
json to_json(const Subscription& subscription);
json to_json(const Issue& issue);  // with its sections when they are loaded
json to_json(const DeliveryCounts& counts);
json time_or_null(const std::optional<Timestamp>& time);

HttpResponse answer(const json& body, int status = 200);

// {"KEY": [each item as JSON]}, or the error answer when `items` is an error.
template <typename T>
HttpResponse answer_list(const char* key, const Result<std::vector<T>>& items);
HttpResponse no_content();
HttpResponse fail(const Error& error);  // the JSON error answer, status by error code

// The error of the first of `results` that failed, in order, or nothing:
//   if (auto error = first_error(id, body)) { return fail(*error); }
template <typename... Results>
std::optional<Error> first_error(const Results&... results) {
  std::optional<Error> error;
  ((error = error ? error : (results ? std::nullopt : std::optional<Error>(results.error()))), ...);
  return error;
}

// The request's body as a JSON object; invalid_input naming the problem otherwise.
Result<json> object_body(const HttpRequest& request);
// Field `name` of `body`: absent → nothing; present but not a string → invalid_input.
Result<std::optional<std::string>> optional_string(const json& body, const char* name);
Result<std::string> required_string(const json& body, const char* name);
Result<std::optional<std::int64_t>> optional_integer(const json& body, const char* name);
// Field `name` as true or false; absent or null → nothing.
Result<std::optional<bool>> optional_flag(const json& body, const char* name);
// Field `name` as an array of topic ids; absent or null → nothing.
Result<std::optional<std::vector<TopicId>>> optional_ids(const json& body, const char* name);

// Letter previews (of an issue, of a template).
// The composer, or unavailable when this server has none.
Result<const LetterComposer*> composer_of(const RouteServices& services);
// The `format` query parameter: true for html (the default), false for text.
Result<bool> wants_html(const FormFields& fields);
// The reader of a preview that names no subscriber.
Subscriber sample_subscriber();
// The chosen part of `letter` under a sandboxing Content-Security-Policy: nothing in it
// runs, posts or loads but images, even if a section's HTML carried a <script>.
HttpResponse sandboxed_preview(LetterPreview letter, bool html);

// The path parameter `name` as a positive id.
Result<std::int64_t> path_id(const HttpRequest& request, const char* name = "id");
// The decoded query string.
Result<FormFields> query_fields(const HttpRequest& request);
// A positive integer query parameter, or `fallback` when absent.
Result<std::int64_t> query_integer(const FormFields& fields, const char* name,
                                   std::int64_t fallback);

template <typename T>
HttpResponse answer_list(const char* key, const Result<std::vector<T>>& items) {
  if (!items) {
    return fail(items.error());
  }
  json out = json::array();
  for (const auto& item : *items) {
    out.push_back(to_json(item));
  }
  return answer({{key, out}});
}

}  // namespace communique::api
