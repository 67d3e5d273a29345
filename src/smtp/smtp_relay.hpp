// SmtpRelay: one configured relay — its settings, its own TLS context, its own rate, its
// idle sessions kept between runs, and its back-off (delivery/relay_backoff.hpp decides
// it; this applies it and says so once). Internal to the smtp module.
#pragma once

#include <deque>
#include <memory>
#include <string>

#include "delivery/relay_backoff.hpp"
#include "delivery/send_throttle.hpp"
#include "smtp/smtp_session.hpp"

namespace communique {

class SmtpRelay {
 public:
  using Clock = SendThrottle::Clock;

  SmtpRelay(SmtpSettings settings, boost::asio::io_context& io);

  const SmtpSettings& settings() const { return settings_; }
  boost::asio::ssl::context& tls() { return tls_; }

  // The relay's own rate (messages_per_second), for all its letters together: whether one
  // more may leave at `now`. A granted turn is ended by end_turn() when its letter is done.
  SendThrottle::Decision take_turn(Clock::time_point now);
  void end_turn();

  bool available(Clock::time_point now) const { return backoff_.available(now); }
  // Why the relay was last backed off, for the letters it could not take; empty when it
  // has worked since.
  const std::string& last_failure() const { return last_failure_; }

  // Takes an idle session or opens a new one; nullptr when none could be opened (the
  // relay is then backed off).
  boost::asio::awaitable<std::unique_ptr<SmtpSession>> acquire();
  // Keeps a session that is still good for more letters idle; closes it otherwise.
  boost::asio::awaitable<void> release(std::unique_ptr<SmtpSession> session);
  // Closes every idle session politely.
  boost::asio::awaitable<void> close_idle();

 private:
  void back_off(const std::string& error);

  // The rate's one "domain": the whole relay (SendThrottle counts letters per domain).
  static inline const std::string kWholeRelay;

  SmtpSettings settings_;
  boost::asio::ssl::context tls_;
  SendThrottle rate_;
  boost::asio::io_context& io_;
  std::deque<std::unique_ptr<SmtpSession>> idle_;
  RelayBackoff backoff_;
  std::string last_failure_;
};

}  // namespace communique
