// RelayBackoff: when a relay that could not be used is tried again. Policy, kept apart
// from the SMTP mechanism that reports the failures (as ReplyPolicy is for replies).
//
//   the relay fails while in use     → backed off for `first`, doubled for each failure
//                                       since it last worked, up to `cap`; the caller
//                                       says so once (the relay, why, the next attempt)
//   it fails while backed off        → the same outage, seen by another connection that
//                                       was already trying: it neither lengthens the
//                                       back-off nor is said again
//   a connection to it opens         → its failures are forgotten
//
// Pure decisions on the times it is given; it neither sleeps nor reads a clock.
#pragma once

#include <chrono>
#include <optional>

namespace communique {

struct RelayBackoffSettings {
  std::chrono::seconds first{30};
  std::chrono::seconds cap{600};
};

class RelayBackoff {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RelayBackoff(RelayBackoffSettings settings = {}) : settings_(settings) {}

  // Whether a letter may be tried on the relay at `now`.
  bool available(Clock::time_point now) const { return now >= until_; }

  // Records that the relay failed at `now`. Returns how long it is backed off when this
  // failure backs it off, or nothing when it was backed off already.
  std::optional<std::chrono::seconds> failed(Clock::time_point now);

  // Records that a connection to the relay opened.
  void worked() { failures_ = 0; }

 private:
  RelayBackoffSettings settings_;
  Clock::time_point until_{};
  int failures_ = 0;  // since the relay last worked
};

}  // namespace communique
