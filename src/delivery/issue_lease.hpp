// IssueLease: one runner per issue, across processes. A runner holds the issue's lease in
// the store while it sends, renews it on a heartbeat, and ends it when it stops; a second
// runner (a `send` while `serve` resumes the issue, or two `send` at once) is refused.
//
// Policy:
// - the owner is space:pid:random, new for every lease, so that a process that gets the
//   pid of one that died is not mistaken for it; the space names whose pids these are (host
//   name, boot and PID namespace), so that containers sharing a host name or a data
//   volume never judge each other's pids;
// - a lease is taken when nobody holds it or when its holder's lease ran out (`ttl`,
//   renewed every ttl/4 while the runner lives, however long a relay takes);
// - a holder in this pid space whose process no longer exists (kill -9, a crash) is taken
//   over at once; any other holder only once its lease has run out;
// - only a runner that took the lease (free, run out, or from a dead holder) puts the
//   letters a stopped runner left in flight back in the queue, in the same transaction
//   (LedgerStore::take_issue_lease): a live runner's window is never sent twice;
// - a runner whose lease was taken over (it stalled past its ttl) stops claiming.
// It does not wait: callers decide (`send` refuses, or waits with --wait; `serve` leaves
// the issue to its holder).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "base/result.hpp"
#include "core/time.hpp"
#include "store/ledger_store.hpp"

namespace communique {

// This process's pid space: "host~boot~namespace" (the parts that can be read).
std::string this_pid_space();

// Whether the lease `owner` is a process of this pid space that no longer runs, so that
// its lease may be taken over at once instead of after it runs out. A pid another process
// got since is taken for alive (the lease then runs out); an owner with our own pid is an
// earlier incarnation (owners are new per lease).
bool holder_is_gone(const std::string& owner);

struct LeaseSettings {
  std::chrono::seconds ttl{60};  // a lease not renewed for this long may be taken over
};

class IssueLease {
 public:
  // Tries to take the lease of `issue` at `now`: the answer is held(), or names its
  // holder (describe_holder()). Errors are the store's.
  static Result<IssueLease> take(LedgerStore& store, IssueId issue, Timestamp now,
                                 LeaseSettings settings);

  IssueLease(IssueLease&& other) noexcept;
  IssueLease& operator=(IssueLease&&) = delete;
  IssueLease(const IssueLease&) = delete;
  ~IssueLease() { release(); }

  bool held() const { return held_; }
  IssueId issue() const { return issue_; }
  // Ours when held; otherwise the runner that holds it.
  const LeaseHolder& holder() const { return holder_; }
  // When held: how many letters a stopped runner left in flight were put back in the queue.
  std::int64_t requeued() const { return requeued_; }
  // For a lease not held, who holds it and what happens next: "issue 7 is being sent by
  // H (process 42 on this host, lease until T)".
  std::string describe_holder() const;

  // Extends a held lease to now + ttl; false when it was taken over (thread-safe).
  Result<bool> renew(Timestamp now) const;
  std::chrono::seconds renew_every() const { return settings_.ttl / 4; }
  // Ends a held lease (the destructor does it too).
  void release();

 private:
  IssueLease(LedgerStore& store, IssueId issue, LeaseSettings settings)
      : store_(&store), issue_(issue), settings_(settings) {}

  LedgerStore* store_;
  IssueId issue_;
  LeaseSettings settings_;
  bool held_ = false;
  LeaseHolder holder_;
  std::int64_t requeued_ = 0;
};

// Renews a held lease every renew_every() on a thread of its own while it lives, so that a
// slow window (a stalled relay, an hourly quota) does not let the lease run out under a
// live runner. lost() turns true once the lease is found taken over.
class LeaseHeartbeat {
 public:
  LeaseHeartbeat(const IssueLease& lease, Clock clock);
  LeaseHeartbeat(const LeaseHeartbeat&) = delete;
  LeaseHeartbeat& operator=(const LeaseHeartbeat&) = delete;
  ~LeaseHeartbeat();

  bool lost() const { return lost_; }

 private:
  void beat();

  const IssueLease& lease_;
  Clock clock_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::atomic<bool> lost_{false};
  std::thread thread_;
};

}  // namespace communique
