#include "delivery/send_throttle.hpp"

#include <algorithm>

namespace communique {

namespace {

using Clock = SendThrottle::Clock;

std::int64_t minute_of(Clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::minutes>(time.time_since_epoch()).count();
}

}  // namespace

const DomainLimit& SendThrottle::limit_for(const std::string& domain) const {
  for (const auto& limit : settings_.domains) {
    if (limit.domain == domain) {
      return limit;
    }
  }
  return settings_.default_domain;
}

// A token bucket with one second of burst: `rate` tokens a second, at most `rate` (or 1)
// held. Takes a token and sets ok, or returns when the next token comes.
Clock::time_point SendThrottle::take_or_retry(Bucket& bucket, double rate, Clock::time_point now,
                                              bool& ok) {
  ok = true;
  if (rate <= 0) {
    return now;
  }
  const double capacity = std::max(1.0, rate);
  if (!bucket.started) {
    bucket = {capacity, now, true};
  }
  const std::chrono::duration<double> elapsed = now - bucket.refilled;
  bucket.tokens = std::min(capacity, bucket.tokens + elapsed.count() * rate);
  bucket.refilled = now;
  if (bucket.tokens >= 1.0) {
    return now;
  }
  ok = false;
  const double wait = (1.0 - bucket.tokens) / rate;
  return now + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(wait));
}

std::int64_t SendThrottle::sent_last_hour(Clock::time_point now) {
  const std::int64_t minute = minute_of(now);
  if (current_minute_ < 0) {
    current_minute_ = minute;
  }
  // Forget the minutes that slid out of the hour.
  for (std::int64_t m = current_minute_ + 1; m <= minute && m <= current_minute_ + 60; ++m) {
    minute_counts_[static_cast<std::size_t>(m % 60)] = 0;
  }
  current_minute_ = std::max(current_minute_, minute);
  std::int64_t total = 0;
  for (auto count : minute_counts_) {
    total += count;
  }
  return total;
}

SendThrottle::Decision SendThrottle::acquire(const std::string& domain, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  const DomainLimit& limit = limit_for(domain);
  auto& state = domains_[domain];
  if (limit.max_concurrent > 0 && state.active >= limit.max_concurrent) {
    // Asked again when a transaction ends; the caller polls meanwhile.
    return {false, now + std::chrono::milliseconds(20)};
  }
  if (settings_.messages_per_hour > 0 && sent_last_hour(now) >= settings_.messages_per_hour) {
    // The oldest minute leaves the window at the start of the next minute.
    const auto next_minute = Clock::time_point(std::chrono::minutes(minute_of(now) + 1));
    return {false, next_minute};
  }
  // Check both buckets before taking from either, so a refusal takes nothing.
  Bucket global_probe = global_;
  Bucket domain_probe = state.bucket;
  bool global_ok = true;
  bool domain_ok = true;
  const auto global_retry =
      take_or_retry(global_probe, settings_.messages_per_second, now, global_ok);
  const auto domain_retry = take_or_retry(domain_probe, limit.messages_per_second, now, domain_ok);
  if (!global_ok || !domain_ok) {
    global_ = global_probe;  // keep the refill bookkeeping
    state.bucket = domain_probe;
    return {false, std::max(global_ok ? now : global_retry, domain_ok ? now : domain_retry)};
  }
  global_ = global_probe;
  state.bucket = domain_probe;
  if (settings_.messages_per_second > 0) {
    global_.tokens -= 1.0;
  }
  if (limit.messages_per_second > 0) {
    state.bucket.tokens -= 1.0;
  }
  if (settings_.messages_per_hour > 0) {
    ++minute_counts_[static_cast<std::size_t>(minute_of(now) % 60)];
  }
  ++state.active;
  return {true, now};
}

void SendThrottle::release(const std::string& domain) {
  std::lock_guard lock(mutex_);
  auto found = domains_.find(domain);
  if (found != domains_.end() && found->second.active > 0) {
    --found->second.active;
  }
}

}  // namespace communique
