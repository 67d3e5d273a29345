// Mailer: sends single transactional letters (confirmation requests, test sends) through
// a transport of their own, one at a time, and says plainly what became of each.
#pragma once

#include <mutex>

#include "base/result.hpp"
#include "delivery/transport.hpp"

namespace communique {

class Mailer {
 public:
  explicit Mailer(Transport& transport) : transport_(transport) {}

  // unavailable when the peer refused for now or could not be reached, invalid_input when
  // it refused the recipient for good; the message quotes the peer.
  Result<void> send(const OutgoingLetter& letter);

 private:
  std::mutex mutex_;  // transports are not shared between threads
  Transport& transport_;
};

}  // namespace communique
