// Commands for lists and their members: lists, topics, import, export, subscribers.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/command_groups.hpp"
#include "app/progress_bar.hpp"
#include "app/runtime.hpp"
#include "base/text.hpp"
#include "transfer/exporter.hpp"
#include "transfer/importer.hpp"

namespace communique {

namespace {

std::string with_thousands(std::int64_t value) {
  std::string digits = std::to_string(value);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) {
    digits.insert(static_cast<std::size_t>(i), ",");
  }
  return digits;
}

std::string_view cadence_phrase(Cadence cadence) {
  switch (cadence) {
    case Cadence::immediate:
      return "as each is published";
    case Cadence::daily:
      return "in daily digests";
    case Cadence::weekly:
      return "in weekly digests";
    case Cadence::monthly:
      return "in monthly digests";
  }
  return "";
}

}  // namespace

int run_lists_create(const GlobalOptions& global, const ListCreateOptions& options) {
  auto name = validate_name(options.name, "list name");
  if (!name) {
    return fail(name.error());
  }
  auto title = validate_title(options.title);
  if (!title) {
    return fail(title.error());
  }
  auto description = validate_description(options.description);
  if (!description) {
    return fail(description.error());
  }
  auto opt_in = parse_opt_in(options.opt_in);
  if (!opt_in) {
    return fail("--optin must be single or double, not '" + options.opt_in + "'");
  }
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  auto created = runtime->store->create_list(
      NewList{.name = *name,
              .title = *title,
              .description = *description,
              .visibility =
                  options.is_private ? ListVisibility::private_list : ListVisibility::public_list,
              .opt_in = *opt_in},
      system_clock_now());
  if (!created) {
    return fail(created.error());
  }
  fmt::print("created list '{}' ({}, {} opt-in), shown to readers as \"{}\"\n", created->name,
             to_string(created->visibility), to_string(created->opt_in), created->display_name());
  return 0;
}

int run_lists_update(const GlobalOptions& global, const ListUpdateOptions& options) {
  if (!options.title && !options.description && !options.fallback_language && !options.cadence) {
    return fail("nothing to change: give --title, --description, --fallback-language or --cadence");
  }
  ListChanges changes;
  if (options.fallback_language) {
    auto language = normalise_language(*options.fallback_language);
    if (!language) {
      return fail("--fallback-language: " + language.error().message);
    }
    changes.fallback_language = *language;
  }
  if (options.cadence) {
    changes.default_cadence = parse_cadence(*options.cadence);
    if (!changes.default_cadence) {
      return fail("--cadence must be immediate, daily, weekly or monthly, not '" +
                  *options.cadence + "'");
    }
  }
  if (options.description) {
    auto description = validate_description(*options.description);
    if (!description) {
      return fail(description.error());
    }
    changes.description = *description;
  }
  if (options.title) {
    auto title = validate_title(*options.title);
    if (!title) {
      return fail(title.error());
    }
    changes.title = *title;
  }
  auto opened = open_list(global, options.name);
  if (!opened) {
    return fail(opened.error());
  }
  auto updated = opened->runtime.store->update_list(opened->list.id, changes, system_clock_now());
  if (!updated) {
    return fail(updated.error());
  }
  fmt::print(
      "updated list '{}', shown to readers as \"{}\"; posts reach its subscribers {} unless "
      "they chose otherwise, in {} when a post has no translation in their language\n",
      updated->name, updated->display_name(), cadence_phrase(updated->default_cadence),
      updated->fallback_language.empty() ? std::string("the language it was written in")
                                         : updated->fallback_language);
  return 0;
}

int run_lists_ls(const GlobalOptions& global, OutputFormat format) {
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  auto summaries = runtime->store->list_summaries();
  if (!summaries) {
    return fail(summaries.error());
  }
  if (format == OutputFormat::json) {
    nlohmann::json lists = nlohmann::json::array();
    for (const auto& s : *summaries) {
      lists.push_back({{"name", s.list.name},
                       {"title", s.list.title},
                       {"description", s.list.description},
                       {"visibility", to_string(s.list.visibility)},
                       {"optin", to_string(s.list.opt_in)},
                       {"confirmed", s.confirmed},
                       {"unconfirmed", s.unconfirmed},
                       {"unsubscribed", s.unsubscribed},
                       {"topics", s.topics},
                       {"fallback_language", s.list.fallback_language},
                       {"cadence", to_string(s.list.default_cadence)},
                       {"created_at", format_iso8601(s.list.created_at)}});
    }
    fmt::print("{}\n", lists.dump(2));
    return 0;
  }
  if (summaries->empty()) {
    fmt::print(stderr, "no lists yet; create one with: communique lists create NAME\n");
    return 0;
  }
  // Widths in code points, so that a title in Cyrillic lines up as one in Latin does.
  std::size_t width = 4;
  std::size_t title_width = 5;
  for (const auto& s : *summaries) {
    width = std::max(width, code_points(s.list.name));
    title_width = std::max(title_width, code_points(s.list.title));
  }
  const auto padded = [](const std::string& text, std::size_t to) {
    return text + std::string(to - std::min(to, code_points(text)), ' ');
  };
  fmt::print("{}  {}  {:<7}  {:<6}  {:>11}  {:>11}  {:>12}  {:>6}  {:<9}  {}\n",
             padded("NAME", width), padded("TITLE", title_width), "ACCESS", "OPT-IN", "CONFIRMED",
             "UNCONFIRMED", "UNSUBSCRIBED", "TOPICS", "CADENCE", "FALLBACK");
  for (const auto& s : *summaries) {
    fmt::print("{}  {}  {:<7}  {:<6}  {:>11}  {:>11}  {:>12}  {:>6}  {:<9}  {}\n",
               padded(s.list.name, width), padded(s.list.title, title_width),
               to_string(s.list.visibility), to_string(s.list.opt_in), s.confirmed, s.unconfirmed,
               s.unsubscribed, s.topics, to_string(s.list.default_cadence),
               s.list.fallback_language.empty() ? "-" : s.list.fallback_language);
  }
  return 0;
}

int run_topics_create(const GlobalOptions& global, const TopicCreateOptions& options) {
  auto name = validate_name(options.name, "topic name");
  if (!name) {
    return fail(name.error());
  }
  auto description = validate_description(options.description);
  if (!description) {
    return fail(description.error());
  }
  auto opened = open_list(global, options.list);
  if (!opened) {
    return fail(opened.error());
  }
  const auto& list = opened->list;
  auto topic =
      opened->runtime.store->create_topic(list.id, *name, *description, system_clock_now());
  if (!topic) {
    return fail(topic.error());
  }
  fmt::print("created topic '{}' in list '{}'\n", topic->name, list.name);
  return 0;
}

int run_topics_ls(const GlobalOptions& global, const std::string& list_name) {
  auto opened = open_list(global, list_name);
  if (!opened) {
    return fail(opened.error());
  }
  const auto& list = opened->list;
  auto topics = opened->runtime.store->topics(list.id);
  if (!topics) {
    return fail(topics.error());
  }
  if (topics->empty()) {
    fmt::print(stderr,
               "list '{}' has no topics; add one with: communique topics create --list "
               "'{}' NAME\n",
               list.name, list.name);
  }
  for (const auto& topic : *topics) {
    fmt::print("{}{}{}\n", topic.name, topic.description.empty() ? "" : "  ", topic.description);
  }
  return 0;
}

int run_import(const GlobalOptions& global, const ImportOptions& options) {
  ImportRequest request{.file = options.file, .list_name = options.list};
  if (options.mode == "upsert") {
    request.mode = ImportMode::upsert;
  } else if (options.mode == "skip") {
    request.mode = ImportMode::skip_existing;
  } else {
    return fail("--mode must be upsert or skip, not '" + options.mode + "'");
  }
  auto status = parse_subscription_status(options.status);
  if (!status || *status == SubscriptionStatus::unsubscribed) {
    return fail("--status must be confirmed or unconfirmed, not '" + options.status + "'");
  }
  request.status = *status;
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  Importer importer(*runtime->store, system_clock_now, runtime->settings.import);
  ProgressBar bar(stderr, "importing");
  auto summary = importer.run(request, [&](const ImportProgress& progress) {
    bar.update(progress.bytes_done, progress.bytes_total, with_thousands(progress.rows) + " rows");
  });
  bar.finish();
  if (!summary) {
    return fail(summary.error());
  }
  if (!summary->ignored_columns.empty()) {
    std::string names;
    for (const auto& column : summary->ignored_columns) {
      names += (names.empty() ? "" : ", ") + column;
    }
    fmt::print(stderr, "ignored read-only columns: {}\n", names);
  }
  if (summary->skipped > 0) {
    fmt::print(stderr, "skipped {} known address(es) (--mode skip)\n", summary->skipped);
  }
  if (summary->unsubscribed > 0 || summary->blocklisted > 0) {
    fmt::print(stderr,
               "kept out of '{}' as the file's status says: {} unsubscribed (recorded as having "
               "left), {} blocklisted (sent nothing on any list)\n",
               options.list, summary->unsubscribed, summary->blocklisted);
  }
  if (summary->rejected > 0) {
    fmt::print(stderr, "rejected rows, with line numbers and reasons: {}\n",
               summary->rejects_file.string());
  }
  fmt::print("imported {}, updated {}, rejected {}\n", summary->imported, summary->updated,
             summary->rejected);
  return 0;
}

int run_export(const GlobalOptions& global, const ExportOptions& options) {
  auto format = parse_export_format(options.format);
  if (!format) {
    return fail("--format must be csv or json, not '" + options.format + "'");
  }
  auto opened = open_list(global, options.list);
  if (!opened) {
    return fail(opened.error());
  }
  std::ios::sync_with_stdio(false);
  auto written = export_members(*opened->runtime.store, opened->list.id, *format, std::cout);
  if (!written) {
    return fail(written.error());
  }
  std::cout.flush();
  fmt::print(stderr,
             "exported {} member(s) of '{}', those who left included. 'status' is the address's "
             "(enabled or blocklisted), 'subscription' its standing on this list (confirmed, "
             "unconfirmed or unsubscribed){}\n",
             *written, options.list,
             *format == ExportFormat::csv
                 ? "; importing the file keeps the unsubscribed and blocklisted out."
                 : ".");
  return 0;
}

int run_subscribers_count(const GlobalOptions& global,
                          const std::optional<std::string>& list_name) {
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  std::optional<ListId> list_id;
  if (list_name) {
    auto list = runtime->store->find_list(*list_name);
    if (!list) {
      return fail(list.error());
    }
    list_id = list->id;
  }
  auto count = runtime->store->count_subscribers(list_id);
  if (!count) {
    return fail(count.error());
  }
  fmt::print("{}\n", *count);
  return 0;
}

int run_subscribers_show(const GlobalOptions& global, const std::string& email,
                         OutputFormat format) {
  auto address = EmailAddress::parse(email);
  if (!address) {
    return fail("'" + email + "' is not a valid address: " + address.error().message);
  }
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  auto subscriber = runtime->store->find_subscriber(*address);
  if (!subscriber) {
    return fail(subscriber.error());
  }
  auto subscriptions = runtime->store->subscriptions_of(subscriber->id);
  if (!subscriptions) {
    return fail(subscriptions.error());
  }
  auto topics = runtime->store->topics_of_subscriber(subscriber->id);
  if (!topics) {
    return fail(topics.error());
  }
  // The topics chosen on each list; none chosen means every topic of the list.
  const auto chosen_on = [&](ListId list) {
    std::vector<std::string> names;
    for (const auto& topic : *topics) {
      if (topic.list_id == list) {
        names.push_back(topic.name);
      }
    }
    return names;
  };
  if (format == OutputFormat::json) {
    nlohmann::json lists = nlohmann::json::array();
    for (const auto& s : *subscriptions) {
      lists.push_back({{"list", s.list_name},
                       {"status", to_string(s.status)},
                       {"topics", chosen_on(s.list_id)},
                       {"cadence", to_string(s.effective_cadence())},
                       {"cadence_chosen", s.cadence.has_value()}});
    }
    auto attributes = nlohmann::json::parse(subscriber->attributes_json, nullptr, false);
    nlohmann::json out{
        {"email", subscriber->email},
        {"name", subscriber->name},
        {"lang", subscriber->language},
        {"status", to_string(subscriber->status)},
        {"created_at", format_iso8601(subscriber->created_at)},
        {"updated_at", format_iso8601(subscriber->updated_at)},
        {"attributes", attributes.is_discarded() ? nlohmann::json::object() : attributes},
        {"lists", lists}};
    fmt::print("{}\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    return 0;
  }
  fmt::print("email:       {}\n", subscriber->email);
  fmt::print("name:        {}\n", subscriber->name);
  fmt::print("lang:        {}\n", subscriber->language);
  fmt::print("status:      {}\n", to_string(subscriber->status));
  fmt::print("created:     {}\n", format_iso8601(subscriber->created_at));
  fmt::print("updated:     {}\n", format_iso8601(subscriber->updated_at));
  fmt::print("attributes:  {}\n", subscriber->attributes_json);
  fmt::print("lists:{}\n", subscriptions->empty() ? "       (none)" : "");
  for (const auto& s : *subscriptions) {
    const auto chosen = chosen_on(s.list_id);
    fmt::print("  {} ({}), topics: {}, cadence: {}{}\n", s.list_name, to_string(s.status),
               chosen.empty() ? std::string("all") : fmt::format("{}", fmt::join(chosen, ", ")),
               to_string(s.effective_cadence()), s.cadence ? "" : " (the list's default)");
  }
  return 0;
}

namespace {

void add_lists(CLI::App& app, CommandChoice& choice) {
  auto* lists = app.add_subcommand("lists", "Create and list mailing lists");
  lists->require_subcommand(1);
  auto& create = choice.keep<ListCreateOptions>();
  auto* create_cmd = lists->add_subcommand("create", "Create a list");
  create_cmd->add_option("NAME", create.name, "Name of the list")->required();
  create_cmd->add_option("--title", create.title,
                         "What readers see (\"Press releases\"); without one, the name");
  create_cmd->add_option("--description", create.description, "What the list is for");
  create_cmd
      ->add_option("--optin", create.opt_in, "single, or double (new subscribers confirm by email)")
      ->check(CLI::IsMember({"single", "double"}))
      ->capture_default_str();
  create_cmd->add_flag("--private", create.is_private,
                       "Not offered on the public subscription form");
  choice.on(create_cmd,
            [&create](const GlobalOptions& global) { return run_lists_create(global, create); });
  auto& update = choice.keep<ListUpdateOptions>();
  auto* update_cmd =
      lists->add_subcommand("update",
                            "Change a list's title, description, fallback language or default "
                            "cadence (the name stays)");
  update_cmd->add_option("NAME", update.name, "Name of the list")->required();
  update_cmd->add_option("--title", update.title,
                         "What readers see; an empty title shows the list by its name");
  update_cmd->add_option("--description", update.description, "What the list is for");
  update_cmd->add_option("--fallback-language", update.fallback_language,
                         "The translation of a post sent to a reader whose language it has "
                         "none in (ru, en...); '' sends the post as written");
  update_cmd
      ->add_option("--cadence", update.cadence,
                   "How its subscribers who chose none receive posts: immediate, daily, weekly "
                   "or monthly")
      ->check(CLI::IsMember({"immediate", "daily", "weekly", "monthly"}));
  choice.on(update_cmd,
            [&update](const GlobalOptions& global) { return run_lists_update(global, update); });
  auto& json = choice.keep<bool>(false);
  auto* ls = lists->add_subcommand("ls", "Show every list with its member counts");
  ls->add_flag("--json", json, "Print JSON instead of a table");
  choice.on(ls, [&json](const GlobalOptions& global) {
    return run_lists_ls(global, json ? OutputFormat::json : OutputFormat::text);
  });

  auto* topics = app.add_subcommand("topics", "Create and list the topics of a list");
  topics->require_subcommand(1);
  auto& topic = choice.keep<TopicCreateOptions>();
  auto* topic_cmd = topics->add_subcommand("create", "Add a topic to a list");
  topic_cmd->add_option("--list", topic.list, "The list")->required();
  topic_cmd->add_option("NAME", topic.name, "Name of the topic")->required();
  topic_cmd->add_option("--description", topic.description, "What it covers");
  choice.on(topic_cmd,
            [&topic](const GlobalOptions& global) { return run_topics_create(global, topic); });
  auto& list = choice.keep<std::string>();
  auto* topics_ls = topics->add_subcommand("ls", "Show the topics of a list");
  topics_ls->add_option("--list", list, "The list")->required();
  choice.on(topics_ls,
            [&list](const GlobalOptions& global) { return run_topics_ls(global, list); });
}

void add_import_and_export(CLI::App& app, CommandChoice& choice) {
  auto& import = choice.keep<ImportOptions>();
  auto& file = choice.keep<std::string>();
  auto* import_cmd = app.add_subcommand(
      "import",
      "Import subscribers from a CSV file (header row: email, and optionally name, lang, "
      "attributes, status, subscription, topics (names of the list's topics separated by "
      "';'), cadence (immediate, daily, weekly or monthly), or any other column as an "
      "attribute). A status or "
      "subscription of 'unsubscribed' records the person as having left the list, and "
      "'blocklisted' blocklists the address (sent nothing on any list), even with --mode skip. "
      "Prints "
      "'imported N, updated U, rejected R'; rejected rows go to FILE.rejects.csv with line "
      "numbers and reasons.");
  import_cmd->add_option("--list", import.list, "The list to subscribe them to")->required();
  import_cmd->add_option("FILE", file, "The CSV file (RFC 4180, UTF-8)")
      ->required()
      ->check(CLI::ExistingFile);
  import_cmd
      ->add_option("--mode", import.mode,
                   "upsert: update known addresses; skip: leave them as they are")
      ->check(CLI::IsMember({"upsert", "skip"}))
      ->capture_default_str();
  import_cmd
      ->add_option("--status", import.status,
                   "Status of new subscriptions: confirmed or unconfirmed")
      ->check(CLI::IsMember({"confirmed", "unconfirmed"}))
      ->capture_default_str();
  choice.on(import_cmd, [&import, &file](const GlobalOptions& global) {
    import.file = file;
    return run_import(global, import);
  });

  auto& exported = choice.keep<ExportOptions>();
  auto* export_cmd = app.add_subcommand(
      "export",
      "Write a list's members to standard output (CSV or JSON), those who left included. "
      "Columns: email, name, lang, status (the address: enabled or blocklisted), "
      "subscription (on this list: confirmed, unconfirmed or unsubscribed), topics (chosen "
      "on this list, separated by ';'), cadence (chosen; empty: the list's default), "
      "created_at, updated_at, attributes. Importing the file elsewhere keeps the unsubscribed and "
      "blocklisted out.");
  export_cmd->add_option("--list", exported.list, "The list")->required();
  export_cmd->add_option("--format", exported.format, "csv or json")
      ->check(CLI::IsMember({"csv", "json"}))
      ->capture_default_str();
  choice.on(export_cmd,
            [&exported](const GlobalOptions& global) { return run_export(global, exported); });
}

void add_subscribers(CLI::App& app, CommandChoice& choice) {
  auto* subscribers = app.add_subcommand("subscribers", "Count and look up subscribers");
  subscribers->require_subcommand(1);
  auto& list = choice.keep<std::string>();
  auto* count = subscribers->add_subcommand(
      "count", "Print the number of subscribers (of a list: those who have not unsubscribed)");
  count->add_option("--list", list, "Count the members of this list only");
  choice.on(count, [&list](const GlobalOptions& global) {
    return run_subscribers_count(global,
                                 list.empty() ? std::nullopt : std::optional<std::string>(list));
  });
  auto& email = choice.keep<std::string>();
  auto& json = choice.keep<bool>(false);
  auto* show = subscribers->add_subcommand("show", "Show one subscriber and their lists");
  show->add_option("EMAIL", email, "The subscriber's address")->required();
  show->add_flag("--json", json, "Print JSON");
  choice.on(show, [&email, &json](const GlobalOptions& global) {
    return run_subscribers_show(global, email, json ? OutputFormat::json : OutputFormat::text);
  });
}

}  // namespace

void add_list_commands(CLI::App& app, CommandChoice& choice) {
  add_lists(app, choice);
  add_import_and_export(app, choice);
  add_subscribers(app, choice);
}

}  // namespace communique
