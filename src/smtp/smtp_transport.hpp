// SmtpTransport: letters through one or more SMTP relays, as a delivery Transport.
//
// Mechanism only (the meaning of replies is the reply policy's, when a failed relay is
// tried again the relay back-off's): this is the settings and the wiring. The parts, one
// concept each: smtp_session (one connection: EHLO, TLS, AUTH, PIPELINING, the timeouts
// of RFC 5321 4.5.3.2), smtp_relay (a relay's connections, rate and back-off), smtp_pool
// (the workers that take letters as fast as the throttle allows, and fail over between
// relays), smtp_reply (reading replies). Asio and OpenSSL stay inside those files.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "base/result.hpp"
#include "delivery/send_throttle.hpp"
#include "delivery/transport.hpp"

namespace communique {

enum class SmtpTls { none, starttls, tls };

struct SmtpTimeouts {
  std::chrono::seconds connect{30};
  std::chrono::seconds greeting{300};    // RFC 5321 4.5.3.2.1: 5 minutes
  std::chrono::seconds command{300};     // MAIL, RCPT (4.5.3.2.2, .3)
  std::chrono::seconds data_start{120};  // 4.5.3.2.4: 2 minutes
  std::chrono::seconds data_block{180};  // 4.5.3.2.5: 3 minutes
  std::chrono::seconds data_end{600};    // 4.5.3.2.6: 10 minutes
};

struct SmtpSettings {
  std::string host = "127.0.0.1";
  unsigned short port = 25;
  SmtpTls tls = SmtpTls::starttls;
  bool verify_certificate = true;
  std::string ca_file;   // extra trusted certificates (PEM); empty: the system's
  std::string username;  // empty: no AUTH
  std::string password;
  std::string helo_name = "localhost";
  std::size_t max_connections = 4;
  std::size_t max_messages_per_connection = 100;
  std::chrono::seconds idle_timeout{30};  // an unused connection older than this is closed
  SmtpTimeouts timeouts;
  double messages_per_second = 0;  // this relay's own limit; 0: none
};

class SmtpPool;

class SmtpTransport final : public Transport {
 public:
  // One or more relays; `limits` hold for all of them together.
  static Result<std::unique_ptr<SmtpTransport>> create(std::vector<SmtpSettings> relays,
                                                       ThrottleSettings limits);
  ~SmtpTransport() override;

  std::vector<TransportOutcome> send(std::span<const OutgoingLetter> letters) override;
  void stream(BoundedQueue<TicketedLetter>& letters, const OutcomeSink& done) override;
  std::string describe() const override;
  void stop_when(const std::atomic<bool>* flag) override;

 private:
  explicit SmtpTransport(std::unique_ptr<SmtpPool> pool);
  std::unique_ptr<SmtpPool> pool_;
};

// "none", "starttls", "tls".
std::optional<SmtpTls> parse_smtp_tls(std::string_view text);

}  // namespace communique
