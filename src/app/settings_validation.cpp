// validate(): the bounds every setting must keep, the normal forms of the sender's
// addresses and base URL, and the defaults that follow from other settings (EHLO names).
#include <netdb.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <functional>

#include "app/settings.hpp"
#include "core/email_address.hpp"
#include "core/subscriber.hpp"

namespace communique {

namespace {

Result<void> validate_sender(SenderIdentity& sender) {
  auto from = EmailAddress::parse(sender.from_address);
  if (!from) {
    return make_error(ErrorCode::invalid_input,
                      "sender.from_address is not a valid address: " + from.error().message);
  }
  sender.from_address = from->str();
  if (!sender.reply_to.empty()) {
    auto reply_to = EmailAddress::parse(sender.reply_to);
    if (!reply_to) {
      return make_error(ErrorCode::invalid_input,
                        "sender.reply_to is not a valid address: " + reply_to.error().message);
    }
    sender.reply_to = reply_to->str();
  }
  for (auto* text :
       {&sender.organisation, &sender.from_name, &sender.postal_address, &sender.copyright}) {
    auto checked = validate_display_name(*text);
    if (!checked) {
      return make_error(ErrorCode::invalid_input,
                        "sender settings must be one line of text: " + checked.error().message);
    }
    *text = *checked;
  }
  if (!sender.base_url.starts_with("https://") && !sender.base_url.starts_with("http://")) {
    return make_error(ErrorCode::invalid_input,
                      "sender.base_url must start with https:// (or http:// for a local test)");
  }
  if (std::any_of(sender.base_url.begin(), sender.base_url.end(),
                  [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7F; })) {
    return make_error(ErrorCode::invalid_input,
                      "sender.base_url must not contain spaces or control characters");
  }
  while (sender.base_url.ends_with('/')) {
    sender.base_url.pop_back();
  }
  return ok();
}

// What a relay may be greeted with: a host name (letters, digits, dots, hyphens) or an
// address literal ("[192.0.2.1]", "[IPv6:2001:db8::1]"). Anything else could carry
// commands of its own (a line break) or be refused by the relay.
bool is_greeting_name(std::string_view name) {
  if (name.size() > 255 || name.empty()) {
    return false;
  }
  if (name.front() == '[') {
    return name.back() == ']' &&
           name.find_first_not_of("0123456789abcdefABCDEFIPv6:.[]") == std::string_view::npos;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-';
  });
}

// The name part of `host`, or nothing when it is an address ("127.0.0.1", "[::1]") or a
// single label ("localhost"), which receiving servers cannot look up.
bool is_domain_name(std::string_view host) {
  if (host.empty() || host.find('.') == std::string_view::npos || host.front() == '[') {
    return false;
  }
  return host.find_first_not_of("0123456789.") != std::string_view::npos;
}

Result<void> validate_delivery(const DeliverySettings& delivery) {
  if (delivery.transport != "maildir" && delivery.transport != "smtp") {
    return make_error(ErrorCode::invalid_input,
                      "delivery.transport must be \"maildir\" or \"smtp\"");
  }
  if (delivery.window == 0 || delivery.window > 10000) {
    return make_error(ErrorCode::invalid_input, "delivery.window must be 1 to 10000");
  }
  if (delivery.lease.ttl < std::chrono::seconds(4)) {
    return make_error(ErrorCode::invalid_input,
                      "delivery.lease_seconds must be at least 4 (the lease is renewed every "
                      "quarter of it)");
  }
  if (delivery.retry.first_retry.count() == 0) {
    return make_error(ErrorCode::invalid_input, "delivery.first_retry_seconds must be at least 1");
  }
  return ok();
}

Result<void> validate_process(const AppSettings& settings) {
  const auto& server = settings.server;
  if (settings.blocking_threads == 0 || settings.blocking_threads > 256) {
    return make_error(ErrorCode::invalid_input, "server.blocking_threads must be 1 to 256");
  }
  if (settings.import.batch_size == 0 || settings.import.batch_size > 1'000'000) {
    return make_error(ErrorCode::invalid_input, "import.batch_size must be 1 to 1000000");
  }
  const auto& feeds = settings.feeds;
  if (feeds.max_body_mb == 0 || feeds.max_body_mb > 1024) {
    return make_error(ErrorCode::invalid_input, "feeds.max_body_mb must be 1 to 1024");
  }
  if (feeds.timeout.count() < 1 || feeds.timeout.count() > 600) {
    return make_error(ErrorCode::invalid_input, "feeds.timeout_seconds must be 1 to 600");
  }
  if (feeds.poll_concurrency == 0 || feeds.poll_concurrency > 64) {
    return make_error(ErrorCode::invalid_input, "feeds.poll_concurrency must be 1 to 64");
  }
  if (feeds.min_every.count() < 1) {
    return make_error(ErrorCode::invalid_input, "feeds.min_every_seconds must be at least 1");
  }
  if (feeds.default_every < feeds.min_every) {
    return make_error(ErrorCode::invalid_input,
                      "feeds.default_every must be at least feeds.min_every_seconds");
  }
  if (server.max_header_bytes < 1024) {
    return make_error(ErrorCode::invalid_input, "server.max_header_bytes must be at least 1024");
  }
  if (server.max_form_bytes < 1024 || server.max_json_bytes < 1024 ||
      server.max_body_bytes < 1024) {
    return make_error(ErrorCode::invalid_input,
                      "server.max_form_bytes, max_json_bytes and max_body_bytes must each be at "
                      "least 1024");
  }
  if (server.max_connections == 0 || server.max_connections_per_address == 0 ||
      server.max_pending_requests == 0) {
    return make_error(ErrorCode::invalid_input,
                      "server.max_connections, max_connections_per_address and "
                      "max_pending_requests must each be at least 1");
  }
  if (server.read_timeout.count() == 0 || server.idle_timeout.count() == 0) {
    return make_error(ErrorCode::invalid_input, "server timeouts must be at least 1 second");
  }
  return ok();
}

Result<void> validate_store_and_dkim(const AppSettings& settings) {
  if (!settings.dkim.rsa_key.empty() && settings.dkim.rsa_selector.empty()) {
    return make_error(ErrorCode::invalid_input, "dkim.rsa_key needs dkim.rsa_selector");
  }
  if (!settings.dkim.ed25519_key.empty() && settings.dkim.ed25519_selector.empty()) {
    return make_error(ErrorCode::invalid_input, "dkim.ed25519_key needs dkim.ed25519_selector");
  }
  if (settings.store.sqlite_cache_mb < 1 || settings.store.sqlite_cache_mb > 65536) {
    return make_error(ErrorCode::invalid_input, "store.sqlite_cache_mb must be 1 to 65536");
  }
  if (settings.store.sqlite_file.empty()) {
    return make_error(ErrorCode::invalid_input, "store.sqlite_file must not be empty");
  }
  return ok();
}

}  // namespace

std::string default_helo_name(std::string_view base_url,
                              const std::function<std::string()>& machine) {
  std::string_view host = base_url;
  if (const auto scheme = host.find("://"); scheme != std::string_view::npos) {
    host.remove_prefix(scheme + 3);
  }
  host = host.substr(0, host.find_first_of("/?#"));
  if (const auto at = host.rfind('@'); at != std::string_view::npos) {
    host.remove_prefix(at + 1);
  }
  if (!host.empty() && host.front() != '[') {
    host = host.substr(0, host.find(':'));
  }
  return is_domain_name(host) ? std::string(host) : machine();
}

std::string machine_name() {
  std::array<char, 256> name{};
  if (gethostname(name.data(), name.size() - 1) != 0 || name[0] == '\0') {
    return "localhost";
  }
  addrinfo hints{};
  hints.ai_flags = AI_CANONNAME;
  addrinfo* found = nullptr;
  std::string canonical = name.data();
  if (getaddrinfo(name.data(), nullptr, &hints, &found) == 0) {
    if (found != nullptr && found->ai_canonname != nullptr && found->ai_canonname[0] != '\0') {
      canonical = found->ai_canonname;
    }
    freeaddrinfo(found);
  }
  return canonical;
}

Result<void> validate(AppSettings& settings) {
  if (auto checked = validate_delivery(settings.delivery); !checked) {
    return checked;
  }
  if (auto checked = validate_process(settings); !checked) {
    return checked;
  }
  if (auto checked = validate_sender(settings.sender); !checked) {
    return checked;
  }
  if (auto checked = validate_store_and_dkim(settings); !checked) {
    return checked;
  }
  for (const auto& relay : settings.smtp) {
    if (!relay.helo_name.empty() && !is_greeting_name(relay.helo_name)) {
      return make_error(ErrorCode::invalid_input,
                        "smtp.helo_name must be a host name (letters, digits, dots and hyphens) "
                        "or an address literal such as [192.0.2.1]");
    }
  }
  // Only a transport that greets relays needs the name (and the machine's, a look-up).
  for (auto& relay : settings.smtp) {
    if (relay.helo_name.empty() && settings.delivery.transport == "smtp") {
      relay.helo_name = default_helo_name(settings.sender.base_url, machine_name);
    }
  }
  return ok();
}

}  // namespace communique
