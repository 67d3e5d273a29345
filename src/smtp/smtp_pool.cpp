#include "smtp/smtp_pool.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <semaphore>
#include <set>
#include <thread>

#include "base/text.hpp"

namespace communique {

namespace asio = boost::asio;
using Kind = TransportOutcome::Kind;

// What one stream() call shares between its workers, on the io_context's thread (only the
// semaphore is touched by the feeder thread as well).
struct SmtpPool::Stream {
  Stream(asio::io_context& io, const Transport::OutcomeSink& sink, std::ptrdiff_t room)
      : arrival(io, Clock::time_point::max()), done(sink), held(room) {}

  void answer(Pending& letter, TransportOutcome outcome) {
    done(letter.ticket, std::move(outcome));
    held.release();
  }

  std::deque<Pending> pending;  // letters taken from the caller, not yet picked
  bool input_ended = false;     // the caller's queue is closed and empty
  std::size_t workers = 0;      // workers still running
  // Never expires: workers wait on it for letters, and an arrival cancels the waits.
  asio::steady_timer arrival;
  const Transport::OutcomeSink& done;
  // Letters the pool holds (pending or in a transaction): the feeder takes one more only
  // when one was answered.
  std::counting_semaphore<> held;
};

SmtpPool::~SmtpPool() {
  io_.restart();
  for (auto& relay : relays_) {
    asio::co_spawn(io_, relay->close_idle(), asio::detached);
  }
  io_.run();
}

// The first pending letter that both the throttle and `relay`'s rate let leave now (its
// turn taken); or the time to look again.
std::variant<std::size_t, SmtpPool::Clock::time_point> SmtpPool::pick(
    const std::deque<Pending>& pending, SmtpRelay& relay) {
  const auto now = Clock::now();
  auto earliest = Clock::time_point::max();
  std::set<std::string_view> refused;  // domains already refused in this scan
  for (std::size_t i = 0; i < pending.size(); ++i) {
    if (refused.contains(pending[i].domain)) {
      continue;
    }
    const auto relay_decision = relay.take_turn(now);
    if (!relay_decision.granted) {
      return relay_decision.retry_at;
    }
    const auto decision = throttle_.acquire(pending[i].domain, now);
    if (decision.granted) {
      return i;
    }
    relay.end_turn();
    earliest = std::min(earliest, decision.retry_at);
    refused.insert(pending[i].domain);
  }
  return earliest;
}

// One connection's worker on `relay`: takes letters the limits allow until the stream
// ends, or until its relay fails (its letter then goes back for another relay).
asio::awaitable<void> SmtpPool::work(SmtpRelay& relay, Stream& stream) {
  std::unique_ptr<SmtpSession> session;
  asio::steady_timer pause(io_);
  while (!stopping() && relay.available(Clock::now())) {
    if (stream.pending.empty()) {
      if (stream.input_ended) {
        break;
      }
      if (session) {
        // It waits in the relay's pool meanwhile, where the idle timeout applies to it.
        // The release may suspend, and the stream may end meanwhile: look again first.
        co_await relay.release(std::move(session));
        continue;
      }
      // Nothing suspends between the look above and this wait, so no arrival (or end) is
      // missed: each cancels the waits then pending.
      boost::system::error_code ignored;
      co_await stream.arrival.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
      continue;
    }
    auto picked = pick(stream.pending, relay);
    if (auto* retry_at = std::get_if<Clock::time_point>(&picked)) {
      pause.expires_at(std::min(*retry_at, Clock::now() + std::chrono::milliseconds(200)));
      boost::system::error_code ignored;
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
      continue;
    }
    const auto at = stream.pending.begin() + static_cast<std::ptrdiff_t>(std::get<0>(picked));
    Pending letter = std::move(*at);
    stream.pending.erase(at);
    std::optional<TransportOutcome> outcome;
    // A connection that breaks mid-letter gets one more try on a fresh one; once the final
    // dot was sent the relay may have the letter, so it is deferred instead (the policy
    // retries it later), never sent again at once.
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
      auto result = co_await session->send(letter.letter);
      if (result.kind != Kind::transport_failure || !session->broken() || attempt == 1 ||
          session->final_dot_sent()) {
        outcome = std::move(result);
      }
    }
    throttle_.release(letter.domain);
    relay.end_turn();
    if (!outcome) {
      stream.pending.push_front(std::move(letter));
      stream.arrival.cancel();  // for the workers of other relays
      break;
    }
    stream.answer(letter, std::move(*outcome));
  }
  if (session) {
    co_await relay.release(std::move(session));
  }
  if (--stream.workers == 0) {
    answer_unsendable(stream);
  }
}

void SmtpPool::answer_unsendable(Stream& stream) {
  if (stream.workers > 0 || stream.pending.empty()) {
    return;
  }
  // Letters a stop left untried go back as they were; those no relay could take are
  // failures the policy retries later.
  const Kind kind = stopping() ? Kind::not_sent : Kind::transport_failure;
  const std::string why = why_unanswered();
  for (auto& letter : stream.pending) {
    stream.answer(letter, {kind, why});
  }
  stream.pending.clear();
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

void SmtpPool::stream(BoundedQueue<TicketedLetter>& letters, const Transport::OutcomeSink& done) {
  std::size_t connections = 0;
  for (const auto& relay : relays_) {
    connections += relay->settings().max_connections;
  }
  // A few letters a connection, so that a worker finds one at once, and a letter to a
  // domain at its limit does not hold up the rest.
  Stream stream(io_, done, static_cast<std::ptrdiff_t>(4 * connections + 64));
  io_.restart();
  auto busy = asio::make_work_guard(io_);  // until the feeder has said the input ended
  std::atomic<bool> abandoned{false};      // the io_context failed: the feeder stops
  std::jthread feeder([&] {
    for (;;) {
      // Waits for room, but not past a halt: the letters held (waiting for a domain's
      // hour, say) are then given back at once.
      if (!stream.held.try_acquire_for(std::chrono::milliseconds(50))) {
        if (letters.taken_back() || abandoned) {
          break;
        }
        continue;
      }
      auto item = abandoned ? std::nullopt : letters.pop();
      if (!item) {
        stream.held.release();
        break;
      }
      asio::post(io_, [&stream, this, item = std::move(*item)]() mutable {
        const auto at = item.letter.recipient.rfind('@');
        std::string domain =
            ascii_lower(at == std::string::npos ? "" : item.letter.recipient.substr(at + 1));
        stream.pending.push_back({item.ticket, std::move(item.letter), std::move(domain)});
        stream.arrival.cancel();
        answer_unsendable(stream);
      });
    }
    asio::post(io_, [&stream, &busy, halted = letters.taken_back()] {
      stream.input_ended = true;
      if (halted) {  // by close_and_take(): what is pending is given back
        for (auto& letter : stream.pending) {
          stream.answer(letter, {Kind::not_sent, "not sent: the send was halted"});
        }
        stream.pending.clear();
      }
      stream.arrival.cancel();
      busy.reset();
    });
  });
  const auto now = Clock::now();
  for (auto& relay : relays_) {
    if (!relay->available(now)) {
      continue;
    }
    for (std::size_t i = 0; i < relay->settings().max_connections; ++i) {
      ++stream.workers;
      asio::co_spawn(io_, work(*relay, stream), asio::detached);
    }
  }
  try {
    io_.run();
  } catch (...) {
    // A fault (not an SMTP error: those are outcomes) leaves the stream to its caller.
    abandoned = true;
    letters.close();
    stream.held.release();
    feeder.join();
    throw;
  }
  feeder.join();
  // The feeder's last post ran before run() returned: nothing is left unanswered.
}

std::vector<TransportOutcome> SmtpPool::send(std::span<const OutgoingLetter> letters) {
  std::vector<TransportOutcome> outcomes(letters.size());
  BoundedQueue<TicketedLetter> queue(std::max<std::size_t>(1, letters.size()));
  for (std::size_t i = 0; i < letters.size(); ++i) {
    queue.push({i, letters[i]});
  }
  queue.close();
  stream(queue, [&](std::uint64_t ticket, TransportOutcome outcome) {
    outcomes[ticket] = std::move(outcome);
  });
  return outcomes;
}

}  // namespace communique
