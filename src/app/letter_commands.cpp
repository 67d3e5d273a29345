// Commands for issues and letters: issues create|ls|show|update, render, dkim keygen.
#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include <CLI/CLI.hpp>

#include "app/command_groups.hpp"
#include "app/runtime.hpp"
#include "audience/issue_topics.hpp"
#include "base/text.hpp"
#include "content/html_sanitizer.hpp"
#include "delivery/issue_letters.hpp"
#include "mail/letter.hpp"

namespace communique {

namespace {

std::string list_names(Store& store, const std::vector<ListId>& ids) {
  std::string names;
  for (ListId id : ids) {
    auto list = store.find_list(id);
    names += (names.empty() ? "" : ", ") + (list ? list->name : "#" + std::to_string(id));
  }
  return names;
}

// "sport (press), travel (digest)": the topics an issue goes to, by name.
std::string topic_names(Store& store, const std::vector<ListId>& lists,
                        const std::vector<TopicId>& ids) {
  std::string names;
  for (ListId list_id : lists) {
    auto list = store.find_list(list_id);
    auto topics = store.topics(list_id);
    if (!list || !topics) {
      continue;
    }
    for (const auto& topic : *topics) {
      if (std::find(ids.begin(), ids.end(), topic.id) != ids.end()) {
        names += (names.empty() ? "" : ", ") + topic.name + " (" + list->name + ")";
      }
    }
  }
  return names;
}

}  // namespace

int run_issues_create(const GlobalOptions& global, const IssueCreateOptions& options) {
  auto format = parse_body_format(options.format);
  if (!format) {
    return fail("--format must be markdown or html, not '" + options.format + "'");
  }
  auto edition_date = parse_edition_date(options.date);
  if (!edition_date) {
    return fail(edition_date.error());
  }
  auto body = read_text_file(options.body);
  if (!body) {
    return fail(body.error());
  }
  Issue draft;
  draft.subject = options.subject;
  draft.template_name = options.template_name;
  draft.language = options.language;
  draft.from_name = options.from_name;
  draft.from_address = options.from_address;
  draft.reply_to = options.reply_to;
  draft.archive = options.archive;
  draft.edition_date = *edition_date;
  draft.sections.push_back({.title = "", .format = *format, .body = std::move(*body)});
  auto issue = normalise_issue(std::move(draft));
  if (!issue) {
    return fail(issue.error());
  }
  sanitise_html_sections(issue->sections);
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  // A broken template is reported now, not when the letters go out.
  if (auto templates = load_letter_templates(options.template_name, global.data_dir); !templates) {
    return fail("template: " + templates.error().message);
  }
  for (const auto& name : options.lists) {
    auto list = runtime->store->find_list(name);
    if (!list) {
      return fail(list.error());
    }
    issue->lists.push_back(list->id);
  }
  const std::vector<TopicReference> topics(options.topics.begin(), options.topics.end());
  auto topic_ids = issue_topic_ids(*runtime->store, issue->lists, topics, "--topic");
  if (!topic_ids) {
    return fail(topic_ids.error());
  }
  issue->topics = std::move(*topic_ids);
  auto created = runtime->store->create_issue(*issue, system_clock_now());
  if (!created) {
    return fail(created.error());
  }
  fmt::print("{}\n", created->id);
  return 0;
}

int run_issues_update(const GlobalOptions& global, const IssueUpdateOptions& options) {
  auto edition_date = parse_edition_date(options.date.value_or(""));
  if (!edition_date) {
    return fail(edition_date.error());
  }
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  if (options.date) {
    auto done =
        runtime->store->set_issue_edition_date(options.issue, *edition_date, system_clock_now());
    if (!done) {
      return fail(done.error());
    }
    fmt::print("issue {}: {}\n", options.issue,
               *edition_date ? "dated " + human_date(**edition_date) + " in its masthead"
                             : std::string("dated the day its letters are made"));
  }
  if (options.archive) {
    if (auto done = runtime->store->set_issue_archive(options.issue, *options.archive); !done) {
      return fail(done.error());
    }
    fmt::print("issue {}: {}\n", options.issue,
               *options.archive ? "may appear in the public archive (if every list is public)"
                                : "kept out of the public archive");
  }
  return 0;
}

int run_issues_ls(const GlobalOptions& global, OutputFormat format) {
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  auto issues = runtime->store->issues();
  if (!issues) {
    return fail(issues.error());
  }
  if (format == OutputFormat::json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& issue : *issues) {
      out.push_back({{"id", issue.id},
                     {"kind", to_string(issue.kind)},
                     {"status", to_string(issue.status)},
                     {"subject", issue.subject},
                     {"lists", list_names(*runtime->store, issue.lists)},
                     {"note", issue.status_note},
                     {"date", issue.edition_date ? format_date(*issue.edition_date) : ""},
                     {"created_at", format_iso8601(issue.created_at)}});
    }
    fmt::print("{}\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    return 0;
  }
  if (issues->empty()) {
    fmt::print(stderr,
               "no issues yet; create one with: communique issues create --list NAME "
               "--subject TEXT --body FILE.md\n");
    return 0;
  }
  fmt::print("{:>5}  {:<9}  {:<20}  {}\n", "ID", "STATUS", "CREATED", "SUBJECT");
  for (const auto& issue : *issues) {
    fmt::print("{:>5}  {:<9}  {:<20}  {}\n", issue.id, to_string(issue.status),
               format_iso8601(issue.created_at), issue.subject);
  }
  return 0;
}

int run_issues_show(const GlobalOptions& global, std::int64_t id) {
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  auto issue = runtime->store->find_issue(id);
  if (!issue) {
    return fail(issue.error());
  }
  fmt::print("id:        {}\n", issue->id);
  fmt::print("kind:      {}\n", to_string(issue->kind));
  fmt::print("status:    {}\n", to_string(issue->status));
  fmt::print("subject:   {}\n", issue->subject);
  fmt::print("lists:     {}\n", list_names(*runtime->store, issue->lists));
  if (!issue->topics.empty()) {
    fmt::print("topics:    {} (and subscribers who chose no topic)\n",
               topic_names(*runtime->store, issue->lists, issue->topics));
  }
  if (issue->cadence) {
    fmt::print("cadence:   {} (subscribers who receive their posts so)\n",
               to_string(*issue->cadence));
  }
  fmt::print("template:  {}\n", issue->template_name);
  fmt::print("language:  {}\n", issue->language);
  fmt::print("date:      {}\n", issue->edition_date ? format_date(*issue->edition_date)
                                                    : "the day its letters are made");
  fmt::print("archive:   {}\n", issue->archive ? "yes" : "no (kept out of the public archive)");
  fmt::print("created:   {}\n", format_iso8601(issue->created_at));
  if (issue->scheduled_at) {
    fmt::print("scheduled: {}{}\n", format_iso8601(*issue->scheduled_at),
               issue->expire_after
                   ? fmt::format(" (expires after {} minutes)", issue->expire_after->count() / 60)
                   : "");
  }
  if (!issue->status_note.empty()) {
    fmt::print("note:      {}\n", issue->status_note);
  }
  if (auto counts = runtime->store->delivery_counts(id); counts && counts->total() > 0) {
    fmt::print("letters:   queued {}, sending {}, sent {}, deferred {}, failed {}, skipped {}\n",
               counts->queued, counts->sending, counts->sent, counts->deferred, counts->failed,
               counts->skipped);
  }
  // Why letters did not leave, most common first: what a user asks after "deferred 47".
  auto problems = runtime->store->delivery_problems(id, 5);
  if (!problems) {
    return fail(problems.error());
  }
  for (const auto& problem : *problems) {
    fmt::print("{:<10} {} × {}\n", fmt::format("{}:", to_string(problem.state)), problem.count,
               problem.reply);
  }
  for (const auto& section : issue->sections) {
    fmt::print("\n{}{}\n", section.title.empty() ? "" : "## " + section.title + "\n\n",
               section.body);
  }
  return 0;
}

namespace {

// Why `subscriber` is outside the issue's audience (confirmed on one of its lists and not
// blocklisted, as the send freezes it), or nothing when they are in it.
std::optional<std::string> not_in_audience(Store& store, const Issue& issue,
                                           const Subscriber& subscriber) {
  if (subscriber.status != SubscriberStatus::enabled) {
    return std::string("the address is blocklisted");
  }
  auto subscriptions = store.subscriptions_of(subscriber.id);
  if (!subscriptions) {
    return std::nullopt;
  }
  std::vector<std::string> states;
  for (const auto& subscription : *subscriptions) {
    if (std::find(issue.lists.begin(), issue.lists.end(), subscription.list_id) ==
        issue.lists.end()) {
      continue;
    }
    if (subscription.status == SubscriptionStatus::confirmed) {
      return std::nullopt;
    }
    states.push_back(std::string(to_string(subscription.status)) + " on " + subscription.list_name);
  }
  return states.empty() ? std::string("they are on none of its lists") : join_as_list(states);
}

// `issue` prepared as `reader`'s letter (for a digest, their selection); not_found when a
// digest has nothing for them.
Result<PreparedIssue> reader_letter(Store& store, const Issue& issue, const Subscriber& reader,
                                    const std::filesystem::path& data_dir) {
  auto prepared = prepare_stored_issue(store, issue, data_dir);
  if (!prepared || !prepared->digest) {
    return prepared;
  }
  auto selected = digest_for_reader(store, *prepared, reader);
  if (!selected) {
    return std::move(selected).error();
  }
  if (!*selected) {
    return make_error(ErrorCode::not_found,
                      "no item of digest issue " + std::to_string(issue.id) + " is for " +
                          reader.email +
                          " (the topics they chose, or every item received before): they get "
                          "no letter and are counted skipped");
  }
  return std::move(**selected);
}

}  // namespace

int run_issues_preview(const GlobalOptions& global, const PreviewOptions& options) {
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  auto& store = *runtime->store;
  auto issue = store.find_issue(options.issue);
  if (!issue) {
    return fail(issue.error());
  }
  Subscriber reader{.email = "reader@example.org", .name = "Alex Reader"};
  if (!options.subscriber.empty()) {
    auto address = EmailAddress::parse(options.subscriber);
    if (!address) {
      return fail("--subscriber: " + address.error().message);
    }
    auto found = store.find_subscriber(*address);
    if (!found) {
      return fail(found.error().message +
                  "; import or add them first (communique import --list NAME FILE.csv)");
    }
    reader = std::move(*found);
  }
  auto prepared = options.subscriber.empty()
                      ? prepare_stored_issue(store, *issue, global.data_dir)
                      : reader_letter(store, *issue, reader, global.data_dir);
  if (!prepared) {
    return fail(prepared.error());
  }
  auto composer = make_composer(global, *runtime);
  if (!composer) {
    return fail(composer.error());
  }
  auto letter = composer->preview(*prepared, reader, system_clock_now());
  if (!letter) {
    return fail(letter.error());
  }
  const std::string& part = options.html ? letter->html : letter->text;
  std::cout.write(part.data(), static_cast<std::streamsize>(part.size()));
  std::cout.flush();
  return std::cout ? 0 : fail("writing the preview failed");
}

int run_render(const GlobalOptions& global, const RenderOptions& options) {
  auto address = EmailAddress::parse(options.to);
  if (!address) {
    return fail("--to: " + address.error().message);
  }
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  auto& store = *runtime->store;
  auto issue = store.find_issue(options.issue);
  if (!issue) {
    return fail(issue.error());
  }
  auto subscriber = store.find_subscriber(*address);
  if (!subscriber) {
    return fail(subscriber.error().message +
                "; import or add them first (communique import --list NAME FILE.csv)");
  }
  if (auto why = not_in_audience(store, *issue, *subscriber)) {
    fmt::print(stderr, "note: {} would not receive issue {}: {}; printed as it would look\n",
               options.to, issue->id, *why);
  }
  auto prepared = reader_letter(store, *issue, *subscriber, global.data_dir);
  if (!prepared) {
    return fail(prepared.error());
  }
  auto composer = make_composer(global, *runtime);
  if (!composer) {
    return fail(composer.error());
  }
  // The same path as sending: plan the issue for today, then compose, so that what is
  // printed (and checked by verifiers) is what the runner would send.
  const auto now = system_clock_now();
  if (auto tracked = track_links(store, *composer, *prepared, now); !tracked) {
    return fail(tracked.error());
  }
  composer->plan(*prepared, now);
  auto message = composer->compose(*prepared, *subscriber, now, composer->new_message_id());
  if (!message) {
    return fail(message.error());
  }
  std::cout.write(message->data(), static_cast<std::streamsize>(message->size()));
  std::cout.flush();
  return std::cout ? 0 : fail("writing the message failed");
}

int run_dkim_keygen(const GlobalOptions& global, const DkimKeygenOptions& options) {
  const bool rsa = options.algorithm == "rsa";
  if (!rsa && options.algorithm != "ed25519") {
    return fail("--algorithm must be rsa or ed25519, not '" + options.algorithm + "'");
  }
  auto domain_check = EmailAddress::parse("postmaster@" + options.domain);
  if (!domain_check) {
    return fail("--domain: " + domain_check.error().message);
  }
  const std::string domain(domain_check->domain());
  for (char c : options.selector) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_' || c == '.')) {
      return fail("--selector may hold letters, digits, '-', '_' and '.' only");
    }
  }
  if (options.selector.empty()) {
    return fail("--selector is empty");
  }
  auto key = DkimKey::generate(rsa ? DkimAlgorithm::rsa_sha256 : DkimAlgorithm::ed25519_sha256);
  if (!key) {
    return fail(key.error());
  }
  const std::string relative =
      "dkim/" + options.selector + "." + domain + (rsa ? ".rsa" : ".ed25519") + ".pem";
  const auto path = global.data_dir / relative;
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (std::filesystem::exists(path)) {
    return fail(path.string() + " exists already; remove it or pick another selector");
  }
  {
    const auto old_mask = umask(077);  // the private key is readable by its owner only
    std::ofstream out(path, std::ios::binary);
    out << key->private_pem();
    umask(old_mask);
    if (!out) {
      return fail("cannot write " + path.string());
    }
  }
  fmt::print(stderr, "wrote the private key to {}\n", path.string());
  fmt::print(stderr, "publish this TXT record in DNS, then add to the configuration:\n");
  fmt::print(stderr, "  [dkim]\n  {}_selector = \"{}\"\n  {}_key = \"{}\"\n\n",
             rsa ? "rsa" : "ed25519", options.selector, rsa ? "rsa" : "ed25519", relative);
  fmt::print("{}._domainkey.{}. IN TXT \"{}\"\n", options.selector, domain, key->dns_record());
  return 0;
}

namespace {

void add_issues_create(CLI::App& issues, CommandChoice& choice) {
  auto& create = choice.keep<IssueCreateOptions>();
  auto* cmd = issues.add_subcommand("create",
                                    "Create a draft issue from a Markdown (or HTML) file; "
                                    "prints its id");
  cmd->add_option("--list", create.lists, "A list it goes to (repeatable)")->required();
  cmd->add_option("--subject", create.subject, "The subject line")->required();
  cmd->add_option("--body", create.body, "The body: a Markdown file")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--format", create.format, "markdown or html")
      ->check(CLI::IsMember({"markdown", "html"}))
      ->capture_default_str();
  cmd->add_option("--template", create.template_name,
                  "Letter template: default, or NAME for DATA_DIR/templates/NAME.html "
                  "and NAME.txt")
      ->capture_default_str();
  cmd->add_option("--lang", create.language, "Language of the issue (en, fr...)");
  cmd->add_option("--from-name", create.from_name, "Sender name for this issue");
  cmd->add_option("--from-address", create.from_address, "Sender address for this issue");
  cmd->add_option("--reply-to", create.reply_to, "Reply-To for this issue");
  cmd->add_flag_callback(
      "--no-archive", [&create] { create.archive = false; },
      "Keep it out of the public archive (which shows only issues to public lists)");
  cmd->add_option("--date", create.date,
                  "Edition date its masthead shows (YYYY-MM-DD); by default the day its "
                  "letters are made");
  cmd->add_option("--topic", create.topics,
                  "Send it only to subscribers who chose this topic of its lists, or chose "
                  "none (repeatable; LIST/TOPIC when several lists have it)");
  choice.on(cmd,
            [&create](const GlobalOptions& global) { return run_issues_create(global, create); });
}

void add_issues_update(CLI::App& issues, CommandChoice& choice) {
  auto& update = choice.keep<IssueUpdateOptions>();
  auto* cmd = issues.add_subcommand(
      "update",
      "Change an issue: whether it is archived (in any state), its edition date (before its "
      "letters are made)");
  cmd->add_option("ID", update.issue, "The issue's id")->required();
  auto* archive = cmd->add_flag_callback(
      "--archive", [&update] { update.archive = true; },
      "Let the public archive show it (if every list is public)");
  auto* no_archive = cmd->add_flag_callback(
      "--no-archive", [&update] { update.archive = false; }, "Keep it out of the public archive");
  archive->excludes(no_archive);
  auto* date = cmd->add_option("--date", update.date,
                               "Edition date its masthead shows (YYYY-MM-DD); '' for the day "
                               "its letters are made");
  auto* no_date = cmd->add_flag_callback(
      "--no-date", [&update] { update.date = std::string(); },
      "Date its masthead the day its letters are made (clears --date)");
  date->excludes(no_date);
  cmd->callback([&choice, &update, archive, no_archive, date, no_date] {
    if (archive->count() + no_archive->count() + date->count() + no_date->count() == 0) {
      throw CLI::RequiredError("--archive, --no-archive, --date or --no-date");
    }
    choice.choose(
        [&update](const GlobalOptions& global) { return run_issues_update(global, update); });
  });
}

void add_issues_ls_and_show(CLI::App& issues, CommandChoice& choice) {
  auto& json = choice.keep<bool>(false);
  auto* ls = issues.add_subcommand("ls", "Show every issue, newest first");
  ls->add_flag("--json", json, "Print JSON");
  choice.on(ls, [&json](const GlobalOptions& global) {
    return run_issues_ls(global, json ? OutputFormat::json : OutputFormat::text);
  });
  auto& id = choice.keep<std::int64_t>(0);
  auto* show = issues.add_subcommand("show", "Show one issue and its body");
  show->add_option("ID", id, "The issue's id")->required();
  choice.on(show, [&id](const GlobalOptions& global) { return run_issues_show(global, id); });
  auto& preview = choice.keep<PreviewOptions>();
  auto* preview_cmd = issues.add_subcommand(
      "preview",
      "Print an issue's text part (or HTML with --html) as a subscriber would read it, with "
      "links that open nothing; a digest shows that subscriber's selection of its posts");
  preview_cmd->add_option("ID", preview.issue, "The issue's id")->required();
  preview_cmd->add_option("--subscriber", preview.subscriber,
                          "The subscriber's address (default: a sample reader who gets every "
                          "item)");
  preview_cmd->add_flag("--html", preview.html, "Print the HTML part");
  choice.on(preview_cmd, [&preview](const GlobalOptions& global) {
    return run_issues_preview(global, preview);
  });
}

void add_render_and_dkim(CLI::App& app, CommandChoice& choice) {
  auto& render = choice.keep<RenderOptions>();
  auto* render_cmd = app.add_subcommand(
      "render", "Print the exact bytes of the letter ISSUE would send to one subscriber");
  render_cmd->add_option("ISSUE", render.issue, "The issue's id")->required();
  render_cmd->add_option("--to", render.to, "The subscriber's address")->required();
  choice.on(render_cmd,
            [&render](const GlobalOptions& global) { return run_render(global, render); });

  auto* dkim = app.add_subcommand("dkim", "DKIM keys for signing letters");
  dkim->require_subcommand(1);
  auto& keygen = choice.keep<DkimKeygenOptions>();
  auto* keygen_cmd = dkim->add_subcommand(
      "keygen", "Make a key under DATA_DIR/dkim and print the DNS TXT record to publish");
  keygen_cmd->add_option("--domain", keygen.domain, "The signing domain (d=)")->required();
  keygen_cmd->add_option("--selector", keygen.selector, "The selector (s=)")->required();
  keygen_cmd->add_option("--algorithm", keygen.algorithm, "rsa (2048 bits) or ed25519")
      ->check(CLI::IsMember({"rsa", "ed25519"}))
      ->capture_default_str();
  choice.on(keygen_cmd,
            [&keygen](const GlobalOptions& global) { return run_dkim_keygen(global, keygen); });
}

}  // namespace

void add_letter_commands(CLI::App& app, CommandChoice& choice) {
  auto* issues = app.add_subcommand("issues", "Create and inspect issues (campaigns)");
  issues->require_subcommand(1);
  add_issues_create(*issues, choice);
  add_issues_update(*issues, choice);
  add_issues_ls_and_show(*issues, choice);
  add_render_and_dkim(app, choice);
}

}  // namespace communique
