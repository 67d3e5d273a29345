// Commands that run the installation: version, serve (the HTTP server with delivery beside
// it).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <functional>
#include <thread>
#include <vector>

#include "app/command_groups.hpp"
#include "app/runtime.hpp"
#include "app/settings.hpp"
#include "async/blocking_pool.hpp"
#include "base/log.hpp"
#include "base/version.hpp"
#include "delivery/delivery_service.hpp"
#include "digest/digest_scheduler.hpp"
#include "feeds/feed_poller.hpp"
#include "http/access.hpp"
#include "http/click_counter.hpp"
#include "http/confirmation_sender.hpp"
#include "http/metrics.hpp"
#include "http/routes.hpp"
#include "http/server.hpp"
#include "transfer/import_jobs.hpp"

namespace communique {

int run_version() {
  fmt::print("communique {}\n", version());
  return 0;
}

namespace {

// What the routes use beyond the store and the letters, made for each run of the server.
struct RouteState {
  RouteState(const GlobalOptions& global, Runtime& runtime)
      : accounts(*runtime.store),
        clicks(*runtime.store),
        imports(*runtime.store, global.data_dir / "imports", system_clock_now,
                runtime.settings.import) {}

  Accounts accounts;
  Metrics metrics;
  SlidingWindow subscribe_limiter{std::chrono::hours(1)};
  ClickCounter clicks;
  ImportJobs imports;
};

// The router over the route table, admitting requests by role and counting answers.
Router make_router(const GlobalOptions& global, Runtime& runtime, const LinkSigner& links,
                   const LetterComposer& composer, Mailer& mailer, RouteState& state,
                   ChangeSettings change_settings) {
  Router router(make_routes(RouteServices{
                    .store = *runtime.store,
                    .links = links,
                    .identity = runtime.settings.sender,
                    .data_dir = global.data_dir,
                    .subscriptions = Subscriptions(*runtime.store, {}, &state.subscribe_limiter),
                    .accounts = &state.accounts,
                    .letters = {.composer = &composer, .mailer = &mailer},
                    .metrics = &state.metrics,
                    .clicks = &state.clicks,
                    .imports = &state.imports,
                    .feeds = &runtime.settings.feeds,
                    .settings = {.json = describe_settings(runtime.settings),
                                 .change = std::move(change_settings)}}),
                make_access_gate(state.accounts, system_clock_now));
  router.observe([&metrics = state.metrics](int status) { metrics.record(status); });
  return router;
}

// Work that runs beside the HTTP server on threads of its own, until stop() (or the end of
// the run) asks it to end and waits for it.
class BackgroundWork {
 public:
  BackgroundWork() = default;
  BackgroundWork(const BackgroundWork&) = delete;
  BackgroundWork& operator=(const BackgroundWork&) = delete;
  ~BackgroundWork() { stop(); }

  void start(std::function<void(const std::atomic<bool>& stop)> work) {
    threads_.emplace_back([this, work = std::move(work)] { work(stop_); });
  }
  void stop() {
    stop_ = true;
    for (auto& thread : threads_) {
      thread.join();
    }
    threads_.clear();
  }

 private:
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

// One run of the server and the delivery service with the settings in force. `again` is
// set when settings saved through the API stopped it, to start again with them; `bound`
// receives the address it listened on.
int serve_once(const GlobalOptions& global, const ServeOptions& options, bool& again,
               std::string& bound_address) {
  auto runtime = open_runtime(global, Verbosity::chatty);
  if (!runtime) {
    return fail(runtime.error());
  }
  auto settings = runtime->settings.server;
  if (options.listen) {
    settings.listen = *options.listen;
  }
  // Delivery runs beside the HTTP server, on its own thread: it resumes unfinished issues
  // and sends scheduled ones when due.
  auto sending = make_campaign_sending(global, *runtime);
  if (!sending) {
    return fail(sending.error());
  }
  const LetterComposer& composer = (*sending)->composer;
  // Each round of it first makes the issues of due digests and of newly published posts.
  DigestRuns digest_runs(*runtime->store);
  DigestScheduler digests(*runtime->store, digest_runs);
  DeliveryService delivery(
      *runtime->store, (*sending)->runner, system_clock_now, runtime->settings.delivery.poll,
      runtime->settings.delivery.lease, [&digests](Timestamp now) {
        if (auto looked = digests.run_due(now); !looked) {
          logger("digest")->error("digest round failed: {}", looked.error().message);
        }
      });

  BlockingPool pool(runtime->settings.blocking_threads);
  auto links = make_link_signer(*runtime);
  if (!links) {
    return fail(links.error());
  }
  // Transactional letters (confirmation requests, test sends) have a transport of their
  // own, so that they never wait behind a campaign.
  auto notice_transport = make_transport(global, *runtime);
  if (!notice_transport) {
    return fail(notice_transport.error());
  }
  Mailer mailer(**notice_transport);
  // Confirmation letters are queued by the form and sent here, off the request path.
  ConfirmationSender confirmations(*runtime->store, *links, composer, mailer,
                                   runtime->settings.sender, system_clock_now);
  // Due feeds are polled beside it; their new posts are announced and collected by the
  // delivery rounds above, as any post is.
  FeedPoller feeds(*runtime->store, runtime->settings.feeds, system_clock_now);
  BackgroundWork background;
  ServerStopper stopper;
  RouteState state(global, *runtime);
  Router router = make_router(
      global, *runtime, *links, composer, mailer, state, [&](const SettingsChanges& changes) {
        auto saved = save_settings(global, *runtime->store, changes, system_clock_now());
        if (saved) {
          again = true;
          stopper.stop("settings saved");
        }
        return saved;
      });
  auto served = serve(
      settings, router, pool,
      [&](const std::string& bound) {
        bound_address = bound;
        logger("http")->info("listening on http://{} (data in {}, letters through {})", bound,
                             global.data_dir.string(), (*sending)->transport->describe());
        // Only a server that could listen sends: a second one started by mistake on the same
        // data directory stops at its port, before it touches any issue.
        background.start([&](const std::atomic<bool>& stop) { delivery.run(stop); });
        background.start([&](const std::atomic<bool>& stop) { confirmations.run(stop); });
        background.start([&](const std::atomic<bool>& stop) { feeds.run(stop); });
      },
      &stopper);
  pool.join();
  background.stop();
  if (!served) {
    return fail(served.error());
  }
  return 0;
}

}  // namespace

int run_serve(const GlobalOptions& global, const ServeOptions& options) {
  ServeOptions current = options;
  for (;;) {
    bool again = false;
    std::string bound;
    const int code = serve_once(global, current, again, bound);
    if (code != 0 || !again) {
      return code;
    }
    // The same address again, even when the port was picked (0).
    current.listen = bound;
    logger("http")->info("starting again with the saved settings");
  }
}

void add_server_commands(CLI::App& app, CommandChoice& choice) {
  choice.on(app.add_subcommand("version", "Print the version"),
            [](const GlobalOptions&) { return run_version(); });

  auto& serve = choice.keep<ServeOptions>();
  auto* serve_cmd = app.add_subcommand("serve", "Run the HTTP server until SIGINT or SIGTERM");
  serve_cmd->add_option("--listen", serve.listen,
                        "HOST:PORT to listen on (default 127.0.0.1:8080; port 0 picks one)");
  choice.on(serve_cmd, [&serve](const GlobalOptions& global) { return run_serve(global, serve); });
}

}  // namespace communique
