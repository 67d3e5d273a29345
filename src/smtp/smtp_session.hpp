// SmtpSession: one SMTP connection to a relay, as one Asio coroutine at a time.
//
// Mechanism only (what a reply means for a recipient is the reply policy's): EHLO (HELO
// when refused), STARTTLS or implicit TLS with certificate and host-name verification,
// AUTH PLAIN or LOGIN, PIPELINING of MAIL/RCPT/DATA when offered, SIZE, SMTPUTF8 when an
// address needs it, RSET after a refused transaction, QUIT when done. Every command has
// the timeout RFC 5321 section 4.5.3.2 gives it. A session that fails once is broken for
// good: its owner drops it and opens another. Internal to the smtp module.
#pragma once

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>

#include <chrono>
#include <optional>
#include <string>

#include "delivery/transport.hpp"
#include "smtp/smtp_reply.hpp"
#include "smtp/smtp_transport.hpp"

namespace communique {

// Why a session stopped: the reply that ended it, or an I/O failure ("HOST: what").
struct SessionError {
  std::string what;
};

class SmtpSession {
 public:
  // `settings` and `tls` outlive the session (they are its relay's).
  SmtpSession(boost::asio::io_context& io, boost::asio::ssl::context& tls,
              const SmtpSettings& settings);

  std::size_t messages_sent() const { return messages_sent_; }
  bool broken() const { return broken_; }
  // Whether the last send() wrote the whole letter, final dot included: a connection that
  // broke after that may have left the letter with the relay, so it is not sent again at
  // once (RFC 5321 section 6.1 accepts a duplicate; sending every letter twice is not).
  bool final_dot_sent() const { return final_dot_sent_; }
  const std::string& last_error() const { return last_error_; }
  std::chrono::steady_clock::time_point idle_since{};  // set by whoever keeps it idle

  // Connects, greets, upgrades to TLS and authenticates as configured.
  boost::asio::awaitable<std::optional<SessionError>> open();

  // One transaction. The outcome is the server's verdict on this letter, or a transport
  // failure when the connection broke (the session is then broken).
  boost::asio::awaitable<TransportOutcome> send(const OutgoingLetter& letter);

  // Says goodbye (unless broken) and closes the connection.
  boost::asio::awaitable<void> quit();

 private:
  using Reply = std::optional<SmtpReply>;

  static TransportOutcome verdict(const SmtpReply& reply);
  TransportOutcome broken_outcome() const;
  SessionError fail(std::string what);
  void arm(std::chrono::seconds timeout);
  void disarm();

  boost::asio::awaitable<bool> write(std::string data, std::chrono::seconds timeout);
  boost::asio::awaitable<Reply> read_reply(std::chrono::seconds timeout,
                                           std::string awaited = "a reply");
  boost::asio::awaitable<Reply> command(std::string line, std::chrono::seconds timeout);
  boost::asio::awaitable<std::optional<SessionError>> hello();
  boost::asio::awaitable<std::optional<SessionError>> handshake();
  boost::asio::awaitable<std::optional<SessionError>> authenticate();
  boost::asio::awaitable<void> end_data_phase_empty();
  boost::asio::awaitable<void> reset();

  const SmtpSettings& settings_;
  boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream_;
  boost::asio::steady_timer deadline_;
  boost::asio::streambuf input_;
  SmtpExtensions extensions_;
  bool tls_active_ = false;
  bool host_mismatch_ = false;  // set by the verify callback of the last handshake
  bool broken_ = false;
  bool timed_out_ = false;
  bool final_dot_sent_ = false;
  std::size_t messages_sent_ = 0;
  std::string last_error_;
};

}  // namespace communique
