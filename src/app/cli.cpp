#include "app/cli.hpp"

#include <CLI/CLI.hpp>

#include <functional>

#include "app/commands.hpp"
#include "base/version.hpp"

namespace communique {

int run_cli(int argc, char** argv) {
  CLI::App app{
      "Communiqué: a self-hosted newsletter and digest platform.\n"
      "Collect posts, compose issues and digests, deliver them to subscribers, publish an "
      "archive.",
      "communique"};
  app.require_subcommand(1);
  app.fallthrough();
  // `communique --version` as every tool answers it, and `communique version` as before.
  app.set_version_flag("--version", "communique " + std::string(version()),
                       "Print the version and exit");
  app.footer(
      "Examples:\n"
      "  communique lists create press --optin double\n"
      "  communique import --list press subscribers.csv\n"
      "  communique users add alice --role admin      (then type the password)\n"
      "  communique serve --listen 127.0.0.1:8080\n"
      "Run 'communique COMMAND --help' for a command's options.");

  GlobalOptions global;
  std::string data_dir = global.data_dir.string();
  std::string config;
  std::string log_level;
  app.add_option("--data-dir", data_dir,
                 "Folder holding the database and mail (created when missing)")
      ->capture_default_str();
  app.add_option("--config", config,
                 "TOML configuration file; COMMUNIQUE_SECTION__KEY environment variables "
                 "override it")
      ->check(CLI::ExistingFile);
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off");

  std::function<int()> command;

  app.add_subcommand("version", "Print the version")->callback([&] {
    command = [] { return run_version(); };
  });

  ServeOptions serve;
  auto* serve_cmd = app.add_subcommand("serve", "Run the HTTP server until SIGINT or SIGTERM");
  serve_cmd->add_option("--listen", serve.listen,
                        "HOST:PORT to listen on (default 127.0.0.1:8080; port 0 picks one)");
  serve_cmd->callback([&] { command = [&] { return run_serve(global, serve); }; });

  auto* users = app.add_subcommand("users", "Manage the people who run this installation");
  users->require_subcommand(1);
  std::string user_name;
  std::string user_role = "editor";
  auto* users_add = users->add_subcommand(
      "add", "Add a user; the password (10+ characters) is read from standard input");
  users_add->add_option("NAME", user_name, "Sign-in name (letters, digits, . _ - @)")->required();
  users_add->add_option("--role", user_role, "admin, editor or viewer (default editor)")
      ->check(CLI::IsMember({"admin", "editor", "viewer"}));
  users_add->callback(
      [&] { command = [&] { return run_users_add(global, user_name, user_role); }; });
  auto* users_passwd = users->add_subcommand(
      "passwd",
      "Set a user's password from standard input; ends all their sessions and revokes their "
      "API tokens");
  users_passwd->add_option("NAME", user_name, "The user")->required();
  bool keep_tokens = false;
  users_passwd->add_flag("--keep-tokens", keep_tokens,
                         "Keep the user's API tokens (only if none can have leaked)");
  users_passwd->callback([&] {
    command = [&] {
      return run_users_passwd(global, user_name,
                              keep_tokens ? ExistingTokens::keep : ExistingTokens::revoke);
    };
  });
  users->add_subcommand("ls", "List users and their roles")->callback([&] {
    command = [&] { return run_users_ls(global); };
  });

  auto* tokens = app.add_subcommand("tokens", "API tokens (Authorization: Bearer) for programs");
  tokens->require_subcommand(1);
  std::string token_user;
  std::string token_name;
  auto* tokens_create =
      tokens->add_subcommand("create", "Make a token acting as a user; prints its secret once");
  tokens_create->add_option("NAME", token_name, "What the token is for")->required();
  tokens_create->add_option("--user", token_user, "The user it acts as")->required();
  tokens_create->callback(
      [&] { command = [&] { return run_tokens_create(global, token_user, token_name); }; });
  auto* tokens_ls =
      tokens->add_subcommand("ls", "List a user's tokens and when each was last used");
  tokens_ls->add_option("--user", token_user, "Whose tokens")->required();
  tokens_ls->callback([&] { command = [&] { return run_tokens_ls(global, token_user); }; });
  std::int64_t token_id = 0;
  auto* tokens_revoke =
      tokens->add_subcommand("revoke", "Revoke a token: programs using it are refused at once");
  tokens_revoke->add_option("ID", token_id, "The token's id (from `tokens ls`)")->required();
  tokens_revoke->add_option("--user", token_user, "Whose token it is")->required();
  tokens_revoke->callback(
      [&] { command = [&] { return run_tokens_revoke(global, token_user, token_id); }; });

  auto* settings_cmd =
      app.add_subcommand("settings", "The settings saved through the API (PATCH /api/v1/settings)");
  settings_cmd->require_subcommand(1);
  settings_cmd
      ->add_subcommand("saved", "Show the saved settings, which apply over the configuration file")
      ->callback([&] { command = [&] { return run_settings_saved(global); }; });
  std::vector<std::string> forget_names;
  auto* settings_forget = settings_cmd->add_subcommand(
      "forget", "Remove saved settings (the file's values apply again from the next start)");
  settings_forget->add_option("NAME", forget_names, "A saved setting, such as smtp.host")
      ->required();
  settings_forget->callback(
      [&] { command = [&] { return run_settings_forget(global, forget_names); }; });

  auto* lists = app.add_subcommand("lists", "Create and list mailing lists");
  lists->require_subcommand(1);
  ListCreateOptions list_create;
  auto* lists_create = lists->add_subcommand("create", "Create a list");
  lists_create->add_option("NAME", list_create.name, "Name of the list")->required();
  lists_create->add_option("--description", list_create.description, "What the list is for");
  lists_create
      ->add_option("--optin", list_create.opt_in,
                   "single, or double (new subscribers confirm by email)")
      ->check(CLI::IsMember({"single", "double"}))
      ->capture_default_str();
  lists_create->add_flag("--private", list_create.is_private,
                         "Not offered on the public subscription form");
  lists_create->callback([&] { command = [&] { return run_lists_create(global, list_create); }; });
  bool lists_json = false;
  auto* lists_ls = lists->add_subcommand("ls", "Show every list with its member counts");
  lists_ls->add_flag("--json", lists_json, "Print JSON instead of a table");
  lists_ls->callback([&] {
    command = [&] {
      return run_lists_ls(global, lists_json ? OutputFormat::json : OutputFormat::text);
    };
  });

  auto* topics = app.add_subcommand("topics", "Create and list the topics of a list");
  topics->require_subcommand(1);
  TopicCreateOptions topic_create;
  auto* topics_create = topics->add_subcommand("create", "Add a topic to a list");
  topics_create->add_option("--list", topic_create.list, "The list")->required();
  topics_create->add_option("NAME", topic_create.name, "Name of the topic")->required();
  topics_create->add_option("--description", topic_create.description, "What it covers");
  topics_create->callback(
      [&] { command = [&] { return run_topics_create(global, topic_create); }; });
  std::string topics_list;
  auto* topics_ls = topics->add_subcommand("ls", "Show the topics of a list");
  topics_ls->add_option("--list", topics_list, "The list")->required();
  topics_ls->callback([&] { command = [&] { return run_topics_ls(global, topics_list); }; });

  ImportOptions import;
  std::string import_file;
  auto* import_cmd = app.add_subcommand(
      "import",
      "Import subscribers from a CSV file (header row: email, and optionally name, lang, "
      "attributes, or any other column as an attribute). Prints 'imported N, updated U, "
      "rejected R'; rejected rows go to FILE.rejects.csv with line numbers and reasons.");
  import_cmd->add_option("--list", import.list, "The list to subscribe them to")->required();
  import_cmd->add_option("FILE", import_file, "The CSV file (RFC 4180, UTF-8)")
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
  import_cmd->callback([&] {
    import.file = import_file;
    command = [&] { return run_import(global, import); };
  });

  ExportOptions export_options;
  auto* export_cmd =
      app.add_subcommand("export", "Write a list's members to standard output (CSV or JSON)");
  export_cmd->add_option("--list", export_options.list, "The list")->required();
  export_cmd->add_option("--format", export_options.format, "csv or json")
      ->check(CLI::IsMember({"csv", "json"}))
      ->capture_default_str();
  export_cmd->callback([&] { command = [&] { return run_export(global, export_options); }; });

  auto* subscribers = app.add_subcommand("subscribers", "Count and look up subscribers");
  subscribers->require_subcommand(1);
  std::string count_list;
  auto* count_cmd = subscribers->add_subcommand(
      "count", "Print the number of subscribers (of a list: those who have not unsubscribed)");
  count_cmd->add_option("--list", count_list, "Count the members of this list only");
  count_cmd->callback([&] {
    command = [&] {
      return run_subscribers_count(
          global, count_list.empty() ? std::nullopt : std::optional<std::string>(count_list));
    };
  });
  std::string show_email;
  bool show_json = false;
  auto* show_cmd = subscribers->add_subcommand("show", "Show one subscriber and their lists");
  show_cmd->add_option("EMAIL", show_email, "The subscriber's address")->required();
  show_cmd->add_flag("--json", show_json, "Print JSON");
  show_cmd->callback([&] {
    command = [&] {
      return run_subscribers_show(global, show_email,
                                  show_json ? OutputFormat::json : OutputFormat::text);
    };
  });

  auto* issues = app.add_subcommand("issues", "Create and inspect issues (campaigns)");
  issues->require_subcommand(1);
  IssueCreateOptions issue_create;
  auto* issues_create =
      issues->add_subcommand("create",
                             "Create a draft issue from a Markdown (or HTML) file; "
                             "prints its id");
  issues_create->add_option("--list", issue_create.lists, "A list it goes to (repeatable)")
      ->required();
  issues_create->add_option("--subject", issue_create.subject, "The subject line")->required();
  issues_create->add_option("--body", issue_create.body, "The body: a Markdown file")
      ->required()
      ->check(CLI::ExistingFile);
  issues_create->add_option("--format", issue_create.format, "markdown or html")
      ->check(CLI::IsMember({"markdown", "html"}))
      ->capture_default_str();
  issues_create
      ->add_option("--template", issue_create.template_name,
                   "Letter template: default, or NAME for DATA_DIR/templates/NAME.html "
                   "and NAME.txt")
      ->capture_default_str();
  issues_create->add_option("--lang", issue_create.language, "Language of the issue (en, fr...)");
  issues_create->add_option("--from-name", issue_create.from_name, "Sender name for this issue");
  issues_create->add_option("--from-address", issue_create.from_address,
                            "Sender address for this issue");
  issues_create->add_option("--reply-to", issue_create.reply_to, "Reply-To for this issue");
  issues_create->add_flag_callback(
      "--no-archive", [&] { issue_create.archive = false; },
      "Keep it out of the public archive (which shows only issues to public lists)");
  issues_create->callback(
      [&] { command = [&] { return run_issues_create(global, issue_create); }; });
  IssueUpdateOptions issue_update;
  auto* issues_update =
      issues->add_subcommand("update", "Change an issue in any state: whether it is archived");
  issues_update->add_option("ID", issue_update.issue, "The issue's id")->required();
  auto* archive_flag = issues_update->add_flag_callback(
      "--archive", [&] { issue_update.archive = true; },
      "Let the public archive show it (if every list is public)");
  auto* no_archive_flag = issues_update->add_flag_callback(
      "--no-archive", [&] { issue_update.archive = false; }, "Keep it out of the public archive");
  archive_flag->excludes(no_archive_flag);
  issues_update->callback([&, archive_flag, no_archive_flag] {
    if (archive_flag->count() + no_archive_flag->count() == 0) {
      throw CLI::RequiredError("--archive or --no-archive");
    }
    command = [&] { return run_issues_update(global, issue_update); };
  });
  bool issues_json = false;
  auto* issues_ls = issues->add_subcommand("ls", "Show every issue, newest first");
  issues_ls->add_flag("--json", issues_json, "Print JSON");
  issues_ls->callback([&] {
    command = [&] {
      return run_issues_ls(global, issues_json ? OutputFormat::json : OutputFormat::text);
    };
  });
  std::int64_t show_issue = 0;
  auto* issues_show = issues->add_subcommand("show", "Show one issue and its body");
  issues_show->add_option("ID", show_issue, "The issue's id")->required();
  issues_show->callback([&] { command = [&] { return run_issues_show(global, show_issue); }; });

  std::int64_t status_issue = 0;
  auto* issues_status = issues->add_subcommand(
      "status", "Print the delivery counts: queued Q, sending N, sent S, deferred D, failed F");
  issues_status->add_option("ID", status_issue, "The issue's id")->required();
  issues_status->callback(
      [&] { command = [&] { return run_issues_status(global, status_issue); }; });

  std::int64_t control_issue = 0;
  const std::pair<const char*, IssueControl> controls[] = {{"pause", IssueControl::pause},
                                                           {"resume", IssueControl::resume},
                                                           {"cancel", IssueControl::cancel}};
  const char* control_help[] = {"Pause a sending or scheduled issue (between two windows)",
                                "Resume a paused issue", "Cancel an issue: nobody else gets it"};
  for (std::size_t i = 0; i < 3; ++i) {
    auto* sub = issues->add_subcommand(controls[i].first, control_help[i]);
    sub->add_option("ID", control_issue, "The issue's id")->required();
    const IssueControl control = controls[i].second;
    sub->callback([&, control] {
      command = [&, control] { return run_issues_control(global, control_issue, control); };
    });
  }
  auto* schedule_cmd =
      issues->add_subcommand("schedule", "Schedule an issue; `communique serve` sends it when due");
  ScheduleOptions schedule;
  schedule_cmd->add_option("ID", schedule.issue, "The issue's id")->required();
  auto* at_option = schedule_cmd->add_option(
      "--at", schedule.at, "When, to come: 2030-12-01T09:00Z, or \"2030-12-01 09:00\" (UTC)");
  auto* now_flag = schedule_cmd->add_flag("--now", schedule.now, "Due at once: `serve` sends it");
  at_option->excludes(now_flag);
  schedule_cmd->add_option("--expire-after", schedule.expire_after,
                           "Do not send if found this late after downtime (30m, 6h, 2d)");
  schedule_cmd->callback([&, at_option, now_flag] {
    if (at_option->count() + now_flag->count() == 0) {
      throw CLI::RequiredError("--at or --now");
    }
    command = [&] { return run_issues_schedule(global, schedule); };
  });

  std::int64_t send_issue = 0;
  bool send_wait = false;
  auto* send_cmd = app.add_subcommand(
      "send",
      "Send an issue to every confirmed subscriber of its lists, through the configured "
      "transport: the outbox Maildir under the data directory unless [delivery] transport = "
      "\"smtp\" names the relays of [smtp] (the run ends saying which). Resumable: run it "
      "again after a stop or crash. Prints what this run did as 'sent S, failed F, deferred "
      "D'. Exits 1 on an error (or while another runner sends the issue, saying which), 3 "
      "when nothing could be sent and letters wait to be retried.");
  send_cmd->add_option("ISSUE", send_issue, "The issue's id")->required();
  send_cmd->add_flag("--wait", send_wait,
                     "If another runner is sending the issue, wait for it to finish, then go on");
  send_cmd->callback([&] { command = [&] { return run_send(global, send_issue, send_wait); }; });

  RenderOptions render;
  auto* render_cmd = app.add_subcommand(
      "render", "Print the exact bytes of the letter ISSUE would send to one subscriber");
  render_cmd->add_option("ISSUE", render.issue, "The issue's id")->required();
  render_cmd->add_option("--to", render.to, "The subscriber's address")->required();
  render_cmd->callback([&] { command = [&] { return run_render(global, render); }; });

  auto* dkim = app.add_subcommand("dkim", "DKIM keys for signing letters");
  dkim->require_subcommand(1);
  DkimKeygenOptions keygen;
  auto* keygen_cmd = dkim->add_subcommand(
      "keygen", "Make a key under DATA_DIR/dkim and print the DNS TXT record to publish");
  keygen_cmd->add_option("--domain", keygen.domain, "The signing domain (d=)")->required();
  keygen_cmd->add_option("--selector", keygen.selector, "The selector (s=)")->required();
  keygen_cmd->add_option("--algorithm", keygen.algorithm, "rsa (2048 bits) or ed25519")
      ->check(CLI::IsMember({"rsa", "ed25519"}))
      ->capture_default_str();
  keygen_cmd->callback([&] { command = [&] { return run_dkim_keygen(global, keygen); }; });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : 2;
  }
  global.data_dir = data_dir;
  if (!config.empty()) {
    global.config = config;
  }
  if (!log_level.empty()) {
    global.log_level = log_level;
  }
  return command ? command() : 2;
}

}  // namespace communique
