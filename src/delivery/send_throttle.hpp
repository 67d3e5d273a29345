// SendThrottle: how fast letters may leave. Policy, kept apart from the SMTP mechanism
// that asks it before every transaction.
//
// Limits (each 0 = none):
// - messages per second, overall (a token bucket with one second of burst);
// - messages per hour, overall, as an exact sliding window (sixty one-minute buckets), for
//   relays that sell an hourly quota;
// - per destination domain ("gmail.com"): at most `max_concurrent` transactions at once and
//   `messages_per_second`, because the large mailbox providers defer senders that rush
//   them. Domains without their own line use the default line.
// A letter that may not leave now is not refused: the caller asks again at the time the
// throttle names, and sends letters to other domains meanwhile.
// Limits hold within one process; they are not shared between nodes.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace communique {

struct DomainLimit {
  std::string domain;  // lower case; empty for the default line
  std::size_t max_concurrent = 0;
  double messages_per_second = 0;
};

struct ThrottleSettings {
  double messages_per_second = 0;
  std::int64_t messages_per_hour = 0;
  std::vector<DomainLimit> domains;
  DomainLimit default_domain;
};

class SendThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  explicit SendThrottle(ThrottleSettings settings) : settings_(std::move(settings)) {}

  struct Decision {
    bool granted = false;
    Clock::time_point retry_at{};  // when not granted: the earliest time worth asking again
  };

  // May a letter to `domain` leave at `now`? When granted, its share of every limit is
  // taken, and release() must follow when its transaction ends.
  Decision acquire(const std::string& domain, Clock::time_point now);
  void release(const std::string& domain);

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point refilled{};
    bool started = false;
  };
  struct DomainState {
    std::size_t active = 0;
    Bucket bucket;
  };

  const DomainLimit& limit_for(const std::string& domain) const;
  static Clock::time_point take_or_retry(Bucket& bucket, double rate, Clock::time_point now,
                                         bool& ok);
  std::int64_t sent_last_hour(Clock::time_point now);

  ThrottleSettings settings_;
  std::mutex mutex_;
  Bucket global_;
  std::map<std::string, DomainState, std::less<>> domains_;
  // Sliding hour: letters counted per minute, for the sixty minutes up to now.
  std::array<std::int64_t, 60> minute_counts_{};
  std::int64_t current_minute_ = -1;
};

}  // namespace communique
