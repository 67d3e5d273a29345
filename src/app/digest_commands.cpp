// Commands for digest definitions: digests create | ls | show | update | rm | run.
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "app/command_groups.hpp"
#include "app/runtime.hpp"
#include "digest/digest_builder.hpp"
#include "digest/digest_form.hpp"
#include "digest/digest_runs.hpp"
#include "digest/digest_scheduler.hpp"

namespace communique {

namespace {

// How many runs `digests show` prints.
constexpr std::size_t kRunsShown = 20;

const char* yes_no(bool value) {
  return value ? "yes" : "no";
}

// The runtime and definition `id`, for the commands that work on one.
struct DigestRuntime {
  Runtime runtime;
  DigestDefinition digest;
};

Result<DigestRuntime> open_digest(const GlobalOptions& global, std::int64_t id) {
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return std::move(runtime).error();
  }
  auto digest = runtime->store->find_digest(id);
  if (!digest) {
    return std::move(digest).error();
  }
  return DigestRuntime{std::move(*runtime), std::move(*digest)};
}

std::string describe_next_run(const DigestDefinition& digest, const std::optional<DigestRun>& last,
                              Timestamp now) {
  const Timestamp next = next_digest_run(digest, last, now);
  return fmt::format("{} ({}){}", format_local_time(digest.rule, next), format_iso8601(next),
                     next <= now ? ", due: `communique serve` runs it" : "");
}

// The options a definition is written with; `create` has no negative flags.
enum class Form { create, update };

void add_definition_options(CLI::App& cmd, DigestInput& input, Form form) {
  auto* every = cmd.add_option_function<std::string>(
      "--every", [&input](const std::string& value) { input.every = value; },
      "When it runs: \"daily HH:MM\", \"weekly mon 09:00\" or \"monthly DAY HH:MM\"");
  if (form == Form::create) {
    every->required();
  }
  cmd.add_option_function<std::string>(
      "--tz", [&input](const std::string& value) { input.time_zone = value; },
      "IANA time zone of --every, e.g. Europe/Moscow (default UTC)");
  cmd.add_option_function<std::string>(
      "--sections",
      [&input](const std::string& value) { input.sections = split_section_names(value); },
      "The sections it shows, in its order: \"News,Statements\" (default: all, in the list's "
      "order; \"\" on update: all again)");
  cmd.add_option_function<int>(
      "--max-per-section", [&input](int value) { input.max_per_section = value; },
      "At most N posts per section, the newest (0: no limit)");
  cmd.add_option_function<int>(
      "--excerpt-words", [&input](int value) { input.excerpt_words = value; },
      "Cut items longer than N words, with a link to read on (0: in full)");
  cmd.add_option_function<std::string>(
      "--subject", [&input](const std::string& value) { input.subject = value; },
      "Subject of its issues (default \"<list title>: <date>\"; \"\" on update: the default)");
  cmd.add_option_function<std::string>(
      "--template", [&input](const std::string& value) { input.template_name = value; },
      "Template of its letters (default: default)");
  cmd.add_flag_callback(
      "--only-if-new", [&input] { input.only_if_new = true; },
      "Say that a run with no new posts sends nothing (always so: an empty digest is never "
      "sent; the run is recorded as skipped)");
  cmd.add_flag_callback(
      "--review", [&input] { input.review = true; },
      "Leave each run's issue a draft for an editor to preview and send");
  if (form == Form::update) {
    cmd.add_flag_callback(
        "--no-only-if-new", [&input] { input.only_if_new = false; }, "Undo --only-if-new");
    cmd.add_flag_callback(
        "--no-review", [&input] { input.review = false; }, "Send each run's issue at once");
    cmd.add_flag_callback(
        "--enable", [&input] { input.enabled = true; }, "`serve` runs it when due (the default)");
    cmd.add_flag_callback(
        "--disable", [&input] { input.enabled = false; },
        "`serve` no longer runs it (`digests run` still does)");
    cmd.add_option_function<std::string>(
        "--name", [&input](const std::string& value) { input.name = value; }, "A new name");
  }
}

}  // namespace

int run_digests_create(const GlobalOptions& global, const std::string& list_name,
                       const DigestInput& input) {
  auto opened = open_list(global, list_name);
  if (!opened) {
    return fail(opened.error());
  }
  Store& store = *opened->runtime.store;
  auto sections = store.sections(opened->list.id);
  if (!sections) {
    return fail(sections.error());
  }
  auto digest = digest_from_input(input, opened->list.id, *sections, global.data_dir);
  if (!digest) {
    return fail(digest.error());
  }
  auto created = store.create_digest(*digest, system_clock_now());
  if (!created) {
    return fail(created.error());
  }
  fmt::print("{}\n", created->id);
  return 0;
}

int run_digests_ls(const GlobalOptions& global) {
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  Store& store = *runtime->store;
  auto all = store.digests();
  if (!all) {
    return fail(all.error());
  }
  if (all->empty()) {
    fmt::print(stderr,
               "no digests yet; create one with: communique digests create --list LIST --name "
               "weekly --every \"weekly mon 09:00\" --tz Europe/Berlin\n");
    return 0;
  }
  const Timestamp now = system_clock_now();
  fmt::print("{:>4}  {:<16}  {:<16}  {:<18}  {:<20}  {:<20}  {}\n", "ID", "LIST", "NAME", "EVERY",
             "TZ", "NEXT RUN (UTC)", "LAST RUN");
  for (const auto& digest : *all) {
    auto list = store.find_list(digest.list_id);
    auto last = store.last_digest_run(digest.id);
    if (!list || !last) {
      return fail(!list ? list.error() : last.error());
    }
    const std::string next =
        digest.enabled ? format_iso8601(next_digest_run(digest, *last, now)) : "disabled";
    const std::string last_outcome =
        *last ? fmt::format("{} {}", to_string((*last)->outcome), format_iso8601((*last)->ran_at))
              : "never";
    fmt::print("{:>4}  {:<16}  {:<16}  {:<18}  {:<20}  {:<20}  {}\n", digest.id, list->name,
               digest.name, format_schedule_rule(digest.rule), digest.rule.time_zone, next,
               last_outcome);
  }
  return 0;
}

int run_digests_show(const GlobalOptions& global, std::int64_t id) {
  auto opened = open_digest(global, id);
  if (!opened) {
    return fail(opened.error());
  }
  Store& store = *opened->runtime.store;
  const DigestDefinition& digest = opened->digest;
  auto list = store.find_list(digest.list_id);
  auto sections = store.sections(digest.list_id);
  auto runs = store.digest_runs(id, kRunsShown);
  if (!list || !sections || !runs) {
    return fail(!list ? list.error() : !sections ? sections.error() : runs.error());
  }
  const Timestamp now = system_clock_now();
  fmt::print("digest {}: {} (list {})\n", digest.id, digest.name, list->name);
  fmt::print("every:           {} {}\n", format_schedule_rule(digest.rule), digest.rule.time_zone);
  fmt::print("sections:        {}\n", digest.sections.empty()
                                          ? std::string("all, in the list's order")
                                          : section_names(digest.sections, *sections));
  fmt::print("max per section: {}\n", digest.max_per_section == 0
                                          ? std::string("no limit")
                                          : std::to_string(digest.max_per_section));
  fmt::print("excerpt words:   {}\n", digest.excerpt_words == 0
                                          ? std::string("items in full")
                                          : std::to_string(digest.excerpt_words));
  fmt::print("subject:         {}\n",
             digest.subject.empty() ? "\"" + digest_subject(digest, *list, now) + "\" (the default)"
                                    : digest.subject);
  fmt::print("template:        {}\n", digest.template_name);
  fmt::print("only if new:     {} (a run with no new posts never sends)\n",
             yes_no(digest.only_if_new));
  fmt::print("review:          {}\n", digest.review ? "yes, each run's issue is left a draft"
                                                    : "no, each run's issue is sent");
  fmt::print("enabled:         {}\n", yes_no(digest.enabled));
  std::optional<DigestRun> last;
  if (!runs->empty()) {
    last = runs->front();
  }
  fmt::print("next run:        {}\n",
             digest.enabled ? describe_next_run(digest, last, now) : "none (disabled)");
  if (runs->empty()) {
    fmt::print("runs:            none yet; run one now with: communique digests run {}\n",
               digest.id);
    return 0;
  }
  fmt::print("runs, newest first:\n");
  fmt::print("  {:<20}  {:<7}  {:>5}  {:>6}  {}\n", "RAN AT", "OUTCOME", "POSTS", "ISSUE", "NOTE");
  for (const auto& run : *runs) {
    fmt::print("  {:<20}  {:<7}  {:>5}  {:>6}  {}\n", format_iso8601(run.ran_at),
               to_string(run.outcome), run.posts,
               run.issue_id ? std::to_string(*run.issue_id) : std::string("-"),
               run.note.empty() && run.scheduled_for ? "for " + format_iso8601(*run.scheduled_for)
                                                     : run.note);
  }
  return 0;
}

int run_digests_update(const GlobalOptions& global, std::int64_t id, const DigestInput& input) {
  auto opened = open_digest(global, id);
  if (!opened) {
    return fail(opened.error());
  }
  Store& store = *opened->runtime.store;
  auto sections = store.sections(opened->digest.list_id);
  if (!sections) {
    return fail(sections.error());
  }
  auto changes = digest_changes_from_input(input, opened->digest, *sections, global.data_dir);
  if (!changes) {
    return fail(changes.error());
  }
  auto updated = store.update_digest(id, *changes, system_clock_now());
  if (!updated) {
    return fail(updated.error());
  }
  fmt::print("updated digest {}\n", id);
  return 0;
}

int run_digests_rm(const GlobalOptions& global, std::int64_t id) {
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  if (auto removed = runtime->store->remove_digest(id); !removed) {
    return fail(removed.error());
  }
  fmt::print("removed digest {}; the issues its runs made stay\n", id);
  return 0;
}

int run_digests_run(const GlobalOptions& global, std::int64_t id) {
  IssueId issue = 0;
  {
    auto opened = open_digest(global, id);
    if (!opened) {
      return fail(opened.error());
    }
    DigestRuns runs(*opened->runtime.store);
    auto run = runs.run(opened->digest, system_clock_now(), std::nullopt);
    if (!run) {
      return fail(run.error());
    }
    switch (run->outcome) {
      case RunOutcome::skipped:
        fmt::print("skipped: {}\n", run->note);
        return 0;
      case RunOutcome::failed:
        return fail("the run failed: " + run->note);
      case RunOutcome::draft:
        fmt::print("{}\n", run->issue_id.value_or(0));
        fmt::print(stderr,
                   "issue {} holds {} post(s) and waits for review: preview it with `communique "
                   "render {} --to EMAIL`, send it with `communique send {}`\n",
                   run->issue_id.value_or(0), run->posts, run->issue_id.value_or(0),
                   run->issue_id.value_or(0));
        return 0;
      case RunOutcome::sent:
        break;
    }
    issue = run->issue_id.value_or(0);
    fmt::print("{}\n", issue);
    std::fflush(stdout);
  }
  // Sent here and now, exactly as `communique send --wait` does: a `serve` that took the
  // issue first is waited for, so the summary still comes last.
  return run_send(global, issue, true);
}

void add_digest_commands(CLI::App& app, CommandChoice& choice) {
  auto* digests = app.add_subcommand(
      "digests", "Digest definitions: a list's posts collected on a schedule into one issue");
  digests->require_subcommand(1);

  auto& create = choice.keep<DigestInput>();
  auto& create_list = choice.keep<std::string>();
  auto* create_cmd = digests->add_subcommand(
      "create", "Define a digest; prints its id. `communique serve` runs it when due");
  create_cmd->add_option("--list", create_list, "The list whose posts it collects")->required();
  create_cmd
      ->add_option_function<std::string>(
          "--name", [&create](const std::string& value) { create.name = value; },
          "Its name in the list, e.g. weekly")
      ->required();
  add_definition_options(*create_cmd, create, Form::create);
  choice.on(create_cmd, [&create, &create_list](const GlobalOptions& global) {
    return run_digests_create(global, create_list, create);
  });

  auto* ls = digests->add_subcommand("ls", "Show every digest with its next and last run");
  choice.on(ls, [](const GlobalOptions& global) { return run_digests_ls(global); });

  auto& shown = choice.keep<std::int64_t>(0);
  auto* show = digests->add_subcommand(
      "show", "Show a digest, its next run (in its zone and UTC) and its runs, newest first");
  show->add_option("ID", shown, "The digest")->required();
  choice.on(show,
            [&shown](const GlobalOptions& global) { return run_digests_show(global, shown); });

  auto& update = choice.keep<DigestInput>();
  auto& updated = choice.keep<std::int64_t>(0);
  auto* update_cmd = digests->add_subcommand("update", "Change a digest: only what is given");
  update_cmd->add_option("ID", updated, "The digest")->required();
  add_definition_options(*update_cmd, update, Form::update);
  choice.on(update_cmd, [&update, &updated](const GlobalOptions& global) {
    return run_digests_update(global, updated, update);
  });

  auto& removed = choice.keep<std::int64_t>(0);
  auto* rm = digests->add_subcommand("rm", "Remove a digest and its runs (its issues stay)");
  rm->add_option("ID", removed, "The digest")->required();
  choice.on(rm,
            [&removed](const GlobalOptions& global) { return run_digests_rm(global, removed); });

  auto& ran = choice.keep<std::int64_t>(0);
  auto* run = digests->add_subcommand(
      "run",
      "Run a digest now: prints its issue's id, then (unless it waits for review) sends it as "
      "`communique send` does and prints 'sent S, failed F, deferred D' last; with no new posts, "
      "prints 'skipped: no new posts since TIME' and sends nothing");
  run->add_option("ID", ran, "The digest")->required();
  choice.on(run, [&ran](const GlobalOptions& global) { return run_digests_run(global, ran); });
}

}  // namespace communique
