// Commands for feeds: feeds add | ls | poll | update | rm.
//
// `feeds add` polls the new feed at once when it can: that first poll records the items
// already there without publishing them (unless --backfill N), so that the next digest is
// not flooded with the feed's history. When the feed cannot be reached then, the error is
// recorded on it and the first poll that works (`serve`, or `feeds poll ID`) does the same.
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "app/command_groups.hpp"
#include "app/runtime.hpp"
#include "base/text.hpp"
#include "core/feed.hpp"
#include "feeds/feed_poller.hpp"

namespace communique {

namespace {

// What `feeds add` and `feeds update` read; absent options leave a feed as it is.
struct FeedOptions {
  std::string list;
  std::string section;
  std::vector<std::string> topics;
  bool no_topics = false;
  std::optional<std::string> every;
  std::optional<std::string> id_from;
  std::optional<bool> review;
  int backfill = 0;
  std::optional<std::string> language;
  std::string url;
};

Result<std::chrono::seconds> every_option(const std::string& text) {
  auto every = parse_duration(text);
  if (!every) {
    return make_error(
        ErrorCode::invalid_input,
        fmt::format("--every must be a duration such as 30m, 2h or 1d, not '{}'", text));
  }
  return *every;
}

Result<FeedIdFrom> id_from_option(const std::string& text) {
  auto from = parse_feed_id_from(text);
  if (!from) {
    return make_error(ErrorCode::invalid_input,
                      fmt::format("--id-from must be guid or link, not '{}'", text));
  }
  return *from;
}

std::string time_or_dash(const std::optional<Timestamp>& time) {
  return time ? format_iso8601(*time) : std::string("-");
}

int print_polls(const std::vector<PollSummary>& polls) {
  int code = 0;
  for (const PollSummary& summary : polls) {
    fmt::print("{}\n", describe(summary));
    if (summary.kind == PollSummary::Kind::failed) {
      code = 1;
    }
  }
  return code;
}

}  // namespace

int run_feeds_add(const GlobalOptions& global, const FeedOptions& options) {
  auto opened = open_list(global, options.list);
  if (!opened) {
    return fail(opened.error());
  }
  Store& store = *opened->runtime.store;
  const FeedSettings& settings = opened->runtime.settings.feeds;
  auto section = section_named(store, opened->list, options.section);
  if (!section) {
    return fail(section.error());
  }
  auto topics = topics_named(store, opened->list, options.topics);
  if (!topics) {
    return fail(topics.error());
  }
  const Timestamp now = system_clock_now();
  Feed feed;
  feed.list_id = opened->list.id;
  feed.section_id = section->id;
  feed.url = options.url;
  feed.every = settings.default_every;
  if (options.every) {
    auto every = every_option(*options.every);
    if (!every) {
      return fail(every.error());
    }
    feed.every = *every;
  }
  if (options.id_from) {
    auto from = id_from_option(*options.id_from);
    if (!from) {
      return fail(from.error());
    }
    feed.id_from = *from;
  }
  feed.review = options.review.value_or(false);
  feed.backfill = options.backfill;
  feed.language = options.language.value_or("");
  feed.topics = std::move(*topics);
  feed.next_poll_at = now;
  auto checked = normalise_feed(std::move(feed), settings.min_every);
  if (!checked) {
    return fail(checked.error());
  }
  auto created = store.create_feed(*checked, now);
  if (!created) {
    return fail(created.error());
  }
  fmt::print("{}\n", created->id);
  std::fflush(stdout);
  FeedPoller poller(store, settings, system_clock_now);
  auto polled = poller.poll(*created);
  if (!polled) {
    return fail(polled.error());
  }
  if (polled->kind == PollSummary::Kind::failed) {
    fmt::print(stderr,
               "communique: feed {} is added, but its first poll failed: {}; `communique serve` "
               "tries again when due, or `communique feeds poll {}` now\n",
               created->id, polled->message, created->id);
    return 0;
  }
  fmt::print(stderr, "{}\n", describe(*polled));
  return 0;
}

int run_feeds_ls(const GlobalOptions& global) {
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  Store& store = *runtime->store;
  auto feeds = store.feeds();
  if (!feeds) {
    return fail(feeds.error());
  }
  if (feeds->empty()) {
    fmt::print(stderr,
               "no feeds yet: add one with communique feeds add --list L --section S URL\n");
    return 0;
  }
  for (const Feed& feed : *feeds) {
    auto list = store.find_list(feed.list_id);
    auto sections = store.sections(feed.list_id);
    std::string section_name = "#" + std::to_string(feed.section_id);
    if (sections) {
      for (const auto& section : *sections) {
        if (section.id == feed.section_id) {
          section_name = section.name;
        }
      }
    }
    fmt::print(
        "{}\t{}\tlist={}\tsection={}\tstatus={}\tlast_fetch={}\tlast_status={}\titems={}\t"
        "next_poll={}\tevery={}s{}{}\n",
        feed.id, feed.url, list ? list->name : std::to_string(feed.list_id), section_name,
        to_string(feed.status), time_or_dash(feed.last_fetched_at),
        feed.last_status.empty() ? "-" : feed.last_status, feed.items,
        feed.status == FeedStatus::gone ? std::string("never") : format_iso8601(feed.next_poll_at),
        feed.every.count(), feed.review ? "\treview" : "",
        feed.last_error.empty() ? std::string() : "\tlast_error=" + feed.last_error);
  }
  return 0;
}

int run_feeds_poll(const GlobalOptions& global, std::optional<std::int64_t> id) {
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  Store& store = *runtime->store;
  FeedPoller poller(store, runtime->settings.feeds, system_clock_now);
  std::vector<PollSummary> polls;
  if (id) {
    // One feed by its id: polled now, whatever its schedule or Retry-After says, unless
    // another poll of it is running (busy, not an error).
    auto polled = poller.poll_now(*id);
    if (!polled) {
      return fail(polled.error());
    }
    polls.push_back(std::move(*polled));
    return print_polls(polls);
  }
  // Every feed not gone, except those whose server asked for a pause still running.
  auto feeds = store.feeds();
  if (!feeds) {
    return fail(feeds.error());
  }
  const Timestamp now = system_clock_now();
  for (const Feed& feed : *feeds) {
    if (feed.status == FeedStatus::gone) {
      continue;
    }
    if (feed.retry_after && *feed.retry_after > now) {
      polls.push_back(PollSummary{
          .feed = feed.id,
          .kind = PollSummary::Kind::waiting,
          .message = fmt::format("its server asked for no poll before {}; `communique feeds poll "
                                 "{}` polls it anyway",
                                 format_iso8601(*feed.retry_after), feed.id)});
      continue;
    }
    auto polled = poller.poll(feed);
    if (!polled) {
      return fail(polled.error());
    }
    polls.push_back(std::move(*polled));
  }
  return print_polls(polls);
}

int run_feeds_update(const GlobalOptions& global, std::int64_t id, const FeedOptions& options) {
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  Store& store = *runtime->store;
  auto feed = store.find_feed(id);
  if (!feed) {
    return fail(feed.error());
  }
  FeedChanges changes;
  if (options.every) {
    auto every = every_option(*options.every);
    if (!every) {
      return fail(every.error());
    }
    changes.every = *every;
  }
  if (options.id_from) {
    auto from = id_from_option(*options.id_from);
    if (!from) {
      return fail(from.error());
    }
    changes.id_from = *from;
  }
  changes.review = options.review;
  changes.language = options.language;
  if (!options.topics.empty() || options.no_topics) {
    auto list = store.find_list(feed->list_id);
    if (!list) {
      return fail(list.error());
    }
    auto topics = topics_named(store, *list, options.topics);
    if (!topics) {
      return fail(topics.error());
    }
    changes.topics = std::move(*topics);
  }
  auto checked = normalise_feed_changes(std::move(changes), runtime->settings.feeds.min_every);
  if (!checked) {
    return fail(checked.error());
  }
  auto updated = store.update_feed(id, *checked, system_clock_now());
  if (!updated) {
    return fail(updated.error());
  }
  fmt::print("updated feed {}\n", id);
  return 0;
}

int run_feeds_rm(const GlobalOptions& global, std::int64_t id) {
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return fail(runtime.error());
  }
  if (auto removed = runtime->store->remove_feed(id); !removed) {
    return fail(removed.error());
  }
  fmt::print("removed feed {}; its posts stay\n", id);
  return 0;
}

void add_feed_commands(CLI::App& app, CommandChoice& choice) {
  auto* feeds = app.add_subcommand(
      "feeds", "Feeds (RSS, Atom, JSON Feed) whose items become posts in a list's section");
  feeds->require_subcommand(1);

  auto& add = choice.keep<FeedOptions>();
  auto* add_cmd = feeds->add_subcommand(
      "add",
      "Follow a feed; prints its id, then polls it once: the items already there are recorded, "
      "not published (unless --backfill N)");
  add_cmd->add_option("--list", add.list, "The list its posts go to")->required();
  add_cmd->add_option("--section", add.section, "The section of the list its posts go to")
      ->required();
  add_cmd->add_option("--topic", add.topics, "A topic of the list its posts carry (repeatable)");
  add_cmd->add_option_function<std::string>(
      "--every", [&add](const std::string& value) { add.every = value; },
      "How often it is polled: 30m, 2h, 1d (default: feeds.default_every, 1h)");
  add_cmd->add_option_function<std::string>(
      "--id-from", [&add](const std::string& value) { add.id_from = value; },
      "How an item is known again: guid (default; the link when it has none) or link (for "
      "feeds whose GUIDs change)");
  add_cmd->add_flag_callback(
      "--review", [&add] { add.review = true; },
      "Items become drafts for an editor to publish (default: published)");
  add_cmd->add_option("--backfill", add.backfill,
                      "Publish the newest N items already there (default 0: none)");
  add_cmd->add_option_function<std::string>(
      "--language", [&add](const std::string& value) { add.language = value; },
      "The language of its items when neither they nor the feed say (BCP 47, e.g. en)");
  add_cmd->add_option("URL", add.url, "The feed's address (http:// or https://)")->required();
  choice.on(add_cmd, [&add](const GlobalOptions& global) { return run_feeds_add(global, add); });

  auto* ls = feeds->add_subcommand(
      "ls", "Show every feed: list, section, status, last fetch, items, next poll, last error");
  choice.on(ls, [](const GlobalOptions& global) { return run_feeds_ls(global); });

  auto& polled = choice.keep<std::optional<std::int64_t>>();
  auto* poll = feeds->add_subcommand(
      "poll",
      "Poll now and print one line per feed: 'feed N: new X, updated U', 'feed N: unchanged' or "
      "'feed N: error: ...' (exit status 1 when any failed). Without ID: every feed not gone, "
      "except those whose server asked to wait (Retry-After)");
  poll->add_option("ID", polled, "Only this feed, whatever its schedule says");
  choice.on(poll,
            [&polled](const GlobalOptions& global) { return run_feeds_poll(global, polled); });

  auto& update = choice.keep<FeedOptions>();
  auto& updated = choice.keep<std::int64_t>(0);
  auto* update_cmd = feeds->add_subcommand("update", "Change a feed: only what is given");
  update_cmd->add_option("ID", updated, "The feed")->required();
  update_cmd->add_option_function<std::string>(
      "--every", [&update](const std::string& value) { update.every = value; },
      "How often it is polled: 30m, 2h, 1d");
  update_cmd->add_option_function<std::string>(
      "--id-from", [&update](const std::string& value) { update.id_from = value; }, "guid or link");
  update_cmd->add_flag_callback(
      "--review", [&update] { update.review = true; }, "Items become drafts");
  update_cmd->add_flag_callback(
      "--no-review", [&update] { update.review = false; }, "Items are published");
  update_cmd->add_option("--topic", update.topics, "The topics its posts carry (repeatable)");
  update_cmd->add_flag("--no-topics", update.no_topics, "Its posts carry no topic");
  update_cmd->add_option_function<std::string>(
      "--language", [&update](const std::string& value) { update.language = value; },
      "The language of its items when neither they nor the feed say (\"\": none)");
  choice.on(update_cmd, [&update, &updated](const GlobalOptions& global) {
    return run_feeds_update(global, updated, update);
  });

  auto& removed = choice.keep<std::int64_t>(0);
  auto* rm = feeds->add_subcommand("rm", "Stop following a feed (its posts stay)");
  rm->add_option("ID", removed, "The feed")->required();
  choice.on(rm, [&removed](const GlobalOptions& global) { return run_feeds_rm(global, removed); });
}

}  // namespace communique
