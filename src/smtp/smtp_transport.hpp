// SmtpTransport: letters through an SMTP relay, over a pool of reused connections.
//
// Mechanism only (the meaning of replies is the reply policy's): each connection is one
// coroutine session on Asio: EHLO (HELO when refused), STARTTLS or implicit TLS with
// certificate and host-name verification on by default, AUTH PLAIN or LOGIN, PIPELINING
// of MAIL/RCPT/DATA when offered, SIZE, SMTPUTF8 when an address needs it, RSET after a
// refused transaction, QUIT when done. Every command has the timeout RFC 5321 section
// 4.5.3.2 gives it. A connection that fails is replaced; a letter whose connection broke
// is tried once more on a new one before it is reported as a transport failure.
// Letters leave as fast as the throttle allows: a letter whose domain is at its limit waits
// while letters to other domains go. With several relays, each has its own connections and
// rate; a relay that cannot be reached (or refuses TLS or AUTH) is backed off, 30 seconds
// doubling up to 10 minutes, and its letters go through the others.
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

class SmtpTransport final : public Transport {
 public:
  // One or more relays; `limits` hold for all of them together.
  static Result<std::unique_ptr<SmtpTransport>> create(std::vector<SmtpSettings> relays,
                                                       ThrottleSettings limits);
  ~SmtpTransport() override;

  std::vector<TransportOutcome> send(std::span<const OutgoingLetter> letters) override;
  std::string describe() const override;
  void stop_when(const std::atomic<bool>* flag) override;

 private:
  struct Pool;
  explicit SmtpTransport(std::unique_ptr<Pool> pool);
  std::unique_ptr<Pool> pool_;
};

// "none", "starttls", "tls".
std::optional<SmtpTls> parse_smtp_tls(std::string_view text);

}  // namespace communique
