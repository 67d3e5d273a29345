// The REST API's digest definitions and runs: /api/v1/digests. A definition is read and
// checked as the CLI reads it (digest/digest_form.hpp); a run by the API makes its issue
// and leaves sending to the delivery service, so that no request waits for a send.
#include <limits>

#include "digest/digest_form.hpp"
#include "digest/digest_runs.hpp"
#include "digest/digest_scheduler.hpp"
#include "http/api.hpp"
#include "http/api_json.hpp"

namespace communique::api {

namespace {

// How many runs GET /api/v1/digests/{id} shows, newest first.
constexpr std::size_t kRunsShown = 50;

json to_json(const DigestRun& run) {
  return {{"id", run.id},
          {"digest_id", run.digest_id},
          {"scheduled_for", time_or_null(run.scheduled_for)},
          {"ran_at", format_iso8601(run.ran_at)},
          {"since", format_iso8601(run.since)},
          {"after_seq", run.after_seq},
          {"up_to_seq", run.up_to_seq},
          {"posts", run.posts},
          {"outcome", to_string(run.outcome)},
          {"issue_id", run.issue_id ? json(*run.issue_id) : json(nullptr)},
          {"note", run.note}};
}

// A definition as JSON, with its sections by name and when `serve` runs it next.
Result<json> digest_json(const DigestDefinition& digest, Store& store, Timestamp now) {
  auto sections = store.sections(digest.list_id);
  auto last = store.last_digest_run(digest.id);
  if (auto error = first_error(sections, last)) {
    return *error;
  }
  json names = json::array();
  for (SectionId id : digest.sections) {
    for (const auto& section : *sections) {
      if (section.id == id) {
        names.push_back(section.name);
      }
    }
  }
  return json{
      {"id", digest.id},
      {"list_id", digest.list_id},
      {"name", digest.name},
      {"every", format_schedule_rule(digest.rule)},
      {"time_zone", digest.rule.time_zone},
      {"sections", names},
      {"subject", digest.subject},
      {"template", digest.template_name},
      {"max_per_section", digest.max_per_section},
      {"excerpt_words", digest.excerpt_words},
      {"only_if_new", digest.only_if_new},
      {"review", digest.review},
      {"enabled", digest.enabled},
      {"next_run",
       digest.enabled ? json(format_iso8601(next_digest_run(digest, *last, now))) : json(nullptr)},
      {"created_at", format_iso8601(digest.created_at)},
      {"updated_at", format_iso8601(digest.updated_at)}};
}

Result<std::optional<int>> optional_count(const json& body, const char* name) {
  auto value = optional_integer(body, name);
  if (!value) {
    return std::move(value).error();
  }
  if (!*value) {
    return std::optional<int>();
  }
  if (**value < 0 || **value > std::numeric_limits<int>::max()) {
    return make_error(ErrorCode::invalid_input,
                      std::string(name) + ": give a number from 0 to 10000");
  }
  return std::optional<int>(static_cast<int>(**value));
}

// The fields of a definition in `body`, as a person wrote them.
Result<DigestInput> digest_input(const json& body) {
  DigestInput input;
  for (auto [name, target] :
       {std::pair{"name", &input.name}, std::pair{"every", &input.every},
        std::pair{"time_zone", &input.time_zone}, std::pair{"subject", &input.subject},
        std::pair{"template", &input.template_name}}) {
    auto value = optional_string(body, name);
    if (!value) {
      return std::move(value).error();
    }
    *target = std::move(*value);
  }
  if (auto sections = body.find("sections"); sections != body.end() && !sections->is_null()) {
    if (!sections->is_array()) {
      return make_error(ErrorCode::invalid_input,
                        "sections: must be an array of section names, in the digest's order");
    }
    std::vector<std::string> names;
    for (const auto& section : *sections) {
      if (!section.is_string()) {
        return make_error(ErrorCode::invalid_input, "sections: each section is named by a string");
      }
      names.push_back(section.get<std::string>());
    }
    input.sections = std::move(names);
  }
  for (auto [name, target] : {std::pair{"max_per_section", &input.max_per_section},
                              std::pair{"excerpt_words", &input.excerpt_words}}) {
    auto value = optional_count(body, name);
    if (!value) {
      return std::move(value).error();
    }
    *target = *value;
  }
  for (auto [name, target] :
       {std::pair{"only_if_new", &input.only_if_new}, std::pair{"review", &input.review},
        std::pair{"enabled", &input.enabled}}) {
    auto value = optional_flag(body, name);
    if (!value) {
      return std::move(value).error();
    }
    *target = *value;
  }
  return input;
}

HttpResponse answer_digest(const Result<DigestDefinition>& digest, const RouteServices& services,
                           int status = 200) {
  if (!digest) {
    return fail(digest.error());
  }
  auto body = digest_json(*digest, services.store, services.clock());
  return body ? answer(*body, status) : fail(body.error());
}

}  // namespace

HttpResponse list_digests(const HttpRequest&, const RouteServices& services) {
  auto all = services.store.digests();
  if (!all) {
    return fail(all.error());
  }
  json out = json::array();
  const Timestamp now = services.clock();
  for (const auto& digest : *all) {
    auto body = digest_json(digest, services.store, now);
    if (!body) {
      return fail(body.error());
    }
    out.push_back(std::move(*body));
  }
  return answer({{"digests", out}});
}

// POST /api/v1/digests {"list_id": 1, "name": "weekly", "every": "weekly mon 09:00",
// "time_zone": "Europe/Moscow", "sections": ["News", "Statements"], ...}
HttpResponse create_digest(const HttpRequest& request, const RouteServices& services) {
  auto body = object_body(request);
  if (!body) {
    return fail(body.error());
  }
  auto list = optional_integer(*body, "list_id");
  auto input = digest_input(*body);
  if (auto error = first_error(list, input)) {
    return fail(*error);
  }
  if (!*list) {
    return fail({ErrorCode::invalid_input, "list_id: is required"});
  }
  auto sections = services.store.sections(**list);
  if (!sections) {
    return fail(sections.error());
  }
  auto digest = digest_from_input(*input, **list, *sections, services.data_dir);
  if (!digest) {
    return fail(digest.error());
  }
  return answer_digest(services.store.create_digest(*digest, services.clock()), services, 201);
}

HttpResponse get_digest(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  if (!id) {
    return fail(id.error());
  }
  auto digest = services.store.find_digest(*id);
  auto runs = services.store.digest_runs(*id, kRunsShown);
  if (auto error = first_error(digest, runs)) {
    return fail(*error);
  }
  auto body = digest_json(*digest, services.store, services.clock());
  if (!body) {
    return fail(body.error());
  }
  json shown = json::array();
  for (const auto& run : *runs) {
    shown.push_back(to_json(run));
  }
  (*body)["runs"] = shown;
  return answer(*body);
}

// PATCH /api/v1/digests/{id}: the fields given change, the others stay.
HttpResponse update_digest(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  auto body = object_body(request);
  if (auto error = first_error(id, body)) {
    return fail(*error);
  }
  auto input = digest_input(*body);
  auto current = services.store.find_digest(*id);
  if (auto error = first_error(input, current)) {
    return fail(*error);
  }
  auto sections = services.store.sections(current->list_id);
  if (!sections) {
    return fail(sections.error());
  }
  auto changes = digest_changes_from_input(*input, *current, *sections, services.data_dir);
  if (!changes) {
    return fail(changes.error());
  }
  return answer_digest(services.store.update_digest(*id, *changes, services.clock()), services);
}

HttpResponse delete_digest(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  if (!id) {
    return fail(id.error());
  }
  auto removed = services.store.remove_digest(*id);
  return removed ? no_content() : fail(removed.error());
}

// POST /api/v1/digests/{id}/run: runs it now; answers the run and its issue's id (none when
// skipped). A run that sends leaves its issue scheduled: the delivery service sends it.
HttpResponse run_digest(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  if (!id) {
    return fail(id.error());
  }
  auto digest = services.store.find_digest(*id);
  if (!digest) {
    return fail(digest.error());
  }
  DigestRuns runs(services.store);
  auto run = runs.run(*digest, services.clock(), std::nullopt);
  if (!run) {
    return fail(run.error());
  }
  return answer(
      {{"run", to_json(*run)}, {"issue_id", run->issue_id ? json(*run->issue_id) : json(nullptr)}},
      201);
}

}  // namespace communique::api
