#include "smtp/smtp_relay.hpp"

#include <chrono>

#include "base/log.hpp"
#include "core/time.hpp"

namespace communique {

SmtpRelay::SmtpRelay(SmtpSettings settings, boost::asio::io_context& io)
    : settings_(std::move(settings)),
      tls_(boost::asio::ssl::context::tls_client),
      rate_(ThrottleSettings{.messages_per_second = settings_.messages_per_second}),
      io_(io) {}

SendThrottle::Decision SmtpRelay::take_turn(Clock::time_point now) {
  return rate_.acquire(kWholeRelay, now);
}

void SmtpRelay::end_turn() {
  rate_.release(kWholeRelay);
}

void SmtpRelay::back_off(const std::string& error) {
  last_failure_ = error;
  const auto delay = backoff_.failed(Clock::now());
  if (!delay) {
    return;  // another connection already reported this outage
  }
  logger("smtp")->warn("relay {}:{} failed ({}); backed off for {} s, next attempt at {}",
                       settings_.host, settings_.port, error, delay->count(),
                       format_iso8601(system_clock_now() + *delay));
}

boost::asio::awaitable<std::unique_ptr<SmtpSession>> SmtpRelay::acquire() {
  while (!idle_.empty()) {
    auto session = std::move(idle_.front());
    idle_.pop_front();
    if (session->broken()) {
      continue;
    }
    if (std::chrono::steady_clock::now() - session->idle_since > settings_.idle_timeout) {
      co_await session->quit();  // servers drop idle clients; leave first, politely
      continue;
    }
    co_return session;
  }
  auto session = std::make_unique<SmtpSession>(io_, tls_, settings_);
  auto failure = co_await session->open();
  if (failure) {
    back_off(failure->what);
    co_return nullptr;
  }
  backoff_.worked();
  last_failure_.clear();
  co_return session;
}

boost::asio::awaitable<void> SmtpRelay::release(std::unique_ptr<SmtpSession> session) {
  if (session->broken()) {
    co_return;
  }
  if (session->messages_sent() >= settings_.max_messages_per_connection) {
    co_await session->quit();
    co_return;
  }
  session->idle_since = std::chrono::steady_clock::now();
  idle_.push_back(std::move(session));
}

boost::asio::awaitable<void> SmtpRelay::close_idle() {
  while (!idle_.empty()) {
    auto session = std::move(idle_.front());
    idle_.pop_front();
    co_await session->quit();
  }
}

}  // namespace communique
