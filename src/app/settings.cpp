#include "app/settings.hpp"

#include <charconv>
#include <set>

#include <toml++/toml.h>

#include "base/text.hpp"

extern char** environ;

namespace communique {

namespace {

constexpr std::string_view kEnvironmentPrefix = "COMMUNIQUE_";

// One place to read a setting from: the TOML table, overlaid by environment strings.
class SettingsSource {
 public:
  SettingsSource(toml::table table, std::map<std::string, std::string> overrides)
      : table_(std::move(table)), overrides_(std::move(overrides)) {}

  Result<void> read(const std::string& section, const std::string& key, std::string& out) {
    const std::string name = section + "." + key;
    known_.insert(name);
    if (auto env = overrides_.find(name); env != overrides_.end()) {
      out = env->second;
      return ok();
    }
    if (auto node = table_.at_path(name); node) {
      if (auto value = node.value<std::string>()) {
        out = *value;
        return ok();
      }
      return make_error(ErrorCode::invalid_input, name + " must be a string");
    }
    return ok();
  }

  template <typename Integer>
  Result<void> read(const std::string& section, const std::string& key, Integer& out) {
    const std::string name = section + "." + key;
    known_.insert(name);
    std::int64_t value = 0;
    if (auto env = overrides_.find(name); env != overrides_.end()) {
      const auto& text = env->second;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec != std::errc() || ptr != text.data() + text.size()) {
        return make_error(ErrorCode::invalid_input,
                          name + " must be a whole number, not '" + text + "'");
      }
    } else if (auto node = table_.at_path(name); node) {
      auto parsed = node.value<std::int64_t>();
      if (!parsed || !node.is_integer()) {
        return make_error(ErrorCode::invalid_input, name + " must be a whole number");
      }
      value = *parsed;
    } else {
      return ok();
    }
    if (value < 0) {
      return make_error(ErrorCode::invalid_input, name + " must not be negative");
    }
    out = static_cast<Integer>(value);
    return ok();
  }

  Result<void> read(const std::string& section, const std::string& key, std::chrono::seconds& out) {
    std::int64_t seconds = out.count();
    auto read_value = read(section, key, seconds);
    out = std::chrono::seconds(seconds);
    return read_value;
  }

  // Every key given that no read() asked for is a mistake worth stopping for.
  Result<void> check_unknown() const {
    for (const auto& [section, node] : table_) {
      const auto* inner = node.as_table();
      if (inner == nullptr) {
        return make_error(ErrorCode::invalid_input,
                          "unknown setting '" + std::string(section.str()) +
                              "' (settings live in "
                              "sections: [server], [store], [import], [log])");
      }
      for (const auto& [key, value] : *inner) {
        const std::string name = std::string(section.str()) + "." + std::string(key.str());
        if (!known_.contains(name)) {
          return make_error(ErrorCode::invalid_input, "unknown setting " + name);
        }
      }
    }
    for (const auto& [name, value] : overrides_) {
      if (!known_.contains(name)) {
        return make_error(ErrorCode::invalid_input,
                          "unknown setting " + name + " (from the environment)");
      }
    }
    return ok();
  }

 private:
  toml::table table_;
  std::map<std::string, std::string> overrides_;
  std::set<std::string> known_;
};

}  // namespace

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> result;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    const auto equals = text.find('=');
    if (equals != std::string_view::npos) {
      result.emplace(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
    }
  }
  return result;
}

Result<AppSettings> load_settings(const std::optional<std::filesystem::path>& file,
                                  const std::map<std::string, std::string>& environment) {
  toml::table table;
  if (file) {
    std::error_code ec;
    if (!std::filesystem::exists(*file, ec)) {
      return make_error(ErrorCode::not_found,
                        "the configuration file " + file->string() + " does not exist");
    }
    try {
      table = toml::parse_file(file->string());
    } catch (const toml::parse_error& error) {
      const auto& where = error.source().begin;
      return make_error(ErrorCode::invalid_input,
                        file->string() + ":" + std::to_string(where.line) + ":" +
                            std::to_string(where.column) + ": " + std::string(error.description()));
    }
  }
  // COMMUNIQUE_SERVER__LISTEN=... → server.listen
  std::map<std::string, std::string> overrides;
  for (const auto& [name, value] : environment) {
    if (!name.starts_with(kEnvironmentPrefix)) {
      continue;
    }
    const std::string rest = name.substr(kEnvironmentPrefix.size());
    const auto separator = rest.find("__");
    if (separator == std::string::npos) {
      continue;
    }
    overrides[ascii_lower(rest.substr(0, separator)) + "." +
              ascii_lower(rest.substr(separator + 2))] = value;
  }

  SettingsSource source(std::move(table), std::move(overrides));
  AppSettings settings;
  std::string level;
  // Every read happens; the first error (in this order) is the one reported.
  const Result<void> reads[] = {
      source.read("server", "listen", settings.server.listen),
      source.read("server", "max_header_bytes", settings.server.max_header_bytes),
      source.read("server", "max_body_bytes", settings.server.max_body_bytes),
      source.read("server", "read_timeout_seconds", settings.server.read_timeout),
      source.read("server", "idle_timeout_seconds", settings.server.idle_timeout),
      source.read("server", "shutdown_grace_seconds", settings.server.shutdown_grace),
      source.read("server", "blocking_threads", settings.blocking_threads),
      source.read("store", "backend", settings.store.backend),
      source.read("store", "sqlite_file", settings.store.sqlite_file),
      source.read("store", "busy_timeout_ms", settings.store.busy_timeout_ms),
      source.read("store", "sqlite_cache_mb", settings.store.sqlite_cache_mb),
      source.read("import", "batch_size", settings.import.batch_size),
      source.read("log", "level", level),
  };
  for (const auto& read : reads) {
    if (!read) {
      return read.error();
    }
  }
  if (!level.empty()) {
    settings.log_level = level;
  }
  if (auto checked = source.check_unknown(); !checked) {
    return std::move(checked).error();
  }

  if (settings.blocking_threads == 0 || settings.blocking_threads > 256) {
    return make_error(ErrorCode::invalid_input, "server.blocking_threads must be 1 to 256");
  }
  if (settings.import.batch_size == 0 || settings.import.batch_size > 1'000'000) {
    return make_error(ErrorCode::invalid_input, "import.batch_size must be 1 to 1000000");
  }
  if (settings.server.max_header_bytes < 1024) {
    return make_error(ErrorCode::invalid_input, "server.max_header_bytes must be at least 1024");
  }
  if (settings.server.read_timeout.count() == 0 || settings.server.idle_timeout.count() == 0) {
    return make_error(ErrorCode::invalid_input, "server timeouts must be at least 1 second");
  }
  if (settings.store.sqlite_cache_mb < 1 || settings.store.sqlite_cache_mb > 65536) {
    return make_error(ErrorCode::invalid_input, "store.sqlite_cache_mb must be 1 to 65536");
  }
  if (settings.store.sqlite_file.empty()) {
    return make_error(ErrorCode::invalid_input, "store.sqlite_file must not be empty");
  }
  return settings;
}

}  // namespace communique
