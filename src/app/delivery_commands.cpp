// Commands that send: send, issues status.
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

#include "app/commands.hpp"
#include "app/progress_bar.hpp"
#include "app/runtime.hpp"
#include "delivery/campaign_runner.hpp"
#include "delivery/issue_control.hpp"
#include "delivery/issue_lease.hpp"

namespace communique {

namespace {

std::atomic<bool> stop_requested{false};

extern "C" void request_stop(int) {
  stop_requested = true;
}

// The lease of `issue` for this command: taken at once or refused, or with `wait` taken
// once its holder ends (or its lease runs out), showing meanwhile what the holder has
// sent. A lease not held comes back when refused, or when Ctrl-C stopped the wait.
Result<IssueLease> take_lease(Store& store, std::int64_t issue, LeaseSettings settings, bool wait) {
  ProgressBar bar(stderr, "waiting");
  std::string announced;
  for (;;) {
    auto lease = IssueLease::take(store, issue, system_clock_now(), settings);
    if (!lease || lease->held() || !wait || stop_requested) {
      return lease;
    }
    if (lease->holder().owner != announced) {
      announced = lease->holder().owner;
      bar.finish();
      fmt::print(stderr, "{}; waiting for it to finish (Ctrl-C stops waiting)\n",
                 lease->describe_holder());
    }
    if (auto c = store.delivery_counts(issue)) {
      bar.update(static_cast<std::uint64_t>(c->sent + c->failed + c->deferred),
                 static_cast<std::uint64_t>(c->total()),
                 fmt::format("{} sent by the other runner", c->sent));
    }
    // Poll every second, in short steps so that Ctrl-C is noticed at once.
    for (int step = 0; step < 10 && !stop_requested; ++step) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

}  // namespace

int run_send(const GlobalOptions& global, std::int64_t issue, bool wait) {
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  const auto& delivery = runtime->settings.delivery;
  auto sending = make_campaign_sending(global, *runtime);
  if (!sending) {
    return fail(sending.error());
  }
  Transport& transport = *(*sending)->transport;

  // Ctrl-C stops waiting, or stops between windows: the ledger stays exact and `send`
  // resumes.
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  transport.stop_when(&stop_requested);  // a wait for a rate limit ends on a signal too
  auto lease = take_lease(*runtime->store, issue, delivery.lease, wait);
  if (!lease) {
    return fail(lease.error());
  }
  if (!lease->held()) {
    if (stop_requested) {
      return fail("stopped waiting; issue " + std::to_string(issue) + " is still being sent by " +
                  lease->holder().owner);
    }
    return fail(lease->describe_holder() + "; wait for it, or run: communique send " +
                std::to_string(issue) + " --wait");
  }
  // What was sent before this run, so that the summary says what this run did.
  DeliveryCounts before;
  if (auto counted = runtime->store->delivery_counts(issue)) {
    before = *counted;
  }
  ProgressBar bar(stderr, "sending");
  auto counts = (*sending)->runner.run(
      *lease,
      [&](const DeliveryCounts& c) {
        bar.update(static_cast<std::uint64_t>(c.sent + c.failed + c.deferred),
                   static_cast<std::uint64_t>(c.total()),
                   fmt::format("{} sent, {} failed, {} deferred", c.sent, c.failed, c.deferred));
      },
      &stop_requested);
  bar.finish();
  lease->release();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (!counts) {
    return fail(counts.error());
  }
  const auto sent = counts->sent - before.sent;
  const auto failed = counts->failed - before.failed;
  if (stop_requested) {
    fmt::print(stderr, "stopped; run the same command again to go on\n");
  } else if (sent == 0 && failed == 0 && counts->deferred == 0 && before.sent + before.failed > 0) {
    fmt::print(stderr, "nothing was left to send: issue {} reached {} recipient(s) before\n", issue,
               before.sent);
  } else if (counts->deferred > 0) {
    fmt::print(stderr,
               "{} recipient(s) deferred; `communique serve` or another `send` retries "
               "them when they are due\n",
               counts->deferred);
  }
  fmt::print(stderr, "through {}\n", transport.describe());
  fmt::print("sent {}, failed {}, deferred {}\n", sent, failed, counts->deferred);
  if (stop_requested) {
    return 1;
  }
  // Nothing went out and letters wait for a retry (a relay down, say): scripts can tell.
  return sent == 0 && failed == 0 && counts->deferred > 0 ? 3 : 0;
}

int run_issues_control(const GlobalOptions& global, std::int64_t issue, IssueControl control) {
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  auto& store = *runtime->store;
  const auto now = system_clock_now();
  Result<void> done;
  std::string said;
  switch (control) {
    case IssueControl::pause: {
      done = move_issue(store, issue, IssueMove::pause, now);
      said = "paused; resume with: communique issues resume " + std::to_string(issue);
      break;
    }
    case IssueControl::resume: {
      done = move_issue(store, issue, IssueMove::resume, now);
      said = "resumed; `communique serve` goes on sending it (or run: communique send " +
             std::to_string(issue) + ")";
      break;
    }
    case IssueControl::cancel: {
      done = move_issue(store, issue, IssueMove::cancel, now);
      said = "cancelled; recipients not reached yet will not get it";
      break;
    }
  }
  if (!done) {
    return fail(done.error());
  }
  fmt::print("issue {} {}\n", issue, said);
  return 0;
}

int run_issues_schedule(const GlobalOptions& global, const ScheduleOptions& options) {
  const auto now = system_clock_now();
  auto when = options.now ? std::optional<Timestamp>(now) : parse_iso8601(options.at);
  if (!when) {
    return fail("--at '" + options.at +
                "' is not a time such as 2026-12-01T09:00Z or "
                "\"2026-12-01 09:00\" (UTC)");
  }
  // A time gone by is a typo (a year, a month) far more often than a wish to send at once.
  if (*when < now) {
    return fail("--at " + format_iso8601(*when) + " is in the past (it is " + format_iso8601(now) +
                " UTC); use --now to send at once");
  }
  std::optional<std::chrono::seconds> expiry;
  if (!options.expire_after.empty()) {
    expiry = parse_duration(options.expire_after);
    if (!expiry) {
      return fail("--expire-after '" + options.expire_after +
                  "' is not a duration such as 30m, 6h "
                  "or 2d");
    }
  }
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  if (auto done = runtime->store->schedule_issue(options.issue, *when, expiry, now); !done) {
    return fail(done.error());
  }
  const std::string when_said = options.now ? "to be sent at once" : "for " + format_iso8601(*when);
  fmt::print("issue {} scheduled {}{}; `communique serve` sends it when due\n", options.issue,
             when_said,
             expiry ? " (not sent if found more than " + options.expire_after + " late)" : "");
  return 0;
}

int run_issues_status(const GlobalOptions& global, std::int64_t issue) {
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  if (auto found = runtime->store->find_issue(issue); !found) {
    return fail(found.error());
  }
  auto counts = runtime->store->delivery_counts(issue);
  if (!counts) {
    return fail(counts.error());
  }
  fmt::print("queued {}, sending {}, sent {}, deferred {}, failed {}\n", counts->queued,
             counts->sending, counts->sent, counts->deferred, counts->failed);
  return 0;
}

}  // namespace communique
