// ClaimPacer: how many recipients the campaign runner claims next, and when.
//
// Policy:
// - at most `max_in_flight` letters are claimed and not yet recorded (rows `sending`):
//   this bounds both memory and what a crash can send twice;
// - a claim is a batch sized to the measured rate of answers: about `lead` worth of
//   letters, at least `min_batch`, at most half of `max_in_flight` (so that a new batch is
//   claimed while the previous one is still being sent, and the workers never wait);
// - before any answer is measured, batches are of `min_batch`;
// - nothing is claimed while a whole batch would not fit, unless nothing is in flight.
// Mechanism only: the ledger calls are the runner's.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>

namespace communique {

struct ClaimPacerSettings {
  std::size_t max_in_flight = 100;
  std::size_t min_batch = 10;
  std::chrono::milliseconds lead{20};
};

class ClaimPacer {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ClaimPacer(ClaimPacerSettings settings);

  // Counts `count` answers (letters sent, refused or put back) at `now`.
  void answered(std::size_t count, Clock::time_point now);
  // Answers a second, as last measured; nothing before a first measurement.
  std::optional<double> rate() const { return rate_; }
  // The size of a batch at the measured rate.
  std::size_t batch() const;
  // How many to claim now with `in_flight` claimed and not yet recorded; 0: not now.
  std::size_t to_claim(std::size_t in_flight) const;

 private:
  // Answers are counted over intervals at least this long before the rate is updated.
  static constexpr auto kInterval = std::chrono::milliseconds(100);

  ClaimPacerSettings settings_;
  std::optional<double> rate_;
  std::optional<Clock::time_point> interval_start_;
  std::size_t interval_count_ = 0;
};

}  // namespace communique
