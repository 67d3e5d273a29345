// Commands that send and steer sending: send, issues status | pause | resume | cancel | schedule.
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

#include <CLI/CLI.hpp>

#include "app/command_groups.hpp"
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
      bar.update(static_cast<std::uint64_t>(c->sent + c->failed + c->deferred + c->skipped),
                 static_cast<std::uint64_t>(c->total()),
                 fmt::format("{} sent by the other runner", c->sent));
    }
    // Poll every second, in short steps so that Ctrl-C is noticed at once.
    for (int step = 0; step < 10 && !stop_requested; ++step) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

// Says what a run of `send` did, from the counts `before` it and after it; returns its exit
// code: 1 when stopped, 3 when nothing went out and letters wait for a retry.
int report_send(std::int64_t issue, IssueKind kind, const DeliveryCounts& before,
                const DeliveryCounts& after, const Transport& transport) {
  const auto sent = after.sent - before.sent;
  const auto failed = after.failed - before.failed;
  const auto skipped = after.skipped - before.skipped;
  if (stop_requested) {
    fmt::print(stderr, "stopped; run the same command again to go on\n");
  } else if (sent == 0 && failed == 0 && skipped == 0 && after.deferred == 0 &&
             before.sent + before.failed + before.skipped > 0) {
    fmt::print(stderr, "nothing was left to send: issue {} reached {} recipient(s) before\n", issue,
               before.sent);
  } else if (after.deferred > 0) {
    fmt::print(stderr,
               "{} recipient(s) deferred; `communique serve` or another `send` retries "
               "them when they are due\n",
               after.deferred);
  }
  fmt::print(stderr, "through {}\n", transport.describe());
  fmt::print(
      "{}\n",
      send_summary({.sent = sent, .deferred = after.deferred, .failed = failed, .skipped = skipped},
                   kind));
  if (stop_requested) {
    return 1;
  }
  // Nothing went out and letters wait for a retry (a relay down, say): scripts can tell.
  return sent == 0 && failed == 0 && after.deferred > 0 ? 3 : 0;
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

  // Ctrl-C stops waiting, or stops the sending (letters at the relay finish, the rest go
  // back to the queue): the ledger stays exact and `send` resumes.
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
        bar.update(static_cast<std::uint64_t>(c.sent + c.failed + c.deferred + c.skipped),
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
  const auto found = runtime->store->find_issue(issue);
  return report_send(issue, found ? found->kind : IssueKind::letter, before, *counts, transport);
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
  std::optional<std::chrono::seconds> expiry;
  if (!options.expire_after.empty()) {
    expiry = parse_duration(options.expire_after);
    if (!expiry) {
      return fail("--expire-after '" + options.expire_after +
                  "' is not a duration such as 30m, 6h "
                  "or 2d");
    }
  }
  if (auto checked = check_schedule(*when, expiry, now); !checked) {
    const bool past = *when < now;
    return fail((past ? "--at " : "--expire-after: ") + checked.error().message +
                (past ? "; use --now to send at once" : ""));
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
  auto found = runtime->store->find_issue(issue);
  if (!found) {
    return fail(found.error());
  }
  auto counts = runtime->store->delivery_counts(issue);
  if (!counts) {
    return fail(counts.error());
  }
  fmt::print("queued {}, sending {}, sent {}, deferred {}, failed {}{}\n", counts->queued,
             counts->sending, counts->sent, counts->deferred, counts->failed,
             found->kind == IssueKind::digest ? fmt::format(", skipped {}", counts->skipped) : "");
  return 0;
}

namespace {

void add_issue_controls(CLI::App& issues, CommandChoice& choice) {
  auto& status = choice.keep<std::int64_t>(0);
  auto* status_cmd = issues.add_subcommand(
      "status",
      "Print the delivery counts: queued Q, sending N, sent S, deferred D, failed F (a digest "
      "adds ', skipped K': readers whom no item was for)");
  status_cmd->add_option("ID", status, "The issue's id")->required();
  choice.on(status_cmd,
            [&status](const GlobalOptions& global) { return run_issues_status(global, status); });

  struct Control {
    const char* name;
    IssueControl control;
    const char* help;
  };
  const Control controls[] = {
      {"pause", IssueControl::pause,
       "Pause a sending or scheduled issue (within a second: letters at the relay finish)"},
      {"resume", IssueControl::resume, "Resume a paused issue"},
      {"cancel", IssueControl::cancel, "Cancel an issue: nobody else gets it"}};
  auto& issue = choice.keep<std::int64_t>(0);
  for (const auto& [name, control, help] : controls) {
    auto* cmd = issues.add_subcommand(name, help);
    cmd->add_option("ID", issue, "The issue's id")->required();
    choice.on(cmd, [&issue, control = control](const GlobalOptions& global) {
      return run_issues_control(global, issue, control);
    });
  }
}

void add_issues_schedule(CLI::App& issues, CommandChoice& choice) {
  auto* cmd =
      issues.add_subcommand("schedule", "Schedule an issue; `communique serve` sends it when due");
  auto& schedule = choice.keep<ScheduleOptions>();
  cmd->add_option("ID", schedule.issue, "The issue's id")->required();
  auto* at = cmd->add_option("--at", schedule.at,
                             "When, to come: 2030-12-01T09:00Z, or \"2030-12-01 09:00\" (UTC)");
  auto* now = cmd->add_flag("--now", schedule.now, "Due at once: `serve` sends it");
  at->excludes(now);
  cmd->add_option("--expire-after", schedule.expire_after,
                  "Do not send if found this late after downtime (30m, 6h, 2d)");
  cmd->callback([&choice, &schedule, at, now] {
    if (at->count() + now->count() == 0) {
      throw CLI::RequiredError("--at or --now");
    }
    choice.choose(
        [&schedule](const GlobalOptions& global) { return run_issues_schedule(global, schedule); });
  });
}

void add_send(CLI::App& app, CommandChoice& choice) {
  auto& issue = choice.keep<std::int64_t>(0);
  auto& wait = choice.keep<bool>(false);
  auto* cmd = app.add_subcommand(
      "send",
      "Send an issue to every confirmed subscriber of its lists, through the configured "
      "transport: the outbox Maildir under the data directory unless [delivery] transport = "
      "\"smtp\" names the relays of [smtp] (the run ends saying which). Resumable: run it "
      "again after a stop or crash. Prints what this run did as 'sent S, failed F, deferred "
      "D' (a digest adds ', skipped K': readers whom no item was for, who get no letter). Exits 1 "
      "on an error (or while another runner sends the issue, saying which), 3 "
      "when nothing could be sent and letters wait to be retried.");
  cmd->add_option("ISSUE", issue, "The issue's id")->required();
  cmd->add_flag("--wait", wait,
                "If another runner is sending the issue, wait for it to finish, then go on");
  choice.on(cmd,
            [&issue, &wait](const GlobalOptions& global) { return run_send(global, issue, wait); });
}

}  // namespace

void add_delivery_commands(CLI::App& app, CommandChoice& choice) {
  add_issue_controls(*app.get_subcommand("issues"), choice);
  add_issues_schedule(*app.get_subcommand("issues"), choice);
  add_send(app, choice);
}

}  // namespace communique
