#include "app/cli.hpp"

#include <CLI/CLI.hpp>

#include "app/command_groups.hpp"
#include "base/version.hpp"

namespace communique {

void CommandChoice::on(CLI::App* subcommand, Command command) {
  subcommand->callback([this, command = std::move(command)] { command_ = command; });
}

namespace {

// The global options as typed, before they become GlobalOptions.
struct GlobalArguments {
  std::string data_dir = GlobalOptions{}.data_dir.string();
  std::string config;
  std::string log_level;

  GlobalOptions options() const {
    GlobalOptions global;
    global.data_dir = data_dir;
    if (!config.empty()) {
      global.config = config;
    }
    if (!log_level.empty()) {
      global.log_level = log_level;
    }
    return global;
  }
};

// The program's description, its global options and the examples under its help.
void describe_program(CLI::App& app, GlobalArguments& global) {
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
  app.add_option("--data-dir", global.data_dir,
                 "Folder holding the database and mail (created when missing)")
      ->capture_default_str();
  app.add_option("--config", global.config,
                 "TOML configuration file; COMMUNIQUE_SECTION__KEY environment variables "
                 "override it")
      ->check(CLI::ExistingFile);
  app.add_option("--log-level", global.log_level, "trace, debug, info, warn, error or off");
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{
      "Communiqué: a self-hosted newsletter and digest platform.\n"
      "Collect posts, compose issues and digests, deliver them to subscribers, publish an "
      "archive.",
      "communique"};
  GlobalArguments global;
  describe_program(app, global);

  CommandChoice choice;
  add_server_commands(app, choice);
  add_account_commands(app, choice);
  add_settings_commands(app, choice);
  add_list_commands(app, choice);
  add_post_commands(app, choice);
  add_letter_commands(app, choice);
  add_delivery_commands(app, choice);
  add_digest_commands(app, choice);
  add_feed_commands(app, choice);
  add_bounce_commands(app, choice);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : 2;
  }
  return choice.run(global.options());
}

}  // namespace communique
