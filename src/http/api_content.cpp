// /api/v1/imports, /api/v1/templates and /api/v1/settings.
#include <fstream>
#include <sstream>

#include "http/api.hpp"
#include "http/api_json.hpp"
#include "transfer/import_jobs.hpp"

namespace communique::api {

namespace {

json to_json(const ImportJob& job) {
  json out{{"id", job.id},
           {"list", job.list},
           {"state", to_string(job.state)},
           {"rows", job.progress.rows},
           {"bytes_done", job.progress.bytes_done},
           {"bytes_total", job.progress.bytes_total},
           {"started_at", format_iso8601(job.started)},
           {"finished_at", time_or_null(job.finished)}};
  if (job.state == ImportJob::State::done) {
    out["imported"] = job.summary.imported;
    out["updated"] = job.summary.updated;
    out["skipped"] = job.summary.skipped;
    out["rejected"] = job.summary.rejected;
    out["unsubscribed"] = job.summary.unsubscribed;  // recorded as having left, as the file said
    out["blocklisted"] = job.summary.blocklisted;
    out["ignored_columns"] = job.summary.ignored_columns;
    out["rejects_url"] = job.summary.rejected > 0
                             ? json("/api/v1/imports/" + std::to_string(job.id) + "/rejects")
                             : json(nullptr);
  }
  if (job.state == ImportJob::State::failed) {
    out["error"] = job.error;
  }
  return out;
}

Result<ImportJobs*> jobs_of(const RouteServices& services) {
  if (services.imports == nullptr) {
    return make_error(ErrorCode::unavailable, "imports are not enabled on this server");
  }
  return services.imports;
}

// What a template preview shows: a letter with the usual parts.
Issue sample_issue() {
  Issue issue;
  issue.id = 1;
  issue.subject = "Sample issue";
  issue.sections = {{"", BodyFormat::markdown,
                     "# A sample letter\n\nThe **Ambassador** met the press today.\n\n"
                     "> The talks were frank and useful.\n\n1. Opening\n2. Questions\n\n"
                     "[Read the statement](https://example.org/statement)"}};
  return issue;
}

}  // namespace

// POST /api/v1/lists/{id}/imports?mode=upsert|skip_existing, the CSV as the body.
HttpResponse start_import(const HttpRequest& request, const RouteServices& services) {
  auto jobs = jobs_of(services);
  auto id = path_id(request);
  auto fields = query_fields(request);
  if (auto error = first_error(jobs, id, fields)) {
    return fail(*error);
  }
  const auto mode_text = form_value(*fields, "mode").value_or("upsert");
  if (mode_text != "upsert" && mode_text != "skip_existing") {
    return fail({ErrorCode::invalid_input, "mode: must be upsert or skip_existing"});
  }
  if (request.body.empty()) {
    return fail({ErrorCode::invalid_input, "send the CSV file as the body (text/csv)"});
  }
  auto list = services.store.find_list(*id);
  if (!list) {
    return fail(list.error());
  }
  auto job = (*jobs)->start(list->name, request.body,
                            mode_text == "upsert" ? ImportMode::upsert : ImportMode::skip_existing);
  if (!job) {
    return fail(job.error());
  }
  auto response = answer(to_json(*job), 202);
  response.headers.emplace_back("Location", "/api/v1/imports/" + std::to_string(job->id));
  return response;
}

HttpResponse import_status(const HttpRequest& request, const RouteServices& services) {
  auto jobs = jobs_of(services);
  auto id = path_id(request);
  if (auto error = first_error(jobs, id)) {
    return fail(*error);
  }
  auto job = (*jobs)->find(*id);
  if (!job) {
    return fail({ErrorCode::not_found, "there is no import " + std::to_string(*id)});
  }
  return answer(to_json(*job));
}

HttpResponse import_rejects(const HttpRequest& request, const RouteServices& services) {
  auto jobs = jobs_of(services);
  auto id = path_id(request);
  if (auto error = first_error(jobs, id)) {
    return fail(*error);
  }
  auto file = (*jobs)->rejects(*id);
  if (!file) {
    return fail({ErrorCode::not_found, "import " + std::to_string(*id) + " has no rejects"});
  }
  std::ifstream in(*file, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  HttpResponse response;
  response.content_type = "text/csv; charset=utf-8";
  response.body = std::move(content).str();
  return response;
}

HttpResponse list_templates(const HttpRequest&, const RouteServices& services) {
  return answer({{"templates", letter_template_names(services.data_dir)}});
}

HttpResponse get_template(const HttpRequest& request, const RouteServices& services) {
  const auto& name = request.params.at("name");
  auto templates = load_letter_templates(name, services.data_dir);
  if (!templates) {
    return fail(templates.error());
  }
  return answer({{"name", name},
                 {"built_in", name == "default"},
                 {"html", templates->html.source()},
                 {"text", templates->text.source()}});
}

// PUT /api/v1/templates/{name} {"html": "...", "text": "..."}: both are compiled first; a
// broken one is refused with its line and column and nothing is written.
HttpResponse put_template(const HttpRequest& request, const RouteServices& services) {
  const auto& name = request.params.at("name");
  if (!valid_template_name(name) || name == "default") {
    return fail({ErrorCode::invalid_input,
                 "name: letters, digits, '-' and '_', and not 'default' (built in)"});
  }
  auto body = object_body(request);
  if (!body) {
    return fail(body.error());
  }
  auto html = required_string(*body, "html");
  auto text = required_string(*body, "text");
  if (auto error = first_error(html, text)) {
    return fail(*error);
  }
  for (const auto& [source, suffix, escape] :
       {std::tuple{&*html, ".html", Template::Escape::html},
        std::tuple{&*text, ".txt", Template::Escape::none}}) {
    if (auto compiled = Template::compile(*source, name + suffix, escape); !compiled) {
      return fail(compiled.error());
    }
  }
  const auto directory = services.data_dir / "templates";
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  for (const auto& [source, suffix] : {std::pair{&*html, ".html"}, std::pair{&*text, ".txt"}}) {
    // Written aside and renamed, so a letter being composed never reads half a file.
    const auto target = directory / (name + suffix);
    const auto temporary = directory / (name + suffix + ".tmp");
    {
      std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
      out << *source;
      if (!out) {
        return fail({ErrorCode::io, "cannot write " + temporary.string()});
      }
    }
    std::filesystem::rename(temporary, target, ec);
    if (ec) {
      return fail({ErrorCode::io, "cannot replace " + target.string() + ": " + ec.message()});
    }
  }
  return answer({{"name", name}, {"built_in", false}, {"html", *html}, {"text", *text}});
}

// GET /api/v1/templates/{name}/preview?format=html|text: a sample letter in the template.
HttpResponse preview_template(const HttpRequest& request, const RouteServices& services) {
  auto fields = query_fields(request);
  if (!fields) {
    return fail(fields.error());
  }
  auto html = wants_html(*fields);
  auto composer = composer_of(services);
  if (auto error = first_error(html, composer)) {
    return fail(*error);
  }
  auto templates = load_letter_templates(request.params.at("name"), services.data_dir);
  if (!templates) {
    return fail(templates.error());
  }
  MailingList list;
  list.id = 1;
  list.name = "Sample list";
  auto prepared = prepare_issue(sample_issue(), list, std::move(*templates));
  if (!prepared) {
    return fail(prepared.error());
  }
  auto letter = (*composer)->preview(*prepared, sample_subscriber(), services.clock());
  if (!letter) {
    return fail(letter.error());
  }
  return sandboxed_preview(std::move(*letter), *html);
}

HttpResponse get_settings(const HttpRequest&, const RouteServices& services) {
  auto parsed = json::parse(services.settings.json, nullptr, false);
  return answer(parsed.is_discarded() ? json::object() : parsed);
}

namespace {

// {"sender": {"organisation": "X"}, "smtp": {"password": null}} as section.key → value.
Result<SettingsChanges> settings_changes(const json& body) {
  SettingsChanges changes;
  for (const auto& [section, keys] : body.items()) {
    if (!keys.is_object()) {
      return make_error(ErrorCode::invalid_input,
                        section +
                            " must be an object of settings, such as {\"organisation\": "
                            "\"...\"}");
    }
    for (const auto& [key, value] : keys.items()) {
      const std::string name = section + "." + key;
      if (value.is_null()) {
        changes[name] = std::nullopt;
      } else if (value.is_string()) {
        changes[name] = value.get<std::string>();
      } else if (value.is_boolean()) {
        changes[name] = value.get<bool>() ? "true" : "false";
      } else if (value.is_number_integer()) {
        changes[name] = std::to_string(value.get<std::int64_t>());
      } else {
        return make_error(ErrorCode::invalid_input,
                          name +
                              " must be a string, a whole number, true, false or null (lists "
                              "are set in the configuration file)");
      }
    }
  }
  if (changes.empty()) {
    return make_error(ErrorCode::invalid_input, "the body names no setting to change");
  }
  return changes;
}

}  // namespace

HttpResponse change_settings(const HttpRequest& request, const RouteServices& services) {
  if (!services.settings.change) {
    return fail(make_error(ErrorCode::unavailable, "this server cannot change its settings"));
  }
  auto body = object_body(request);
  if (!body) {
    return fail(body.error());
  }
  auto changes = settings_changes(*body);
  if (!changes) {
    return fail(changes.error());
  }
  auto saved = services.settings.change(*changes);
  if (!saved) {
    return fail(saved.error());
  }
  return answer({{"settings", json::parse(*saved)}, {"restarting", true}});
}

}  // namespace communique::api
