// SmtpPool: the relays and their workers on one io_context. send() spawns, per relay that
// is not backed off, one worker per connection it may open; the workers take letters from
// one queue as fast as the throttle and their relay's rate allow (a letter to a domain at
// its limit waits while letters to other domains go). A letter whose connection broke is
// tried once more on a new one; a letter whose relay failed goes back to the queue for
// the others. Letters no relay could take come back as transport failures that say why.
// Internal to the smtp module.
#pragma once

#include <atomic>
#include <memory>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "smtp/smtp_relay.hpp"

namespace communique {

// The letters of one send() call, and which of them are taken.
struct LetterQueue {
  std::span<const OutgoingLetter> letters;
  std::vector<std::string> domains;  // lower-cased recipient domains
  std::vector<bool> taken;
  std::size_t first_free = 0;  // no letter before it is free
  std::size_t remaining = 0;
};

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

  // One outcome per letter, in order (see Transport::send).
  std::vector<TransportOutcome> send(std::span<const OutgoingLetter> letters);

 private:
  bool stopping() const { return stop_ != nullptr && stop_->load(); }
  std::variant<std::size_t, Clock::time_point> pick(LetterQueue& queue, SmtpRelay& relay);
  static void put_back(LetterQueue& queue, std::size_t index);
  boost::asio::awaitable<void> work(SmtpRelay& relay, LetterQueue& queue,
                                    std::vector<TransportOutcome>& outcomes,
                                    std::vector<bool>& answered);
  std::string why_unanswered() const;

  boost::asio::io_context io_;
  SendThrottle throttle_;  // lives across send() calls: limits span windows
  std::vector<std::unique_ptr<SmtpRelay>> relays_;
  const std::atomic<bool>* stop_ = nullptr;  // see Transport::stop_when
};

}  // namespace communique
