// The command groups of the `communique` binary: each adds its subcommands, their options
// and help to the parser from its own file, beside the commands it runs.
//
// Policy: a group decides its subcommands' names, options and help texts; what a command
// does is its run_* function's (commands.hpp); cli.cpp only builds the parser, dispatches
// to the chosen command and maps a wrong command line to exit code 2.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "app/commands.hpp"

namespace CLI {
class App;
}  // namespace CLI

namespace communique {

// What the parser chose, with the option values it filled: run_cli owns it, so that the
// values live until the chosen command has run.
class CommandChoice {
 public:
  using Command = std::function<int(const GlobalOptions&)>;

  // A value for the parser to fill, kept as long as this choice.
  template <typename T>
  T& keep(T initial = T{}) {
    auto held = std::make_shared<T>(std::move(initial));
    T& value = *held;
    held_.push_back(std::move(held));  // shared_ptr<void>: ownership of any type
    return value;
  }

  // Runs `command` if `subcommand` is the one given, once the whole line has parsed.
  void on(CLI::App* subcommand, Command command);
  // Chooses `command` (from a subcommand's own callback, after its checks).
  void choose(Command command) { command_ = std::move(command); }

  // The chosen command's exit code; 2 when none was chosen.
  int run(const GlobalOptions& global) const { return command_ ? command_(global) : 2; }

 private:
  std::vector<std::shared_ptr<void>> held_;
  Command command_;
};

// version, serve (server_commands.cpp).
void add_server_commands(CLI::App& app, CommandChoice& choice);
// users, tokens (account_commands.cpp).
void add_account_commands(CLI::App& app, CommandChoice& choice);
// settings saved | forget (settings_commands.cpp).
void add_settings_commands(CLI::App& app, CommandChoice& choice);
// lists, topics, import, export, subscribers (list_commands.cpp).
void add_list_commands(CLI::App& app, CommandChoice& choice);
// sections, posts (post_commands.cpp).
void add_post_commands(CLI::App& app, CommandChoice& choice);
// issues create | update | ls | show, render, dkim keygen (letter_commands.cpp).
void add_letter_commands(CLI::App& app, CommandChoice& choice);
// issues status | pause | resume | cancel | schedule, send (delivery_commands.cpp); after
// add_letter_commands, which makes `issues`.
void add_delivery_commands(CLI::App& app, CommandChoice& choice);
// digests create | ls | show | update | rm | run (digest_commands.cpp).
void add_digest_commands(CLI::App& app, CommandChoice& choice);
// feeds add | ls | poll | update | rm (feed_commands.cpp).
void add_feed_commands(CLI::App& app, CommandChoice& choice);
// bounces ingest (bounce_commands.cpp).
void add_bounce_commands(CLI::App& app, CommandChoice& choice);

}  // namespace communique
