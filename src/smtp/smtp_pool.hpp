// SmtpPool: the relays and their workers on one io_context. stream() spawns, per relay that
// is not backed off, one worker per connection it may open; the workers take letters as
// they arrive, as fast as the throttle and their relay's rate allow (a letter to a domain
// at its limit waits while letters to other domains go), and answer each as soon as its
// relay has. A feeder thread moves letters from the caller's queue onto the io_context,
// holding at most a few per connection, so memory stays flat and no connection idles
// while letters wait upstream. A letter whose connection broke is tried once more on a new
// one, unless its final dot was sent (the relay may have it: it is answered as a transport
// failure, which the policy defers, rather than sent twice); a letter whose relay failed
// goes back for the others. Letters no relay could take
// are answered as transport failures that say why. Internal to the smtp module.
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "smtp/smtp_relay.hpp"

namespace communique {

class SmtpPool {
 public:
  using Clock = SendThrottle::Clock;

  // `limits` hold for all relays together.
  explicit SmtpPool(ThrottleSettings limits) : throttle_(std::move(limits)) {}
  ~SmtpPool();  // says goodbye to the idle connections

  boost::asio::io_context& io() { return io_; }
  void add(std::unique_ptr<SmtpRelay> relay) { relays_.push_back(std::move(relay)); }
  const std::vector<std::unique_ptr<SmtpRelay>>& relays() const { return relays_; }
  void stop_when(const std::atomic<bool>* flag) { stop_ = flag; }

  // See Transport::stream.
  void stream(BoundedQueue<TicketedLetter>& letters, const Transport::OutcomeSink& done);
  // One outcome per letter, in order (see Transport::send): a stream of them.
  std::vector<TransportOutcome> send(std::span<const OutgoingLetter> letters);

 private:
  struct Pending {
    std::uint64_t ticket = 0;
    OutgoingLetter letter;
    std::string domain;  // lower-cased
  };
  struct Stream;

  bool stopping() const { return stop_ != nullptr && stop_->load(); }
  std::variant<std::size_t, Clock::time_point> pick(const std::deque<Pending>& pending,
                                                    SmtpRelay& relay);
  boost::asio::awaitable<void> work(SmtpRelay& relay, Stream& stream);
  // Answers what is held when no worker is left to send it.
  void answer_unsendable(Stream& stream);
  std::string why_unanswered() const;

  boost::asio::io_context io_;
  SendThrottle throttle_;  // lives across streams: limits span runs
  std::vector<std::unique_ptr<SmtpRelay>> relays_;
  const std::atomic<bool>* stop_ = nullptr;  // see Transport::stop_when
};

}  // namespace communique
