#include "smtp/smtp_pool.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <set>

#include "base/text.hpp"

namespace communique {

namespace asio = boost::asio;
using Kind = TransportOutcome::Kind;

SmtpPool::~SmtpPool() {
  io_.restart();
  for (auto& relay : relays_) {
    asio::co_spawn(io_, relay->close_idle(), asio::detached);
  }
  io_.run();
}

// The first free letter that both the throttle and `relay`'s rate let leave now, taken;
// or the time to look again.
std::variant<std::size_t, SmtpPool::Clock::time_point> SmtpPool::pick(LetterQueue& queue,
                                                                      SmtpRelay& relay) {
  const auto now = Clock::now();
  auto earliest = Clock::time_point::max();
  std::set<std::string_view> refused;  // domains already refused in this scan
  while (queue.first_free < queue.taken.size() && queue.taken[queue.first_free]) {
    ++queue.first_free;
  }
  for (std::size_t i = queue.first_free; i < queue.taken.size(); ++i) {
    if (queue.taken[i] || refused.contains(queue.domains[i])) {
      continue;
    }
    const auto relay_decision = relay.take_turn(now);
    if (!relay_decision.granted) {
      return relay_decision.retry_at;
    }
    const auto decision = throttle_.acquire(queue.domains[i], now);
    if (decision.granted) {
      queue.taken[i] = true;
      --queue.remaining;
      return i;
    }
    relay.end_turn();
    earliest = std::min(earliest, decision.retry_at);
    refused.insert(queue.domains[i]);
  }
  return earliest;
}

void SmtpPool::put_back(LetterQueue& queue, std::size_t index) {
  queue.taken[index] = false;
  ++queue.remaining;
  queue.first_free = std::min(queue.first_free, index);
}

// One connection's worker on `relay`: takes letters the limits allow until none are
// left, or until its relay fails (its letter then goes back for another relay).
asio::awaitable<void> SmtpPool::work(SmtpRelay& relay, LetterQueue& queue,
                                     std::vector<TransportOutcome>& outcomes,
                                     std::vector<bool>& answered) {
  std::unique_ptr<SmtpSession> session;
  asio::steady_timer pause(io_);
  while (queue.remaining > 0 && !stopping() && relay.available(Clock::now())) {
    auto picked = pick(queue, relay);
    if (auto* retry_at = std::get_if<Clock::time_point>(&picked)) {
      pause.expires_at(std::min(*retry_at, Clock::now() + std::chrono::milliseconds(200)));
      boost::system::error_code ignored;
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
      continue;
    }
    const std::size_t index = std::get<std::size_t>(picked);
    std::optional<TransportOutcome> outcome;
    // A connection that breaks mid-letter gets one more try on a fresh one.
    for (int attempt = 0; attempt < 2 && !outcome; ++attempt) {
      if (session && (session->broken() ||
                      session->messages_sent() >= relay.settings().max_messages_per_connection)) {
        co_await relay.release(std::move(session));
      }
      if (!session) {
        session = co_await relay.acquire();
        if (!session) {
          break;  // the relay is down: this letter goes to another relay
        }
      }
      auto result = co_await session->send(queue.letters[index]);
      if (result.kind != Kind::transport_failure || !session->broken() || attempt == 1) {
        outcome = std::move(result);
      }
    }
    throttle_.release(queue.domains[index]);
    relay.end_turn();
    if (!outcome) {
      put_back(queue, index);
      break;
    }
    outcomes[index] = std::move(*outcome);
    answered[index] = true;
  }
  if (session) {
    co_await relay.release(std::move(session));
  }
}

// Why letters were left: the send was stopped, or every relay is backed off. The policy
// retries them later; the reason says why the relays failed, which is what the sender
// needs to mend.
std::string SmtpPool::why_unanswered() const {
  if (stopping()) {
    return "not sent: the send was stopped; a later run sends it";
  }
  std::string why;
  for (const auto& relay : relays_) {
    if (!relay->last_failure().empty()) {
      why += (why.empty() ? "" : "; ") + relay->last_failure();
    }
  }
  return why.empty() ? "no SMTP relay is available now (all backed off)"
                     : "no SMTP relay is available now (all backed off): " + why;
}

std::vector<TransportOutcome> SmtpPool::send(std::span<const OutgoingLetter> letters) {
  std::vector<TransportOutcome> outcomes(letters.size());
  std::vector<bool> answered(letters.size(), false);
  LetterQueue queue{letters, {}, std::vector<bool>(letters.size(), false), 0, letters.size()};
  queue.domains.reserve(letters.size());
  for (const auto& letter : letters) {
    const auto at = letter.recipient.rfind('@');
    queue.domains.push_back(
        ascii_lower(at == std::string::npos ? "" : letter.recipient.substr(at + 1)));
  }
  io_.restart();
  const auto now = Clock::now();
  for (auto& relay : relays_) {
    if (!relay->available(now)) {
      continue;
    }
    const std::size_t workers = std::min(relay->settings().max_connections, letters.size());
    for (std::size_t i = 0; i < workers; ++i) {
      asio::co_spawn(io_, work(*relay, queue, outcomes, answered), asio::detached);
    }
  }
  io_.run();
  std::string unanswered;
  for (std::size_t i = 0; i < letters.size(); ++i) {
    if (!answered[i]) {
      if (unanswered.empty()) {
        unanswered = why_unanswered();
      }
      outcomes[i] = {Kind::transport_failure, unanswered};
    }
  }
  return outcomes;
}

}  // namespace communique
