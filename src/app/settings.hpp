// AppSettings: the whole configuration, read once at start-up from an optional TOML file,
// the settings saved through the API (over the file) and COMMUNIQUE_SECTION__KEY
// environment variables (which win), then validated.
//
// Each subsystem receives only its own struct. Unknown sections or keys are errors, so a
// typo ("lisen") is caught at start instead of silently using a default.
//
//   [server]  listen, max_header_bytes, max_form_bytes, max_json_bytes, max_body_bytes,
//             max_connections, max_connections_per_address, max_pending_requests,
//             read_timeout_seconds, idle_timeout_seconds, shutdown_grace_seconds,
//             blocking_threads, trusted_proxy
//   [store]   backend ("sqlite"), sqlite_file, busy_timeout_ms, sqlite_cache_mb
//   [import]  batch_size
//   [log]     level (trace, debug, info, warn, error, off)
//   [sender]  organisation, from_name, from_address, reply_to, postal_address, copyright,
//             base_url, social = [{ name = "...", url = "..." }, ...]
//   [delivery] transport ("maildir" | "smtp"), outbox, window, poll_seconds, first_retry_seconds,
//             max_retry_interval_seconds, max_age_hours, lease_seconds
//   [smtp]    host, port, tls (none|starttls|tls), verify_certificate, ca_file, username,
//             password, helo_name (default: the host of sender.base_url, else this
//             machine's fully qualified name), max_connections, max_messages_per_connection,
//             messages_per_second, timeout_seconds (caps every command's RFC 5321 timeout);
//             or [[smtp]] once per relay, with the same keys (environment overrides apply
//             to a single [smtp] only)
//   [limits]  messages_per_second, messages_per_hour (sliding), domain_max_connections,
//             domain_messages_per_second (for every domain without its own line),
//             domains = [{ domain = "gmail.com", max_connections = 10, messages_per_second = 20 }]
//   [dkim]    domain, rsa_selector, rsa_key, ed25519_selector, ed25519_key (key paths are
//             relative to the data directory)
//   [feeds]   allow_private_networks (false: loopback, private, link-local and metadata
//             addresses are refused, at every redirect), max_body_mb (15), timeout_seconds
//             (20), default_every ("1h": `feeds add` without --every), min_every_seconds (60:
//             the shortest interval a feed may have), poll_concurrency (2: feeds `serve`
//             polls at once)
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "core/sender_identity.hpp"
#include "delivery/campaign_runner.hpp"
#include "delivery/issue_lease.hpp"
#include "delivery/reply_policy.hpp"
#include "feeds/feed_poller.hpp"
#include "http/server.hpp"
#include "smtp/smtp_transport.hpp"
#include "store/open_store.hpp"
#include "transfer/importer.hpp"

namespace communique {

struct DkimSettings {
  std::string domain;  // empty: the domain of sender.from_address
  std::string rsa_selector;
  std::string rsa_key;  // PEM file; empty: no RSA signature
  std::string ed25519_selector;
  std::string ed25519_key;  // PEM file; empty: no Ed25519 signature
};

struct DeliverySettings {
  std::string transport = "maildir";  // or "smtp": the relay in [smtp]
  std::string outbox = "outbox";      // the Maildir, relative to the data directory
  std::size_t window = RunnerSettings::kDefaultWindow;  // letters in flight at most
  std::chrono::seconds poll{5};  // how often `serve` looks for issues to send
  LeaseSettings lease;           // lease_seconds: how long a silent runner keeps its issue
  ReplyPolicySettings retry;
};

struct AppSettings {
  ServerSettings server;
  std::size_t blocking_threads = 4;
  StoreSettings store;
  ImportSettings import;
  std::optional<std::string> log_level;  // unset: info for serve, warn for other commands
  SenderIdentity sender;
  DkimSettings dkim;
  DeliverySettings delivery;
  std::vector<SmtpSettings> smtp{SmtpSettings{}};  // [smtp], or several [[smtp]] relays
  ThrottleSettings limits;
  FeedSettings feeds;
};

// Reads `file` (when given), then `saved` (`section.key` → value: the settings saved
// through the API) over it, then the COMMUNIQUE_* entries of `environment` over both.
Result<AppSettings> load_settings(const std::optional<std::filesystem::path>& file,
                                  const std::map<std::string, std::string>& environment,
                                  const std::map<std::string, std::string>& saved = {});

// Checks every setting against its bounds, puts the sender's addresses and base URL in their
// normal form, and fills what defaults to other settings: with the SMTP transport, a relay's
// helo_name not given is default_helo_name(sender.base_url, machine_name). The error names the
// first setting out of bounds and what it must be. load_settings calls it once everything is read.
Result<void> validate(AppSettings& settings);

// The name a relay is greeted with (EHLO) when none is set: the host of `base_url` when it
// is a domain name, else what `machine` says (an address or "localhost" is no name to
// greet with).
std::string default_helo_name(std::string_view base_url,
                              const std::function<std::string()>& machine);

// This machine's fully qualified name as the resolver knows it, else its host name, else
// "localhost".
std::string machine_name();

// The sections the API may change (sender, delivery, smtp, limits, dkim): the others
// (server, store, import, log, feeds) set up the process and are read from the file only.
bool settable_through_api(const std::string& name);

// The settings as JSON for GET /api/v1/settings: what an administrator needs to see, with
// every secret left out (a relay's password shows only as "password_set").
std::string describe_settings(const AppSettings& settings);

// The process environment as a map (for load_settings).
std::map<std::string, std::string> process_environment();

}  // namespace communique
