// users add | passwd | ls, tokens create | ls | revoke: accounts from the command line, for the
// first admin and for scripts.
#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <iostream>

#include <CLI/CLI.hpp>
#include "accounts/accounts.hpp"

#include "app/command_groups.hpp"
#include "app/runtime.hpp"

namespace communique {

namespace {

// One line of standard input, without echo when it is a terminal.
Result<std::string> read_password(const char* prompt) {
  const bool terminal = isatty(STDIN_FILENO) != 0;
  termios saved{};
  if (terminal) {
    fmt::print(stderr, "{}", prompt);
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (terminal) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    fmt::print(stderr, "\n");
  }
  if (!got) {
    return make_error(ErrorCode::invalid_input,
                      "no password on standard input; type it, or pipe it: "
                      "printf '%s\\n' \"$PASSWORD\" | communique users ...");
  }
  if (!line.empty() && line.back() == '\r') {
    line.pop_back();
  }
  return line;
}

}  // namespace

int run_users_add(const GlobalOptions& global, const std::string& name, const std::string& role) {
  auto parsed_role = parse_role(role);
  if (!parsed_role) {
    return fail("--role must be admin, editor or viewer, not '" + role + "'");
  }
  auto password = read_password("Password for the new user: ");
  if (!password) {
    return fail(password.error());
  }
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  Accounts accounts(*runtime->store);
  auto user = accounts.add_user(name, *parsed_role, *password, system_clock_now());
  if (!user) {
    return fail(user.error());
  }
  fmt::print("user {} ({}) added with id {}\n", user->name, to_string(user->role), user->id);
  return 0;
}

int run_users_passwd(const GlobalOptions& global, const std::string& name, ExistingTokens tokens) {
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  auto user = runtime->store->find_user(name);
  if (!user) {
    return fail(user.error().message + "; see them with: communique users ls");
  }
  auto password = read_password("New password: ");
  if (!password) {
    return fail(password.error());
  }
  Accounts accounts(*runtime->store);
  auto revoked = accounts.change_password(user->user.id, *password, tokens, system_clock_now());
  if (!revoked) {
    return fail(revoked.error());
  }
  fmt::print("password of {} changed; every session of theirs has ended\n", user->user.name);
  if (tokens == ExistingTokens::keep) {
    fmt::print("their API tokens were kept (--keep-tokens)\n");
  } else {
    fmt::print("revoked {} API token{} of {}\n", *revoked, *revoked == 1 ? "" : "s",
               user->user.name);
  }
  return 0;
}

int run_users_ls(const GlobalOptions& global) {
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  auto users = runtime->store->users();
  if (!users) {
    return fail(users.error());
  }
  fmt::print("{:>4}  {:<24} {}\n", "ID", "NAME", "ROLE");
  for (const auto& user : *users) {
    fmt::print("{:>4}  {:<24} {}\n", user.id, user.name, to_string(user.role));
  }
  return 0;
}

namespace {

// The runtime and the user named `user_name`, for the token commands.
Result<std::pair<Runtime, User>> open_user(const GlobalOptions& global,
                                           const std::string& user_name) {
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return std::move(runtime).error();
  }
  auto user = runtime->store->find_user(user_name);
  if (!user) {
    return make_error(user.error().code, user.error().message +
                                             "; `communique users ls` lists the users, and "
                                             "`communique users add NAME` adds one");
  }
  return std::pair(std::move(*runtime), user->user);
}

}  // namespace

int run_tokens_ls(const GlobalOptions& global, const std::string& user_name) {
  auto opened = open_user(global, user_name);
  if (!opened) {
    return fail(opened.error());
  }
  auto& [runtime, user] = *opened;
  auto tokens = runtime.store->api_tokens(user.id);
  if (!tokens) {
    return fail(tokens.error());
  }
  if (tokens->empty()) {
    fmt::print(stderr, "{} has no API token; `communique tokens create NAME --user {}` makes one\n",
               user.name, user.name);
    return 0;
  }
  fmt::print("{:>4}  {:<24} {:<20} {}\n", "ID", "NAME", "CREATED", "LAST USED");
  for (const auto& token : *tokens) {
    fmt::print("{:>4}  {:<24} {:<20} {}\n", token.id, token.name, format_iso8601(token.created_at),
               token.last_used_at ? format_iso8601(*token.last_used_at) : "never");
  }
  return 0;
}

int run_tokens_revoke(const GlobalOptions& global, const std::string& user_name, std::int64_t id) {
  auto opened = open_user(global, user_name);
  if (!opened) {
    return fail(opened.error());
  }
  auto& [runtime, user] = *opened;
  if (auto revoked = runtime.store->delete_api_token(user.id, id); !revoked) {
    return fail(revoked.error().code == ErrorCode::not_found
                    ? fmt::format("{} has no token {}; `communique tokens ls --user {}` lists "
                                  "their tokens",
                                  user.name, id, user.name)
                    : revoked.error().message);
  }
  fmt::print("token {} of {} revoked: programs using it are refused from now on\n", id, user.name);
  return 0;
}

int run_tokens_create(const GlobalOptions& global, const std::string& user_name,
                      const std::string& name) {
  auto opened = open_user(global, user_name);
  if (!opened) {
    return fail(opened.error());
  }
  auto& [runtime, user] = *opened;
  Accounts accounts(*runtime.store);
  auto token = accounts.create_api_token(user.id, name, system_clock_now());
  if (!token) {
    return fail(token.error());
  }
  fmt::print(stderr, "token {} for {}; it is shown once, keep it secret:\n", token->token.id,
             user.name);
  fmt::print("{}\n", token->secret);
  return 0;
}

namespace {

void add_users(CLI::App& app, CommandChoice& choice) {
  auto* users = app.add_subcommand("users", "Manage the people who run this installation");
  users->require_subcommand(1);
  auto& name = choice.keep<std::string>();
  auto& role = choice.keep<std::string>("editor");
  auto* add = users->add_subcommand(
      "add", "Add a user; the password (10+ characters) is read from standard input");
  add->add_option("NAME", name, "Sign-in name (letters, digits, . _ - @)")->required();
  add->add_option("--role", role, "admin, editor or viewer (default editor)")
      ->check(CLI::IsMember({"admin", "editor", "viewer"}));
  choice.on(add, [&](const GlobalOptions& global) { return run_users_add(global, name, role); });
  auto* passwd = users->add_subcommand(
      "passwd",
      "Set a user's password from standard input; ends all their sessions and revokes their "
      "API tokens");
  passwd->add_option("NAME", name, "The user")->required();
  auto& keep_tokens = choice.keep<bool>(false);
  passwd->add_flag("--keep-tokens", keep_tokens,
                   "Keep the user's API tokens (only if none can have leaked)");
  choice.on(passwd, [&](const GlobalOptions& global) {
    return run_users_passwd(global, name,
                            keep_tokens ? ExistingTokens::keep : ExistingTokens::revoke);
  });
  choice.on(users->add_subcommand("ls", "List users and their roles"),
            [](const GlobalOptions& global) { return run_users_ls(global); });
}

void add_tokens(CLI::App& app, CommandChoice& choice) {
  auto* tokens = app.add_subcommand("tokens", "API tokens (Authorization: Bearer) for programs");
  tokens->require_subcommand(1);
  auto& user = choice.keep<std::string>();
  auto& name = choice.keep<std::string>();
  auto* create =
      tokens->add_subcommand("create", "Make a token acting as a user; prints its secret once");
  create->add_option("NAME", name, "What the token is for")->required();
  create->add_option("--user", user, "The user it acts as")->required();
  choice.on(create,
            [&](const GlobalOptions& global) { return run_tokens_create(global, user, name); });
  auto* ls = tokens->add_subcommand("ls", "List a user's tokens and when each was last used");
  ls->add_option("--user", user, "Whose tokens")->required();
  choice.on(ls, [&](const GlobalOptions& global) { return run_tokens_ls(global, user); });
  auto& id = choice.keep<std::int64_t>(0);
  auto* revoke =
      tokens->add_subcommand("revoke", "Revoke a token: programs using it are refused at once");
  revoke->add_option("ID", id, "The token's id (from `tokens ls`)")->required();
  revoke->add_option("--user", user, "Whose token it is")->required();
  choice.on(revoke,
            [&](const GlobalOptions& global) { return run_tokens_revoke(global, user, id); });
}

}  // namespace

void add_account_commands(CLI::App& app, CommandChoice& choice) {
  add_users(app, choice);
  add_tokens(app, choice);
}

}  // namespace communique
