// Transport: how letters leave. Declared here, by its user (the campaign runner).
//
// Mechanism only: a transport reports what happened to each letter in the words of its
// peer (an SMTP reply, a file-system error); what that means for the recipient (sent,
// retry later, give up) is decided by the reply policy (delivery/reply_policy.hpp).
//
// Two ways in: send() takes a batch and answers it whole; stream() takes letters one by
// one from a queue and answers each as its peer does, so that a campaign's letters keep
// the connections busy while earlier outcomes are being recorded. stream() is send() in
// small batches unless a transport does better (the SMTP one does).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "base/bounded_queue.hpp"
#include "core/subscriber.hpp"

namespace communique {

struct OutgoingLetter {
  SubscriberId subscriber = 0;
  std::string envelope_from;
  std::string recipient;
  std::string message;  // the exact bytes, CRLF line ends
};

struct TransportOutcome {
  enum class Kind {
    accepted,             // the peer took responsibility for the letter
    temporary_rejection,  // a 4xx reply: the same letter may be accepted later
    permanent_rejection,  // a 5xx reply: this recipient will not accept it
    transport_failure,    // no verdict (connection lost, disk full): try again
    not_sent,             // given back untried: the stream was halted (see stream())
  };
  Kind kind = Kind::accepted;
  std::string reply;  // the peer's words, for people and bounce handling
};

// A letter in a stream, with the caller's number for it (its outcome carries the number).
struct TicketedLetter {
  std::uint64_t ticket = 0;
  OutgoingLetter letter;
};

class Transport {
 public:
  using OutcomeSink = std::function<void(std::uint64_t ticket, TransportOutcome outcome)>;

  virtual ~Transport() = default;
  // Sends every letter of `letters`; returns one outcome for each, in the same order.
  virtual std::vector<TransportOutcome> send(std::span<const OutgoingLetter> letters) = 0;
  // Sends the letters `letters` gives until it is closed and empty, calling `done` (on the
  // calling thread) with each one's outcome as it is known, in any order; returns when
  // every letter taken has been answered. Closing the queue with close_and_take() halts
  // the stream: what was left in the queue is the caller's, and letters the transport
  // took but had not begun to send are answered not_sent.
  virtual void stream(BoundedQueue<TicketedLetter>& letters, const OutcomeSink& done);
  // "maildir /srv/communique-data/outbox", for logs.
  virtual std::string describe() const = 0;
  // A flag that, once set (by a signal handler, say), makes send() return soon: the letters
  // it has not sent yet come back as transport failures saying so. For a transport that
  // can wait long (a rate limit's hour); others finish their call, which is short.
  virtual void stop_when(const std::atomic<bool>* /*flag*/) {}
};

}  // namespace communique
