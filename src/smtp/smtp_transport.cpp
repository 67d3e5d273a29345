#include "smtp/smtp_transport.hpp"

#include <fmt/format.h>

#include "smtp/smtp_pool.hpp"

namespace communique {

std::optional<SmtpTls> parse_smtp_tls(std::string_view text) {
  if (text == "none") {
    return SmtpTls::none;
  }
  if (text == "starttls") {
    return SmtpTls::starttls;
  }
  if (text == "tls") {
    return SmtpTls::tls;
  }
  return std::nullopt;
}

SmtpTransport::SmtpTransport(std::unique_ptr<SmtpPool> pool) : pool_(std::move(pool)) {}

SmtpTransport::~SmtpTransport() = default;

Result<std::unique_ptr<SmtpTransport>> SmtpTransport::create(std::vector<SmtpSettings> relays,
                                                             ThrottleSettings limits) {
  if (relays.empty()) {
    return make_error(ErrorCode::invalid_input, "no SMTP relay is configured");
  }
  auto pool = std::make_unique<SmtpPool>(std::move(limits));
  for (auto& settings : relays) {
    settings.max_connections = std::max<std::size_t>(1, settings.max_connections);
    auto relay = std::make_unique<SmtpRelay>(std::move(settings), pool->io());
    boost::system::error_code ec;
    relay->tls().set_default_verify_paths(ec);
    const std::string& ca_file = relay->settings().ca_file;
    if (!ca_file.empty()) {
      relay->tls().load_verify_file(ca_file, ec);
      if (ec) {
        return make_error(ErrorCode::invalid_input,
                          "smtp.ca_file " + ca_file + ": " + ec.message());
      }
    }
    pool->add(std::move(relay));
  }
  return std::unique_ptr<SmtpTransport>(new SmtpTransport(std::move(pool)));
}

void SmtpTransport::stop_when(const std::atomic<bool>* flag) {
  pool_->stop_when(flag);
}

std::string SmtpTransport::describe() const {
  std::string out = "smtp";
  for (const auto& relay : pool_->relays()) {
    const auto& s = relay->settings();
    out += fmt::format(" {}:{} ({}, up to {} connections)", s.host, s.port,
                       s.tls == SmtpTls::none  ? "no TLS"
                       : s.tls == SmtpTls::tls ? "TLS"
                                               : "STARTTLS",
                       s.max_connections);
  }
  return out;
}

std::vector<TransportOutcome> SmtpTransport::send(std::span<const OutgoingLetter> letters) {
  return pool_->send(letters);
}

void SmtpTransport::stream(BoundedQueue<TicketedLetter>& letters, const OutcomeSink& done) {
  pool_->stream(letters, done);
}

}  // namespace communique
