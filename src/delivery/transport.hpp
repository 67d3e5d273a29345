// Transport: how letters leave. Declared here, by its user (the campaign runner).
//
// Mechanism only: a transport reports what happened to each letter in the words of its
// peer (an SMTP reply, a file-system error); what that means for the recipient (sent,
// retry later, give up) is decided by the reply policy (delivery/reply_policy.hpp).
#pragma once

#include <atomic>

#include <span>
#include <string>
#include <vector>

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
  };
  Kind kind = Kind::accepted;
  std::string reply;  // the peer's words, for people and bounce handling
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends every letter of `letters`; returns one outcome for each, in the same order.
  virtual std::vector<TransportOutcome> send(std::span<const OutgoingLetter> letters) = 0;
  // "maildir /srv/communique-data/outbox", for logs.
  virtual std::string describe() const = 0;
  // A flag that, once set (by a signal handler, say), makes send() return soon: the letters
  // it has not sent yet come back as transport failures saying so. For a transport that
  // can wait long (a rate limit's hour); others finish their call, which is short.
  virtual void stop_when(const std::atomic<bool>* /*flag*/) {}
};

}  // namespace communique
