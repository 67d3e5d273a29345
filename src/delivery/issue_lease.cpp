#include "delivery/issue_lease.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <fstream>
#include <optional>
#include <random>

#include "base/log.hpp"

namespace communique {

namespace {

// The first line of a file, or "" when it cannot be read.
std::string first_line(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

std::string this_pid_space() {
  std::array<char, 256> name{};
  std::string host =
      gethostname(name.data(), name.size() - 1) != 0 || name[0] == '\0' ? "localhost" : name.data();
  // Containers may share a host name, and every kernel's first PID namespace has the same
  // number: the boot (one per kernel) and the namespace together say whose pids these are.
  const std::string boot = first_line("/proc/sys/kernel/random/boot_id").substr(0, 8);
  std::array<char, 64> link{};
  const auto length = ::readlink("/proc/self/ns/pid", link.data(), link.size() - 1);
  std::string space(link.data(), length > 0 ? static_cast<std::size_t>(length) : 0);
  const auto open = space.find('[');
  const auto close = space.find(']');
  space = open != std::string::npos && close > open ? space.substr(open + 1, close - open - 1) : "";
  return host + (boot.empty() ? "" : "~" + boot) + (space.empty() ? "" : "~" + space);
}

namespace {

std::string this_host() {
  static const std::string host = this_pid_space();
  return host;
}

// host:pid:random, new for every lease.
std::string new_owner() {
  std::random_device random;
  const auto high = static_cast<std::uint64_t>(random());
  const auto low = static_cast<std::uint64_t>(random());
  return fmt::format("{}:{}:{:016x}", this_host(), ::getpid(), (high << 32U) | low);
}

struct OwnerParts {
  std::string host;
  pid_t pid = 0;
};

// The host and pid of an owner written by new_owner(); nothing for any other text.
std::optional<OwnerParts> parse_owner(const std::string& owner) {
  const auto last = owner.rfind(':');
  if (last == std::string::npos || last == 0) {
    return std::nullopt;
  }
  const auto middle = owner.rfind(':', last - 1);
  if (middle == std::string::npos) {
    return std::nullopt;
  }
  OwnerParts parts{owner.substr(0, middle), 0};
  const char* first = owner.data() + middle + 1;
  const char* end = owner.data() + last;
  const auto [next, error] = std::from_chars(first, end, parts.pid);
  if (error != std::errc() || next != end || parts.pid <= 0) {
    return std::nullopt;
  }
  return parts;
}

}  // namespace

bool holder_is_gone(const std::string& owner) {
  const auto parts = parse_owner(owner);
  if (!parts || parts->host != this_host()) {
    return false;
  }
  if (parts->pid == ::getpid()) {
    return true;  // the owner is not us (owners are new per lease): a previous process
  }
  return ::kill(parts->pid, 0) != 0 && errno == ESRCH;
}

Result<IssueLease> IssueLease::take(LedgerStore& store, IssueId issue, Timestamp now,
                                    LeaseSettings settings) {
  IssueLease lease(store, issue, settings);
  const std::string owner = new_owner();
  auto taken = store.take_issue_lease(issue, owner, "", now, now + settings.ttl);
  if (!taken) {
    return std::move(taken).error();
  }
  if (!taken->granted && holder_is_gone(taken->holder.owner)) {
    auto log = logger("delivery");
    log->warn("issue {}: its runner {} has stopped (its process is gone); taking over", issue,
              taken->holder.owner);
    taken = store.take_issue_lease(issue, owner, taken->holder.owner, now, now + settings.ttl);
    if (!taken) {
      return std::move(taken).error();
    }
  }
  lease.held_ = taken->granted;
  lease.holder_ = std::move(taken->holder);
  lease.requeued_ = taken->requeued;
  return lease;
}

IssueLease::IssueLease(IssueLease&& other) noexcept
    : store_(other.store_),
      issue_(other.issue_),
      settings_(other.settings_),
      held_(std::exchange(other.held_, false)),
      holder_(std::move(other.holder_)),
      requeued_(other.requeued_) {}

std::string IssueLease::describe_holder() const {
  const auto& [owner, expires_at] = holder_;
  const std::string until = format_iso8601(expires_at);
  const auto parts = parse_owner(owner);
  if (parts && parts->host == this_host()) {
    return fmt::format("issue {} is being sent by {} (process {} on this host, lease until {})",
                       issue_, owner, parts->pid, until);
  }
  return fmt::format(
      "issue {} is being sent by {} (on another host, lease until {}; should that runner have "
      "stopped, the issue is free once its lease runs out)",
      issue_, owner, until);
}

Result<bool> IssueLease::renew(Timestamp now) const {
  if (!held_) {
    return false;
  }
  return store_->renew_issue_lease(issue_, holder_.owner, now + settings_.ttl);
}

void IssueLease::release() {
  if (!std::exchange(held_, false)) {
    return;
  }
  if (auto released = store_->release_issue_lease(issue_, holder_.owner); !released) {
    // It runs out by itself; the next runner waits for that.
    auto log = logger("delivery");
    log->warn("issue {}: its lease could not be ended ({}); it runs out within {} s", issue_,
              released.error().message, settings_.ttl.count());
  }
}

LeaseHeartbeat::LeaseHeartbeat(const IssueLease& lease, Clock clock)
    : lease_(lease), clock_(std::move(clock)), thread_([this] { beat(); }) {}

LeaseHeartbeat::~LeaseHeartbeat() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void LeaseHeartbeat::beat() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, lease_.renew_every(), [this] { return stopping_; })) {
    lock.unlock();
    auto renewed = lease_.renew(clock_());
    lock.lock();
    if (!renewed) {
      // A busy database: the lease still has three beats before it runs out.
      auto log = logger("delivery");
      log->warn("issue {}: its lease was not renewed ({})", lease_.issue(),
                renewed.error().message);
    } else if (!*renewed) {
      lost_ = true;
      return;
    }
  }
}

}  // namespace communique
