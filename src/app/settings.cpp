#include "app/settings.hpp"

#include <set>
#include <span>

#include <toml++/toml.h>
#include <nlohmann/json.hpp>

#include "base/text.hpp"

extern char** environ;

namespace communique {

namespace {

constexpr std::string_view kEnvironmentPrefix = "COMMUNIQUE_";

// One place to read a setting from: the TOML table, overlaid by environment strings.
class SettingsSource {
 public:
  // `overrides`: values over the file's, those named in `from_environment` from there and
  // the others saved through the API.
  SettingsSource(toml::table table, std::map<std::string, std::string> overrides,
                 std::set<std::string> from_environment = {})
      : table_(std::move(table)),
        overrides_(std::move(overrides)),
        from_environment_(std::move(from_environment)) {}

  static std::string path(const std::string& section, const std::string& key) {
    return section.empty() ? key : section + "." + key;
  }

  Result<void> read(const std::string& section, const std::string& key, std::string& out) {
    const std::string name = path(section, key);
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
    const std::string name = path(section, key);
    known_.insert(name);
    std::int64_t value = 0;
    if (auto env = overrides_.find(name); env != overrides_.end()) {
      const auto parsed = parse_integer(env->second);
      if (!parsed) {
        return make_error(ErrorCode::invalid_input,
                          name + " must be a whole number, not '" + env->second + "'");
      }
      value = *parsed;
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

  Result<void> read(const std::string& section, const std::string& key, bool& out) {
    const std::string name = path(section, key);
    known_.insert(name);
    if (auto env = overrides_.find(name); env != overrides_.end()) {
      if (env->second != "true" && env->second != "false") {
        return make_error(ErrorCode::invalid_input, name + " must be true or false");
      }
      out = env->second == "true";
      return ok();
    }
    if (auto node = table_.at_path(name); node) {
      auto value = node.value<bool>();
      if (!value || !node.is_boolean()) {
        return make_error(ErrorCode::invalid_input, name + " must be true or false");
      }
      out = *value;
    }
    return ok();
  }

  Result<void> read(const std::string& section, const std::string& key, std::chrono::seconds& out) {
    std::int64_t seconds = out.count();
    auto read_value = read(section, key, seconds);
    out = std::chrono::seconds(seconds);
    return read_value;
  }

  // The list of tables at `name` (from the file only): nullptr when absent, an error when
  // it is not a list (`example` shows one).
  Result<const toml::array*> array_at(const std::string& name, std::string_view example) {
    known_.insert(name);
    auto node = table_.at_path(name);
    if (!node) {
      return static_cast<const toml::array*>(nullptr);
    }
    const auto* array = node.as_array();
    if (array == nullptr) {
      return make_error(ErrorCode::invalid_input,
                        name + " must be a list such as " + std::string(example));
    }
    return array;
  }

  // An array of tables with string fields name and url.
  Result<void> read(const std::string& section, const std::string& key,
                    std::vector<SocialLink>& out) {
    const std::string name = section + "." + key;
    auto found = array_at(name, "[{ name = \"Telegram\", url = \"https://...\" }]");
    if (!found || *found == nullptr) {
      return found ? ok() : Result<void>(std::move(found).error());
    }
    const auto* array = *found;
    out.clear();
    for (const auto& item : *array) {
      const auto* entry = item.as_table();
      auto link_name = entry ? (*entry)["name"].value<std::string>() : std::nullopt;
      auto link_url = entry ? (*entry)["url"].value<std::string>() : std::nullopt;
      if (!link_name || !link_url) {
        return make_error(ErrorCode::invalid_input, name + ": every entry needs a name and a url");
      }
      out.push_back({*link_name, *link_url});
    }
    return ok();
  }

  // Domain lines: { domain, max_connections, messages_per_second }.
  Result<void> read(const std::string& section, const std::string& key,
                    std::vector<DomainLimit>& out) {
    const std::string name = section + "." + key;
    auto found = array_at(name,
                          "[{ domain = \"gmail.com\", max_connections = 10, "
                          "messages_per_second = 20 }]");
    if (!found || *found == nullptr) {
      return found ? ok() : Result<void>(std::move(found).error());
    }
    const auto* array = *found;
    for (const auto& item : *array) {
      const auto* entry = item.as_table();
      auto domain = entry ? (*entry)["domain"].value<std::string>() : std::nullopt;
      if (!domain || domain->empty()) {
        return make_error(ErrorCode::invalid_input, name + ": every entry needs a domain");
      }
      DomainLimit limit{ascii_lower(*domain)};
      limit.max_concurrent =
          static_cast<std::size_t>((*entry)["max_connections"].value<std::int64_t>().value_or(0));
      limit.messages_per_second =
          static_cast<double>((*entry)["messages_per_second"].value<std::int64_t>().value_or(0));
      out.push_back(std::move(limit));
    }
    return ok();
  }

  // The SMTP relays: one [smtp] table (environment overrides apply), or an [[smtp]] array.
  Result<std::vector<SmtpSettings>> read_relays() {
    std::vector<SmtpSettings> relays;
    auto node = table_["smtp"];
    if (const auto* array = node.as_array()) {
      relays_are_array_ = true;
      std::size_t number = 0;
      for (const auto& item : *array) {
        ++number;
        const auto* table = item.as_table();
        if (table == nullptr) {
          return make_error(ErrorCode::invalid_input, "each [[smtp]] entry must be a table");
        }
        SettingsSource relay_source(*table, {});
        relay_source.flat_ = true;
        auto relay = relay_source.read_relay("");
        if (!relay) {
          return make_error(ErrorCode::invalid_input, "[[smtp]] number " + std::to_string(number) +
                                                          ": " + relay.error().message);
        }
        if (auto unknown = relay_source.check_unknown(); !unknown) {
          return make_error(ErrorCode::invalid_input, "[[smtp]] number " + std::to_string(number) +
                                                          ": " + unknown.error().message);
        }
        relays.push_back(std::move(*relay));
      }
      if (relays.empty()) {
        return make_error(ErrorCode::invalid_input, "[[smtp]] lists no relay");
      }
      return relays;
    }
    auto relay = read_relay("smtp");
    if (!relay) {
      return std::move(relay).error();
    }
    relays.push_back(std::move(*relay));
    return relays;
  }

  // One relay's keys, under `section` ("smtp"), or at the top of a table of its own ("").
  Result<SmtpSettings> read_relay(const std::string& section) {
    SmtpSettings relay;
    relay.helo_name.clear();  // not given: validate() derives it from sender.base_url
    std::string tls = "starttls";
    std::int64_t timeout = 0;
    std::int64_t rate = 0;
    auto key = [&](const char* name) { return name; };
    const std::string at = section;
    const Result<void> reads[] = {
        read(at, key("host"), relay.host),
        read(at, key("port"), relay.port),
        read(at, key("tls"), tls),
        read(at, key("verify_certificate"), relay.verify_certificate),
        read(at, key("ca_file"), relay.ca_file),
        read(at, key("username"), relay.username),
        read(at, key("password"), relay.password),
        read(at, key("helo_name"), relay.helo_name),
        read(at, key("max_connections"), relay.max_connections),
        read(at, key("max_messages_per_connection"), relay.max_messages_per_connection),
        read(at, key("messages_per_second"), rate),
        read(at, key("idle_timeout_seconds"), relay.idle_timeout),
        read(at, key("timeout_seconds"), timeout),
    };
    for (const auto& result : reads) {
      if (!result) {
        return result.error();
      }
    }
    if (auto parsed = parse_smtp_tls(tls)) {
      relay.tls = *parsed;
    } else {
      return make_error(ErrorCode::invalid_input, "smtp.tls must be none, starttls or tls");
    }
    if (relay.port == 0 || relay.max_connections == 0 || relay.max_connections > 1000) {
      return make_error(ErrorCode::invalid_input,
                        "smtp.port must be set and smtp.max_connections be 1 to 1000");
    }
    relay.messages_per_second = static_cast<double>(rate);
    if (timeout > 0) {
      // One limit for every command instead of RFC 5321's (up to 10 minutes).
      const std::chrono::seconds limit(timeout);
      auto& t = relay.timeouts;
      for (auto* each :
           {&t.connect, &t.greeting, &t.command, &t.data_start, &t.data_block, &t.data_end}) {
        *each = std::min(*each, limit);
      }
    }
    return relay;
  }

  // Every key given that no read() asked for is a mistake worth stopping for.
  Result<void> check_unknown() const {
    for (const auto& [section, node] : table_) {
      const auto* inner = node.as_table();
      if (relays_are_array_ && section.str() == "smtp") {
        continue;  // checked entry by entry in read_relays
      }
      if (inner == nullptr && known_.contains(std::string(section.str()))) {
        continue;  // a key at the top of a relay's own table
      }
      if (inner == nullptr && flat_) {
        return make_error(ErrorCode::invalid_input,
                          "unknown setting " + std::string(section.str()));
      }
      if (inner == nullptr) {
        return make_error(ErrorCode::invalid_input,
                          "unknown setting '" + std::string(section.str()) +
                              "' (settings live in "
                              "sections such as [server], [store], [sender], [smtp])");
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
                          "unknown setting " + name +
                              (from_environment_.contains(name) ? " (from the environment)"
                                                                : " (saved through the API)"));
      }
    }
    return ok();
  }

 private:
  toml::table table_;
  std::map<std::string, std::string> overrides_;
  std::set<std::string> from_environment_;
  std::set<std::string> known_;
  bool relays_are_array_ = false;
  bool flat_ = false;  // a relay's own table: keys at the top, no sections
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

namespace {

// The configuration file's table; an empty one when there is no file.
Result<toml::table> read_file(const std::optional<std::filesystem::path>& file) {
  if (!file) {
    return toml::table{};
  }
  std::error_code ec;
  if (!std::filesystem::exists(*file, ec)) {
    return make_error(ErrorCode::not_found,
                      "the configuration file " + file->string() + " does not exist");
  }
  try {
    return toml::parse_file(file->string());
  } catch (const toml::parse_error& error) {
    const auto& where = error.source().begin;
    return make_error(ErrorCode::invalid_input, file->string() + ":" + std::to_string(where.line) +
                                                    ":" + std::to_string(where.column) + ": " +
                                                    std::string(error.description()));
  }
}

// Saved settings over the file; COMMUNIQUE_SERVER__LISTEN=... (server.listen) over both.
SettingsSource overlay(toml::table table, const std::map<std::string, std::string>& environment,
                       const std::map<std::string, std::string>& saved) {
  std::map<std::string, std::string> overrides = saved;
  std::set<std::string> from_environment;
  for (const auto& [name, value] : environment) {
    if (!name.starts_with(kEnvironmentPrefix)) {
      continue;
    }
    const std::string rest = name.substr(kEnvironmentPrefix.size());
    const auto separator = rest.find("__");
    if (separator == std::string::npos) {
      continue;
    }
    const auto key =
        ascii_lower(rest.substr(0, separator)) + "." + ascii_lower(rest.substr(separator + 2));
    overrides[key] = value;
    from_environment.insert(key);
  }
  return SettingsSource(std::move(table), std::move(overrides), std::move(from_environment));
}

// The first error of `reads`, all of which have happened.
Result<void> first_failure(std::span<const Result<void>> reads) {
  for (const auto& read : reads) {
    if (!read) {
      return read.error();
    }
  }
  return ok();
}

// The sections that set up the process, read from the file and the environment only:
// server, store, import, log, feeds.
Result<void> read_process_settings(SettingsSource& source, AppSettings& settings) {
  auto& server = settings.server;
  std::string level;
  std::string default_every;
  const Result<void> reads[] = {
      source.read("server", "listen", server.listen),
      source.read("server", "max_header_bytes", server.max_header_bytes),
      source.read("server", "max_form_bytes", server.max_form_bytes),
      source.read("server", "max_json_bytes", server.max_json_bytes),
      source.read("server", "max_body_bytes", server.max_body_bytes),
      source.read("server", "max_connections", server.max_connections),
      source.read("server", "max_connections_per_address", server.max_connections_per_address),
      source.read("server", "max_pending_requests", server.max_pending_requests),
      source.read("server", "trusted_proxy", server.trusted_proxy),
      source.read("server", "read_timeout_seconds", server.read_timeout),
      source.read("server", "idle_timeout_seconds", server.idle_timeout),
      source.read("server", "shutdown_grace_seconds", server.shutdown_grace),
      source.read("server", "blocking_threads", settings.blocking_threads),
      source.read("store", "backend", settings.store.backend),
      source.read("store", "sqlite_file", settings.store.sqlite_file),
      source.read("store", "busy_timeout_ms", settings.store.busy_timeout_ms),
      source.read("store", "sqlite_cache_mb", settings.store.sqlite_cache_mb),
      source.read("import", "batch_size", settings.import.batch_size),
      source.read("log", "level", level),
      source.read("feeds", "allow_private_networks", settings.feeds.allow_private_networks),
      source.read("feeds", "max_body_mb", settings.feeds.max_body_mb),
      source.read("feeds", "timeout_seconds", settings.feeds.timeout),
      source.read("feeds", "default_every", default_every),
      source.read("feeds", "min_every_seconds", settings.feeds.min_every),
      source.read("feeds", "poll_concurrency", settings.feeds.poll_concurrency),
  };
  if (!level.empty()) {
    settings.log_level = level;
  }
  if (!default_every.empty()) {
    const auto every = parse_duration(default_every);
    if (!every) {
      return make_error(ErrorCode::invalid_input,
                        "feeds.default_every must be a duration such as 30m, 2h or 1d");
    }
    settings.feeds.default_every = *every;
  }
  return first_failure(reads);
}

// The sections the API may change as well, except the relays: sender, delivery, limits, dkim.
Result<void> read_sending_settings(SettingsSource& source, AppSettings& settings) {
  auto& sender = settings.sender;
  auto& delivery = settings.delivery;
  std::int64_t max_age_hours = 72;
  std::int64_t limit_rate = 0;
  std::int64_t domain_rate = 0;
  const Result<void> reads[] = {
      source.read("sender", "organisation", sender.organisation),
      source.read("sender", "from_name", sender.from_name),
      source.read("sender", "from_address", sender.from_address),
      source.read("sender", "reply_to", sender.reply_to),
      source.read("sender", "postal_address", sender.postal_address),
      source.read("sender", "copyright", sender.copyright),
      source.read("sender", "base_url", sender.base_url),
      source.read("sender", "social", sender.social),
      source.read("delivery", "transport", delivery.transport),
      source.read("delivery", "outbox", delivery.outbox),
      source.read("delivery", "window", delivery.window),
      source.read("delivery", "poll_seconds", delivery.poll),
      source.read("delivery", "first_retry_seconds", delivery.retry.first_retry),
      source.read("delivery", "max_retry_interval_seconds", delivery.retry.max_retry_interval),
      source.read("delivery", "max_age_hours", max_age_hours),
      source.read("delivery", "lease_seconds", delivery.lease.ttl),
      source.read("limits", "messages_per_second", limit_rate),
      source.read("limits", "messages_per_hour", settings.limits.messages_per_hour),
      source.read("limits", "domain_max_connections",
                  settings.limits.default_domain.max_concurrent),
      source.read("limits", "domain_messages_per_second", domain_rate),
      source.read("limits", "domains", settings.limits.domains),
      source.read("dkim", "domain", settings.dkim.domain),
      source.read("dkim", "rsa_selector", settings.dkim.rsa_selector),
      source.read("dkim", "rsa_key", settings.dkim.rsa_key),
      source.read("dkim", "ed25519_selector", settings.dkim.ed25519_selector),
      source.read("dkim", "ed25519_key", settings.dkim.ed25519_key),
  };
  delivery.retry.max_age = std::chrono::hours(max_age_hours);
  settings.limits.messages_per_second = static_cast<double>(limit_rate);
  settings.limits.default_domain.messages_per_second = static_cast<double>(domain_rate);
  return first_failure(reads);
}

}  // namespace

Result<AppSettings> load_settings(const std::optional<std::filesystem::path>& file,
                                  const std::map<std::string, std::string>& environment,
                                  const std::map<std::string, std::string>& saved) {
  auto table = read_file(file);
  if (!table) {
    return std::move(table).error();
  }
  SettingsSource source = overlay(std::move(*table), environment, saved);
  AppSettings settings;
  // Every read of a group happens; the first error (in this order) is the one reported.
  if (auto read = read_process_settings(source, settings); !read) {
    return std::move(read).error();
  }
  if (auto read = read_sending_settings(source, settings); !read) {
    return std::move(read).error();
  }
  auto relays = source.read_relays();
  if (!relays) {
    return std::move(relays).error();
  }
  settings.smtp = std::move(*relays);
  if (auto checked = source.check_unknown(); !checked) {
    return std::move(checked).error();
  }
  if (auto valid = validate(settings); !valid) {
    return std::move(valid).error();
  }
  return settings;
}

bool settable_through_api(const std::string& name) {
  for (std::string_view section : {"sender.", "delivery.", "smtp.", "limits.", "dkim."}) {
    if (name.starts_with(section) && name.size() > section.size()) {
      return true;
    }
  }
  return false;
}

std::string describe_settings(const AppSettings& settings) {
  const auto& sender = settings.sender;
  nlohmann::json relays = nlohmann::json::array();
  for (const auto& relay : settings.smtp) {
    relays.push_back({{"host", relay.host},
                      {"port", relay.port},
                      {"tls", relay.tls == SmtpTls::none       ? "none"
                              : relay.tls == SmtpTls::starttls ? "starttls"
                                                               : "tls"},
                      {"verify_certificate", relay.verify_certificate},
                      {"username", relay.username},
                      {"password_set", !relay.password.empty()},
                      {"max_connections", relay.max_connections},
                      {"messages_per_second", relay.messages_per_second}});
  }
  const nlohmann::json out{
      {"sender",
       {{"organisation", sender.organisation},
        {"from_name", sender.from_name},
        {"from_address", sender.from_address},
        {"reply_to", sender.reply_to},
        {"postal_address", sender.postal_address},
        {"base_url", sender.base_url}}},
      {"delivery",
       {{"transport", settings.delivery.transport},
        {"window", settings.delivery.window},
        {"poll_seconds", settings.delivery.poll.count()}}},
      {"smtp", relays},
      {"dkim",
       {{"domain", settings.dkim.domain.empty() ? sender.domain() : settings.dkim.domain},
        {"rsa_selector", settings.dkim.rsa_selector},
        {"ed25519_selector", settings.dkim.ed25519_selector}}},
      {"editable", true}};  // PATCH /api/v1/settings
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace communique
