#include "app/commands.hpp"

#include <fmt/format.h>

#include <atomic>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/progress_bar.hpp"
#include "app/runtime.hpp"
#include "app/settings.hpp"
#include "async/blocking_pool.hpp"
#include "base/log.hpp"
#include "base/version.hpp"
#include "delivery/delivery_service.hpp"
#include "http/access.hpp"
#include "http/click_counter.hpp"
#include "http/confirmation_sender.hpp"
#include "http/metrics.hpp"
#include "http/routes.hpp"
#include "http/server.hpp"
#include "store/open_store.hpp"
#include "transfer/exporter.hpp"
#include "transfer/import_jobs.hpp"
#include "transfer/importer.hpp"

namespace communique {

namespace {

std::string with_thousands(std::int64_t value) {
  std::string digits = std::to_string(value);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) {
    digits.insert(static_cast<std::size_t>(i), ",");
  }
  return digits;
}

}  // namespace

int run_version() {
  fmt::print("communique {}\n", version());
  return 0;
}

namespace {

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
  DeliveryService delivery(*runtime->store, (*sending)->runner, system_clock_now,
                           runtime->settings.delivery.poll, runtime->settings.delivery.lease);
  std::atomic<bool> stop_delivery{false};
  std::optional<std::thread> delivery_thread;

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
  std::optional<std::thread> confirmation_thread;
  Accounts accounts(*runtime->store);
  ServerStopper stopper;
  Metrics metrics;
  SlidingWindow subscribe_limiter(std::chrono::hours(1));
  ClickCounter clicks(*runtime->store);
  ImportJobs imports(*runtime->store, global.data_dir / "imports", system_clock_now,
                     runtime->settings.import);
  Router router(make_routes(RouteServices{.store = *runtime->store,
                                          .links = *links,
                                          .identity = runtime->settings.sender,
                                          .data_dir = global.data_dir,
                                          .accounts = &accounts,
                                          .composer = &composer,
                                          .mailer = &mailer,
                                          .metrics = &metrics,
                                          .clicks = &clicks,
                                          .imports = &imports,
                                          .settings_json = describe_settings(runtime->settings),
                                          .change_settings =
                                              [&](const SettingsChanges& changes) {
                                                auto saved =
                                                    save_settings(global, *runtime->store, changes,
                                                                  system_clock_now());
                                                if (saved) {
                                                  again = true;
                                                  stopper.stop("settings saved");
                                                }
                                                return saved;
                                              },
                                          .subscribe_limiter = &subscribe_limiter}),
                make_access_gate(accounts, system_clock_now));
  router.observe([&metrics](int status) { metrics.record(status); });
  auto served = serve(
      settings, router, pool,
      [&](const std::string& bound) {
        bound_address = bound;
        logger("http")->info("listening on http://{} (data in {}, letters through {})", bound,
                             global.data_dir.string(), (*sending)->transport->describe());
        // Only a server that could listen sends: a second one started by mistake on the same
        // data directory stops at its port, before it touches any issue.
        delivery_thread.emplace([&] { delivery.run(stop_delivery); });
        confirmation_thread.emplace([&] { confirmations.run(stop_delivery); });
      },
      &stopper);
  pool.join();
  stop_delivery = true;
  if (delivery_thread) {
    delivery_thread->join();
  }
  if (confirmation_thread) {
    confirmation_thread->join();
  }
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

int run_lists_create(const GlobalOptions& global, const ListCreateOptions& options) {
  auto name = validate_name(options.name, "list name");
  if (!name) {
    return fail(name.error());
  }
  auto opt_in = parse_opt_in(options.opt_in);
  if (!opt_in) {
    return fail("--optin must be single or double, not '" + options.opt_in + "'");
  }
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  auto created = runtime->store->create_list(
      NewList{.name = *name,
              .description = options.description,
              .visibility =
                  options.is_private ? ListVisibility::private_list : ListVisibility::public_list,
              .opt_in = *opt_in},
      system_clock_now());
  if (!created) {
    return fail(created.error());
  }
  fmt::print("created list '{}' ({}, {} opt-in)\n", created->name, to_string(created->visibility),
             to_string(created->opt_in));
  return 0;
}

int run_lists_ls(const GlobalOptions& global, OutputFormat format) {
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  auto summaries = runtime->store->list_summaries();
  if (!summaries) {
    return fail(summaries.error());
  }
  if (format == OutputFormat::json) {
    nlohmann::json lists = nlohmann::json::array();
    for (const auto& s : *summaries) {
      lists.push_back({{"name", s.list.name},
                       {"description", s.list.description},
                       {"visibility", to_string(s.list.visibility)},
                       {"optin", to_string(s.list.opt_in)},
                       {"confirmed", s.confirmed},
                       {"unconfirmed", s.unconfirmed},
                       {"unsubscribed", s.unsubscribed},
                       {"topics", s.topics},
                       {"created_at", format_iso8601(s.list.created_at)}});
    }
    fmt::print("{}\n", lists.dump(2));
    return 0;
  }
  if (summaries->empty()) {
    fmt::print(stderr, "no lists yet; create one with: communique lists create NAME\n");
    return 0;
  }
  std::size_t width = 4;
  for (const auto& s : *summaries) {
    width = std::max(width, s.list.name.size());
  }
  fmt::print("{:<{}}  {:<7}  {:<6}  {:>11}  {:>11}  {:>12}  {:>6}\n", "NAME", width, "ACCESS",
             "OPT-IN", "CONFIRMED", "UNCONFIRMED", "UNSUBSCRIBED", "TOPICS");
  for (const auto& s : *summaries) {
    fmt::print("{:<{}}  {:<7}  {:<6}  {:>11}  {:>11}  {:>12}  {:>6}\n", s.list.name, width,
               to_string(s.list.visibility), to_string(s.list.opt_in), s.confirmed, s.unconfirmed,
               s.unsubscribed, s.topics);
  }
  return 0;
}

int run_topics_create(const GlobalOptions& global, const TopicCreateOptions& options) {
  auto name = validate_name(options.name, "topic name");
  if (!name) {
    return fail(name.error());
  }
  auto opened = open_list(global, options.list);
  if (!opened) {
    return fail(opened.error());
  }
  const auto& list = opened->list;
  auto topic =
      opened->runtime.store->create_topic(list.id, *name, options.description, system_clock_now());
  if (!topic) {
    return fail(topic.error());
  }
  fmt::print("created topic '{}' in list '{}'\n", topic->name, list.name);
  return 0;
}

int run_topics_ls(const GlobalOptions& global, const std::string& list_name) {
  auto opened = open_list(global, list_name);
  if (!opened) {
    return fail(opened.error());
  }
  const auto& list = opened->list;
  auto topics = opened->runtime.store->topics(list.id);
  if (!topics) {
    return fail(topics.error());
  }
  if (topics->empty()) {
    fmt::print(stderr,
               "list '{}' has no topics; add one with: communique topics create --list "
               "'{}' NAME\n",
               list.name, list.name);
  }
  for (const auto& topic : *topics) {
    fmt::print("{}{}{}\n", topic.name, topic.description.empty() ? "" : "  ", topic.description);
  }
  return 0;
}

int run_import(const GlobalOptions& global, const ImportOptions& options) {
  ImportRequest request{.file = options.file, .list_name = options.list};
  if (options.mode == "upsert") {
    request.mode = ImportMode::upsert;
  } else if (options.mode == "skip") {
    request.mode = ImportMode::skip_existing;
  } else {
    return fail("--mode must be upsert or skip, not '" + options.mode + "'");
  }
  auto status = parse_subscription_status(options.status);
  if (!status || *status == SubscriptionStatus::unsubscribed) {
    return fail("--status must be confirmed or unconfirmed, not '" + options.status + "'");
  }
  request.status = *status;
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  Importer importer(*runtime->store, system_clock_now, runtime->settings.import);
  ProgressBar bar(stderr, "importing");
  auto summary = importer.run(request, [&](const ImportProgress& progress) {
    bar.update(progress.bytes_done, progress.bytes_total, with_thousands(progress.rows) + " rows");
  });
  bar.finish();
  if (!summary) {
    return fail(summary.error());
  }
  if (!summary->ignored_columns.empty()) {
    std::string names;
    for (const auto& column : summary->ignored_columns) {
      names += (names.empty() ? "" : ", ") + column;
    }
    fmt::print(stderr, "ignored read-only columns: {}\n", names);
  }
  if (summary->skipped > 0) {
    fmt::print(stderr, "skipped {} known address(es) (--mode skip)\n", summary->skipped);
  }
  if (summary->rejected > 0) {
    fmt::print(stderr, "rejected rows, with line numbers and reasons: {}\n",
               summary->rejects_file.string());
  }
  fmt::print("imported {}, updated {}, rejected {}\n", summary->imported, summary->updated,
             summary->rejected);
  return 0;
}

int run_export(const GlobalOptions& global, const ExportOptions& options) {
  auto format = parse_export_format(options.format);
  if (!format) {
    return fail("--format must be csv or json, not '" + options.format + "'");
  }
  auto opened = open_list(global, options.list);
  if (!opened) {
    return fail(opened.error());
  }
  std::ios::sync_with_stdio(false);
  auto written = export_members(*opened->runtime.store, opened->list.id, *format, std::cout);
  if (!written) {
    return fail(written.error());
  }
  return 0;
}

int run_subscribers_count(const GlobalOptions& global,
                          const std::optional<std::string>& list_name) {
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  std::optional<ListId> list_id;
  if (list_name) {
    auto list = runtime->store->find_list(*list_name);
    if (!list) {
      return fail(list.error());
    }
    list_id = list->id;
  }
  auto count = runtime->store->count_subscribers(list_id);
  if (!count) {
    return fail(count.error());
  }
  fmt::print("{}\n", *count);
  return 0;
}

int run_subscribers_show(const GlobalOptions& global, const std::string& email,
                         OutputFormat format) {
  auto address = EmailAddress::parse(email);
  if (!address) {
    return fail("'" + email + "' is not a valid address: " + address.error().message);
  }
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  auto subscriber = runtime->store->find_subscriber(*address);
  if (!subscriber) {
    return fail(subscriber.error());
  }
  auto subscriptions = runtime->store->subscriptions_of(subscriber->id);
  if (!subscriptions) {
    return fail(subscriptions.error());
  }
  if (format == OutputFormat::json) {
    nlohmann::json lists = nlohmann::json::array();
    for (const auto& s : *subscriptions) {
      lists.push_back({{"list", s.list_name}, {"status", to_string(s.status)}});
    }
    auto attributes = nlohmann::json::parse(subscriber->attributes_json, nullptr, false);
    nlohmann::json out{
        {"email", subscriber->email},
        {"name", subscriber->name},
        {"lang", subscriber->language},
        {"status", to_string(subscriber->status)},
        {"created_at", format_iso8601(subscriber->created_at)},
        {"updated_at", format_iso8601(subscriber->updated_at)},
        {"attributes", attributes.is_discarded() ? nlohmann::json::object() : attributes},
        {"lists", lists}};
    fmt::print("{}\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    return 0;
  }
  fmt::print("email:       {}\n", subscriber->email);
  fmt::print("name:        {}\n", subscriber->name);
  fmt::print("lang:        {}\n", subscriber->language);
  fmt::print("status:      {}\n", to_string(subscriber->status));
  fmt::print("created:     {}\n", format_iso8601(subscriber->created_at));
  fmt::print("updated:     {}\n", format_iso8601(subscriber->updated_at));
  fmt::print("attributes:  {}\n", subscriber->attributes_json);
  fmt::print("lists:{}\n", subscriptions->empty() ? "       (none)" : "");
  for (const auto& s : *subscriptions) {
    fmt::print("  {} ({})\n", s.list_name, to_string(s.status));
  }
  return 0;
}

}  // namespace communique
