// Commands that send: send, issues status.
#include <fmt/format.h>

#include <atomic>
#include <csignal>
#include <random>

#include "app/commands.hpp"
#include "app/progress_bar.hpp"
#include "app/runtime.hpp"
#include "delivery/campaign_runner.hpp"
#include "delivery/maildir_transport.hpp"
#include "smtp/smtp_transport.hpp"

namespace communique {

namespace {

std::atomic<bool> stop_requested{false};

extern "C" void request_stop(int) { stop_requested = true; }

}  // namespace

int run_send(const GlobalOptions& global, std::int64_t issue) {
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  auto composer = make_composer(global, *runtime);
  if (!composer) {
    return fail(composer.error());
  }
  const auto& delivery = runtime->settings.delivery;
  std::unique_ptr<Transport> transport;
  if (delivery.transport == "smtp") {
    auto smtp = SmtpTransport::create(runtime->settings.smtp);
    if (!smtp) {
      return fail(smtp.error());
    }
    transport = std::move(*smtp);
  } else {
    auto maildir = MaildirTransport::open(in_data_dir(global, delivery.outbox));
    if (!maildir) {
      return fail(maildir.error());
    }
    transport = std::move(*maildir);
  }
  std::mt19937_64 generator{std::random_device{}()};
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const ReplyPolicy policy(delivery.retry, [&] { return uniform(generator); });
  CampaignRunner runner(*runtime->store, *composer, *transport, policy, system_clock_now,
                        RunnerSettings{.window = delivery.window, .data_dir = global.data_dir});

  // Ctrl-C stops between windows: the ledger stays exact and `send` resumes.
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  ProgressBar bar(stderr, "sending");
  auto counts = runner.run(
      issue,
      [&](const DeliveryCounts& c) {
        bar.update(static_cast<std::uint64_t>(c.sent + c.failed + c.deferred),
                   static_cast<std::uint64_t>(c.total()),
                   fmt::format("{} sent, {} failed, {} deferred", c.sent, c.failed, c.deferred));
      },
      &stop_requested);
  bar.finish();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (!counts) {
    return fail(counts.error());
  }
  if (stop_requested) {
    fmt::print(stderr, "stopped; run the same command again to go on\n");
  } else if (counts->deferred > 0) {
    fmt::print(stderr, "{} recipient(s) deferred; `communique serve` or another `send` retries "
                       "them when they are due\n",
               counts->deferred);
  }
  fmt::print(stderr, "through {}\n", transport->describe());
  fmt::print("sent {}, failed {}, deferred {}\n", counts->sent, counts->failed, counts->deferred);
  return stop_requested ? 1 : 0;
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
