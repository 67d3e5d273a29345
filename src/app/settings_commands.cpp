// Settings saved through the API: saving them (what PATCH /api/v1/settings calls) and the
// commands that show and forget them.
#include <fmt/format.h>

#include <mutex>

#include <CLI/CLI.hpp>

#include "app/command_groups.hpp"
#include "app/runtime.hpp"
#include "app/settings.hpp"

namespace communique {

namespace {

// A secret's value is never printed, here as in the API.
bool is_secret(const std::string& name) {
  return name.ends_with("password") || name.ends_with("_key");
}

// The store, opened whether or not the saved settings fit the file, and what it saved.
Result<std::pair<Runtime, std::map<std::string, std::string>>> open_saved(
    const GlobalOptions& global) {
  auto runtime = open_runtime(global, Verbosity::quiet, SavedSettings::ignore);
  if (!runtime) {
    return std::move(runtime).error();
  }
  auto saved = runtime->store->saved_settings();
  if (!saved) {
    return std::move(saved).error();
  }
  return std::pair(std::move(*runtime), std::move(*saved));
}

}  // namespace

Result<std::string> save_settings(const GlobalOptions& global, Store& store,
                                  const SettingsChanges& changes, Timestamp now) {
  // One change at a time: each is checked against what the one before saved.
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  for (const auto& [name, value] : changes) {
    if (!settable_through_api(name)) {
      return make_error(ErrorCode::invalid_input,
                        name +
                            " is not a setting the API changes: it can change sender, "
                            "delivery, smtp, limits and dkim settings; the others are read "
                            "from the configuration file at start");
    }
  }
  auto saved = store.saved_settings();
  if (!saved) {
    return std::move(saved).error();
  }
  for (const auto& [name, value] : changes) {
    if (value) {
      (*saved)[name] = *value;
    } else {
      saved->erase(name);
    }
  }
  auto settings = load_settings(global.config, process_environment(), *saved);
  if (!settings) {
    return make_error(ErrorCode::invalid_input, settings.error().message);
  }
  // What the server makes from them at start, made once here: a key file that cannot be
  // read or a relay's CA file would otherwise stop it.
  if (auto signers = make_dkim_signers(global, *settings); !signers) {
    return make_error(ErrorCode::invalid_input, signers.error().message);
  }
  if (auto transport = make_transport(global, *settings); !transport) {
    return make_error(ErrorCode::invalid_input, transport.error().message);
  }
  if (auto stored = store.change_saved_settings(changes, now); !stored) {
    return std::move(stored).error();
  }
  return describe_settings(*settings);
}

int run_settings_saved(const GlobalOptions& global) {
  auto opened = open_saved(global);
  if (!opened) {
    return fail(opened.error());
  }
  const auto& saved = opened->second;
  if (saved.empty()) {
    fmt::print(stderr,
               "no settings are saved through the API: the configuration file and "
               "the environment apply\n");
    return 0;
  }
  for (const auto& [name, value] : saved) {
    fmt::print("{} = {}\n", name, is_secret(name) ? "(set)" : value);
  }
  return 0;
}

int run_settings_forget(const GlobalOptions& global, const std::vector<std::string>& names) {
  auto opened = open_saved(global);
  if (!opened) {
    return fail(opened.error());
  }
  auto& [runtime, saved] = *opened;
  SettingsChanges changes;
  for (const auto& name : names) {
    if (!saved.contains(name)) {
      return fail("no setting " + name +
                  " is saved; `communique settings saved` lists the saved ones");
    }
    changes[name] = std::nullopt;
  }
  if (auto done = runtime.store->change_saved_settings(changes, system_clock_now()); !done) {
    return fail(done.error());
  }
  fmt::print("forgot {} saved setting(s); the configuration file applies from the next start\n",
             changes.size());
  return 0;
}

void add_settings_commands(CLI::App& app, CommandChoice& choice) {
  auto* settings =
      app.add_subcommand("settings", "The settings saved through the API (PATCH /api/v1/settings)");
  settings->require_subcommand(1);
  choice.on(settings->add_subcommand(
                "saved", "Show the saved settings, which apply over the configuration file"),
            [](const GlobalOptions& global) { return run_settings_saved(global); });
  auto& names = choice.keep<std::vector<std::string>>();
  auto* forget = settings->add_subcommand(
      "forget", "Remove saved settings (the file's values apply again from the next start)");
  forget->add_option("NAME", names, "A saved setting, such as smtp.host")->required();
  choice.on(forget,
            [&names](const GlobalOptions& global) { return run_settings_forget(global, names); });
}

}  // namespace communique
