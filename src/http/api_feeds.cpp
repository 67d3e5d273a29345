// The REST API's feeds: /api/v1/feeds. A feed is checked by the rules the CLI uses
// (core/feed.hpp: normalise_feed); creating one does not fetch it (no request waits on
// another site): `serve` polls it at once, since a new feed is due. POST .../poll polls
// it now and answers what the poll did.
#include "feeds/feed_poller.hpp"
#include "http/api.hpp"
#include "http/api_json.hpp"

namespace communique::api {

namespace {

json feed_json(const Feed& feed) {
  return {
      {"id", feed.id},
      {"list_id", feed.list_id},
      {"section_id", feed.section_id},
      {"url", feed.url},
      {"title", feed.title},
      {"every_seconds", feed.every.count()},
      {"id_from", to_string(feed.id_from)},
      {"review", feed.review},
      {"language", feed.language},
      {"topics", feed.topics},
      {"status", to_string(feed.status)},
      {"last_fetched_at", time_or_null(feed.last_fetched_at)},
      {"last_status", feed.last_status},
      {"last_error", feed.last_error},
      {"failures", feed.failures},
      {"items", feed.items},
      {"next_poll_at",
       feed.status == FeedStatus::gone ? json(nullptr) : json(format_iso8601(feed.next_poll_at))},
      {"retry_after", time_or_null(feed.retry_after)},
      {"created_at", format_iso8601(feed.created_at)},
      {"updated_at", format_iso8601(feed.updated_at)}};
}

const FeedSettings& feed_settings(const RouteServices& services) {
  static const FeedSettings kDefaults;
  return services.feeds != nullptr ? *services.feeds : kDefaults;
}

Result<std::optional<std::chrono::seconds>> optional_every(const json& body) {
  auto text = optional_string(body, "every");
  if (!text) {
    return std::move(text).error();
  }
  if (!*text) {
    return std::optional<std::chrono::seconds>();
  }
  auto every = parse_duration(**text);
  if (!every) {
    return make_error(ErrorCode::invalid_input, "every: must be a duration such as 30m, 2h or 1d");
  }
  return std::optional<std::chrono::seconds>(*every);
}

Result<std::optional<FeedIdFrom>> optional_id_from(const json& body) {
  auto text = optional_string(body, "id_from");
  if (!text) {
    return std::move(text).error();
  }
  if (!*text) {
    return std::optional<FeedIdFrom>();
  }
  auto from = parse_feed_id_from(**text);
  if (!from) {
    return make_error(ErrorCode::invalid_input, "id_from: must be guid or link");
  }
  return std::optional<FeedIdFrom>(*from);
}

HttpResponse answer_feed(const Result<Feed>& feed, int status = 200) {
  return feed ? answer(feed_json(*feed), status) : fail(feed.error());
}

}  // namespace

HttpResponse list_feeds(const HttpRequest&, const RouteServices& services) {
  auto feeds = services.store.feeds();
  if (!feeds) {
    return fail(feeds.error());
  }
  json out = json::array();
  for (const Feed& feed : *feeds) {
    out.push_back(feed_json(feed));
  }
  return answer({{"feeds", out}});
}

// POST /api/v1/feeds {"list_id": 1, "section_id": 2, "url": "https://...", "topics": [3],
// "every": "30m", "id_from": "guid", "review": false, "backfill": 0, "language": "en"}
HttpResponse create_feed(const HttpRequest& request, const RouteServices& services) {
  auto body = object_body(request);
  if (!body) {
    return fail(body.error());
  }
  auto list = optional_integer(*body, "list_id");
  auto section = optional_integer(*body, "section_id");
  auto url = required_string(*body, "url");
  auto topics = optional_ids(*body, "topics");
  auto every = optional_every(*body);
  auto id_from = optional_id_from(*body);
  auto review = optional_flag(*body, "review");
  auto backfill = optional_integer(*body, "backfill");
  auto language = optional_string(*body, "language");
  if (auto error =
          first_error(list, section, url, topics, every, id_from, review, backfill, language)) {
    return fail(*error);
  }
  if (!*list || !*section) {
    return fail({ErrorCode::invalid_input,
                 std::string(!*list ? "list_id" : "section_id") +
                     ": required (GET /api/v1/lists, GET /api/v1/lists/{id}/sections)"});
  }
  const FeedSettings& settings = feed_settings(services);
  const Timestamp now = services.clock();
  Feed feed;
  feed.list_id = **list;
  feed.section_id = **section;
  feed.url = *url;
  feed.topics = topics->value_or(std::vector<TopicId>{});
  feed.every = every->value_or(settings.default_every);
  feed.id_from = id_from->value_or(FeedIdFrom::guid);
  feed.review = review->value_or(false);
  feed.backfill = static_cast<int>(backfill->value_or(0));
  feed.language = language->value_or("");
  feed.next_poll_at = now;
  auto checked = normalise_feed(std::move(feed), settings.min_every);
  if (!checked) {
    return fail(checked.error());
  }
  return answer_feed(services.store.create_feed(*checked, now), 201);
}

HttpResponse get_feed(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  if (!id) {
    return fail(id.error());
  }
  return answer_feed(services.store.find_feed(*id));
}

// PATCH /api/v1/feeds/{id}: every, id_from, review, language, topics; the others stay.
HttpResponse update_feed(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  auto body = object_body(request);
  if (auto error = first_error(id, body)) {
    return fail(*error);
  }
  auto topics = optional_ids(*body, "topics");
  auto every = optional_every(*body);
  auto id_from = optional_id_from(*body);
  auto review = optional_flag(*body, "review");
  auto language = optional_string(*body, "language");
  if (auto error = first_error(topics, every, id_from, review, language)) {
    return fail(*error);
  }
  FeedChanges changes{.every = *every,
                      .id_from = *id_from,
                      .review = *review,
                      .language = *language,
                      .topics = *topics};
  auto checked = normalise_feed_changes(std::move(changes), feed_settings(services).min_every);
  if (!checked) {
    return fail(checked.error());
  }
  return answer_feed(services.store.update_feed(*id, *checked, services.clock()));
}

HttpResponse delete_feed(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  if (!id) {
    return fail(id.error());
  }
  auto removed = services.store.remove_feed(*id);
  return removed ? no_content() : fail(removed.error());
}

// POST /api/v1/feeds/{id}/poll: polls it now (whatever its schedule says); answers the
// poll's line and counts, and the feed as it is after it.
HttpResponse poll_feed(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  if (!id) {
    return fail(id.error());
  }
  auto feed = services.store.find_feed(*id);
  if (!feed) {
    return fail(feed.error());
  }
  FeedPoller poller(services.store, feed_settings(services), services.clock);
  auto polled = poller.poll_now(feed->id);
  if (!polled) {
    return fail(polled.error());
  }
  auto after = services.store.find_feed(*id);
  if (!after) {
    return fail(after.error());
  }
  return answer(
      {{"summary", describe(*polled)},
       {"new", polled->counts.created},
       {"updated", polled->counts.updated},
       {"kept", polled->counts.kept},
       {"recorded", polled->counts.recorded},
       {"error", polled->kind == PollSummary::Kind::failed ? json(polled->message) : json(nullptr)},
       {"feed", feed_json(*after)}});
}

}  // namespace communique::api
