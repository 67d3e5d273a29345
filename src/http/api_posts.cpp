// /api/v1/posts and /api/v1/lists/{id}/sections: what an editor publishes, and where.
//
// A post's fields are checked by the rules the CLI uses (core/post.hpp: normalise_post);
// the store checks that its section and topics are of its list. Posts and sections are
// named by id here (the CLI names them by name). A post's title and body are text: JSON
// carries them escaped, and nothing here renders them.
#include <algorithm>
#include <map>

#include "core/post.hpp"
#include "http/api.hpp"
#include "http/api_json.hpp"

namespace communique::api {

namespace {

constexpr std::int64_t kMostPostsPerPage = 500;

json to_json(const Section& section) {
  return {{"id", section.id},
          {"list_id", section.list_id},
          {"name", section.name},
          {"position", section.position},
          {"posts", section.posts}};
}

// A post as JSON: its section and topics with their names, and the address of its page.
json post_json(const Post& post, const std::vector<Topic>& list_topics,
               const RouteServices& services) {
  json topics = json::array();
  for (TopicId id : post.topics) {
    auto found = std::find_if(list_topics.begin(), list_topics.end(),
                              [id](const Topic& topic) { return topic.id == id; });
    topics.push_back({{"id", id}, {"name", found == list_topics.end() ? "" : found->name}});
  }
  std::string base = services.identity.base_url;
  while (!base.empty() && base.back() == '/') {
    base.pop_back();
  }
  return {{"id", post.id},
          {"list", post.list_id},
          {"section", {{"id", post.section_id}, {"name", post.section_name}}},
          {"slug", post.slug},
          {"title", post.title},
          {"body", post.body},
          {"language", post.language},
          {"status", to_string(post.status)},
          {"published_at", time_or_null(post.published_at)},
          {"topics", topics},
          {"translation_of", post.translation_of ? json(*post.translation_of) : json(nullptr)},
          {"source", post.source},
          {"external_id", post.external_id},
          {"url", base + "/posts/" + post.slug},
          {"created_at", format_iso8601(post.created_at)},
          {"updated_at", format_iso8601(post.updated_at)}};
}

HttpResponse answer_post(const Result<Post>& post, const RouteServices& services,
                         int status = 200) {
  if (!post) {
    return fail(post.error());
  }
  auto topics = services.store.topics(post->list_id);
  if (!topics) {
    return fail(topics.error());
  }
  return answer(post_json(*post, *topics, services), status);
}

// Field `name` as a time ("2026-12-01T09:00Z"); absent → nothing.
Result<std::optional<Timestamp>> optional_time(const json& body, const char* name) {
  auto text = optional_string(body, name);
  if (!text) {
    return std::move(text).error();
  }
  if (!*text) {
    return std::optional<Timestamp>();
  }
  auto time = parse_iso8601(**text);
  if (!time) {
    return make_error(ErrorCode::invalid_input,
                      std::string(name) + ": must be a UTC time such as 2026-12-01T09:00Z");
  }
  return std::optional<Timestamp>(*time);
}

// A body that may be empty (POST .../publish): an empty object then.
Result<json> optional_object_body(const HttpRequest& request) {
  if (request.body.empty()) {
    return json::object();
  }
  return object_body(request);
}

// The section `section_id` of list `list_id`; not_found when it is another list's.
Result<Section> section_of(Store& store, ListId list_id, SectionId section_id) {
  auto sections = store.sections(list_id);
  if (!sections) {
    return std::move(sections).error();
  }
  for (const auto& section : *sections) {
    if (section.id == section_id) {
      return section;
    }
  }
  return make_error(ErrorCode::not_found, "list " + std::to_string(list_id) + " has no section " +
                                              std::to_string(section_id) + " (GET /api/v1/lists/" +
                                              std::to_string(list_id) + "/sections lists them)");
}

// The post a POST body describes, checked.
Result<Post> post_from_body(const json& body) {
  Post post;
  auto list = optional_integer(body, "list");
  auto section = optional_integer(body, "section");
  auto title = required_string(body, "title");
  auto text = optional_string(body, "body");
  auto language = optional_string(body, "language");
  auto status = optional_string(body, "status");
  auto topics = optional_ids(body, "topics");
  auto translation_of = optional_integer(body, "translation_of");
  auto published_at = optional_time(body, "published_at");
  if (auto error = first_error(list, section, title, text, language, status, topics, translation_of,
                               published_at)) {
    return *error;
  }
  if (!*list || !*section) {
    return make_error(ErrorCode::invalid_input,
                      std::string(!*list ? "list" : "section") +
                          ": required, the id of the post's " + (!*list ? "list" : "section") +
                          (!*list ? "" : " (GET /api/v1/lists/{id}/sections)"));
  }
  auto parsed_status = parse_post_status(status->value_or("published"));
  if (!parsed_status) {
    return make_error(ErrorCode::invalid_input, "status: must be draft or published");
  }
  if (*parsed_status == PostStatus::draft && *published_at) {
    return make_error(ErrorCode::invalid_input,
                      "published_at: a draft has none; give it to POST /api/v1/posts/{id}/publish");
  }
  post.list_id = **list;
  post.section_id = **section;
  post.title = *title;
  post.body = text->value_or("");
  post.language = language->value_or("");
  post.status = *parsed_status;
  post.topics = topics->value_or(std::vector<TopicId>{});
  post.translation_of = *translation_of;
  post.published_at = *published_at;
  return normalise_post(std::move(post));
}

// The changes a PATCH body asks for, checked.
Result<PostChanges> changes_from_body(const json& body) {
  PostChanges changes;
  auto title = optional_string(body, "title");
  auto text = optional_string(body, "body");
  auto language = optional_string(body, "language");
  auto section = optional_integer(body, "section");
  auto topics = optional_ids(body, "topics");
  auto translation_of = optional_integer(body, "translation_of");
  auto published_at = optional_time(body, "published_at");
  if (auto error =
          first_error(title, text, language, section, topics, translation_of, published_at)) {
    return *error;
  }
  changes.title = *title;
  changes.body = *text;
  changes.language = *language;
  changes.section_id = *section;
  changes.topics = *topics;
  changes.published_at = *published_at;
  if (body.contains("translation_of")) {  // null makes it an original again
    changes.translation_of = *translation_of;
  }
  return normalise_post_changes(std::move(changes));
}

}  // namespace

// GET /api/v1/posts?list=ID&status=draft|published&since=TIME&before=ID&limit=N: newest
// first; `next_before` continues the page (null on the last).
HttpResponse list_posts(const HttpRequest& request, const RouteServices& services) {
  auto fields = query_fields(request);
  if (!fields) {
    return fail(fields.error());
  }
  auto list = query_integer(*fields, "list", 0);
  auto before = query_integer(*fields, "before", 0);
  auto limit = query_integer(*fields, "limit", 100);
  if (auto error = first_error(list, before, limit)) {
    return fail(*error);
  }
  PostFilter filter;
  if (*list > 0) {
    if (auto found = services.store.find_list(*list); !found) {
      return fail(found.error());
    }
    filter.list = *list;
  }
  if (auto status = form_value(*fields, "status")) {
    filter.status = parse_post_status(*status);
    if (!filter.status) {
      return fail({ErrorCode::invalid_input, "status: must be draft or published"});
    }
  }
  if (auto since = form_value(*fields, "since")) {
    filter.since = parse_iso8601(*since);
    if (!filter.since) {
      return fail(
          {ErrorCode::invalid_input, "since: must be a UTC time such as 2026-12-01T09:00Z"});
    }
  }
  filter.before = *before;
  filter.limit = static_cast<std::size_t>(std::min(*limit, kMostPostsPerPage));
  auto posts = services.store.posts(filter);
  if (!posts) {
    return fail(posts.error());
  }
  std::map<ListId, std::vector<Topic>> topics;
  json out = json::array();
  for (const auto& post : *posts) {
    if (!topics.contains(post.list_id)) {
      auto of_list = services.store.topics(post.list_id);
      if (!of_list) {
        return fail(of_list.error());
      }
      topics[post.list_id] = std::move(*of_list);
    }
    out.push_back(post_json(post, topics[post.list_id], services));
  }
  const bool full = posts->size() == filter.limit && !posts->empty();
  return answer({{"posts", out}, {"next_before", full ? json(posts->back().id) : json(nullptr)}});
}

HttpResponse create_post(const HttpRequest& request, const RouteServices& services) {
  auto body = object_body(request);
  if (!body) {
    return fail(body.error());
  }
  auto post = post_from_body(*body);
  if (!post) {
    return fail(post.error());
  }
  if (auto list = services.store.find_list(post->list_id); !list) {
    return fail(list.error());
  }
  auto created = services.store.create_post(*post, services.clock());
  auto response = answer_post(created, services, 201);
  if (created) {
    response.headers.emplace_back("Location", "/api/v1/posts/" + std::to_string(created->id));
  }
  return response;
}

HttpResponse get_post(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  if (!id) {
    return fail(id.error());
  }
  return answer_post(services.store.find_post(*id), services);
}

HttpResponse update_post(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  auto body = object_body(request);
  if (auto error = first_error(id, body)) {
    return fail(*error);
  }
  auto changes = changes_from_body(*body);
  if (!changes) {
    return fail(changes.error());
  }
  return answer_post(services.store.update_post(*id, *changes, services.clock()), services);
}

HttpResponse delete_post(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  if (!id) {
    return fail(id.error());
  }
  auto removed = services.store.remove_post(*id);
  return removed ? no_content() : fail(removed.error());
}

// POST /api/v1/posts/{id}/publish {"published_at": TIME}: the time is optional (now).
HttpResponse publish_post(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  auto body = optional_object_body(request);
  if (auto error = first_error(id, body)) {
    return fail(*error);
  }
  auto at = optional_time(*body, "published_at");
  if (!at) {
    return fail(at.error());
  }
  const Timestamp now = services.clock();
  return answer_post(services.store.publish_post(*id, at->value_or(now), now), services);
}

HttpResponse list_sections(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  if (!id) {
    return fail(id.error());
  }
  auto sections = services.store.sections(*id);
  if (!sections) {
    return fail(sections.error());
  }
  json out = json::array();
  for (const auto& section : *sections) {
    out.push_back(to_json(section));
  }
  return answer({{"sections", out}});
}

// POST /api/v1/lists/{id}/sections {"name": "News"}: added at the end.
HttpResponse create_section(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  auto body = object_body(request);
  if (auto error = first_error(id, body)) {
    return fail(*error);
  }
  auto name = required_string(*body, "name");
  if (!name) {
    return fail(name.error());
  }
  auto valid = validate_name(*name, "name");
  if (!valid) {
    return fail(valid.error());
  }
  auto section = services.store.create_section(*id, *valid, services.clock());
  return section ? answer(to_json(*section), 201) : fail(section.error());
}

// PATCH /api/v1/lists/{id}/sections/{section_id} {"name": "...", "position": 0}: renames,
// moves (0 first; past the end: last), or both; answers the section.
HttpResponse update_section(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  auto section_id = path_id(request, "section_id");
  auto body = object_body(request);
  if (auto error = first_error(id, section_id, body)) {
    return fail(*error);
  }
  auto name = optional_string(*body, "name");
  auto position = optional_integer(*body, "position");
  if (auto error = first_error(name, position)) {
    return fail(*error);
  }
  if (!*name && !*position) {
    return fail({ErrorCode::invalid_input, "give name, position or both"});
  }
  if (*position && **position < 0) {
    return fail({ErrorCode::invalid_input, "position: must be 0 (first) or more"});
  }
  auto section = section_of(services.store, *id, *section_id);
  if (!section) {
    return fail(section.error());
  }
  if (*name) {
    auto valid = validate_name(**name, "name");
    if (!valid) {
      return fail(valid.error());
    }
    if (auto renamed = services.store.rename_section(*section_id, *valid); !renamed) {
      return fail(renamed.error());
    }
  }
  if (*position) {
    const auto at = static_cast<int>(std::min<std::int64_t>(**position, 1'000'000));
    if (auto moved = services.store.move_section(*section_id, at); !moved) {
      return fail(moved.error());
    }
  }
  auto changed = section_of(services.store, *id, *section_id);
  return changed ? answer(to_json(*changed)) : fail(changed.error());
}

HttpResponse delete_section(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  auto section_id = path_id(request, "section_id");
  if (auto error = first_error(id, section_id)) {
    return fail(*error);
  }
  if (auto section = section_of(services.store, *id, *section_id); !section) {
    return fail(section.error());
  }
  auto removed = services.store.remove_section(*section_id);
  return removed ? no_content() : fail(removed.error());
}

}  // namespace communique::api
