// /api/v1/issues: drafts, previews, test sends, and the moves of an issue going out.
#include <algorithm>

#include "audience/issue_topics.hpp"
#include "content/html_sanitizer.hpp"
#include "core/post.hpp"
#include "delivery/issue_control.hpp"
#include "delivery/issue_letters.hpp"
#include "http/api.hpp"
#include "http/api_json.hpp"

namespace communique::api {

namespace {

constexpr std::size_t kMaxTestAddresses = 10;

Result<std::vector<IssueSection>> sections_field(const json& body) {
  auto found = body.find("sections");
  if (found == body.end()) {
    // A letter may give its one body directly.
    auto text = required_string(body, "body");
    auto format_text = optional_string(body, "format");
    if (!text || !format_text) {
      return make_error(ErrorCode::invalid_input,
                        "give sections (an array) or body: " +
                            (!text ? text.error().message : format_text.error().message));
    }
    auto format = parse_body_format(format_text->value_or("markdown"));
    if (!format) {
      return make_error(ErrorCode::invalid_input, "format: must be markdown or html");
    }
    return std::vector<IssueSection>{{"", *format, std::move(*text)}};
  }
  if (!found->is_array()) {
    return make_error(ErrorCode::invalid_input, "sections: must be an array");
  }
  std::vector<IssueSection> sections;
  for (const auto& item : *found) {
    if (!item.is_object()) {
      return make_error(ErrorCode::invalid_input, "sections: each must be an object");
    }
    auto title = optional_string(item, "title");
    auto text = required_string(item, "body");
    auto format_text = optional_string(item, "format");
    if (!title || !text || !format_text) {
      return make_error(ErrorCode::invalid_input,
                        "sections: " + (!title  ? title.error().message
                                        : !text ? text.error().message
                                                : format_text.error().message));
    }
    auto format = parse_body_format(format_text->value_or("markdown"));
    if (!format) {
      return make_error(ErrorCode::invalid_input, "sections: format must be markdown or html");
    }
    sections.push_back({title->value_or(""), *format, std::move(*text)});
  }
  return sections;
}

// The topics an issue goes to (`topics`: ids or names of its lists' topics; none: every
// subscriber), resolved as `issues create --topic` resolves them.
Result<std::vector<TopicId>> topics_field(const json& body, const RouteServices& services,
                                          const std::vector<ListId>& lists) {
  auto topics = body.find("topics");
  if (topics == body.end() || topics->is_null()) {
    return std::vector<TopicId>{};
  }
  if (!topics->is_array()) {
    return make_error(ErrorCode::invalid_input, "topics: must be an array of topic ids or names");
  }
  std::vector<TopicReference> references;
  for (const auto& item : *topics) {
    if (item.is_number_integer()) {
      references.emplace_back(item.get<TopicId>());
    } else if (item.is_string()) {
      references.emplace_back(item.get<std::string>());
    } else {
      return make_error(ErrorCode::invalid_input, "topics: must be an array of topic ids or names");
    }
  }
  return issue_topic_ids(services.store, lists, references, "topics");
}

// A digest's posts (published, of its lists) and its cadence; inline sections are refused.
Result<void> digest_fields(const json& body, Issue& issue, Store& store) {
  if (body.contains("sections") || body.contains("body")) {
    return make_error(ErrorCode::invalid_input,
                      "sections: a digest is made of posts, not sections written inline; "
                      "publish each item (POST /api/v1/posts), list them (GET "
                      "/api/v1/posts?status=published) and give their ids in posts");
  }
  auto posts = body.find("posts");
  if (posts == body.end() || !posts->is_array() || posts->empty()) {
    return make_error(ErrorCode::invalid_input,
                      "posts: a digest needs a non-empty array of the ids of published posts");
  }
  for (const auto& item : *posts) {
    if (!item.is_number_integer()) {
      return make_error(ErrorCode::invalid_input, "posts: must be an array of post ids");
    }
    const auto id = item.get<PostId>();
    if (std::find(issue.posts.begin(), issue.posts.end(), id) == issue.posts.end()) {
      issue.posts.push_back(id);
    }
  }
  auto found = store.posts_by_id(issue.posts);
  if (!found) {
    return std::move(found).error();
  }
  for (PostId id : issue.posts) {
    auto post = std::find_if(found->begin(), found->end(),
                             [id](const Post& candidate) { return candidate.id == id; });
    if (post == found->end()) {
      return make_error(ErrorCode::invalid_input, "posts: there is no post " + std::to_string(id));
    }
    if (post->status != PostStatus::published) {
      return make_error(ErrorCode::invalid_input,
                        "posts: post " + std::to_string(id) +
                            " is a draft; publish it first (POST /api/v1/posts/" +
                            std::to_string(id) + "/publish)");
    }
    if (std::find(issue.lists.begin(), issue.lists.end(), post->list_id) == issue.lists.end()) {
      return make_error(ErrorCode::invalid_input,
                        "posts: post " + std::to_string(id) + " is on list " +
                            std::to_string(post->list_id) + ", which the digest does not go to");
    }
  }
  auto cadence = optional_string(body, "cadence");
  if (!cadence) {
    return std::move(cadence).error();
  }
  issue.cadence = parse_cadence(cadence->value_or("weekly"));
  if (!issue.cadence) {
    return make_error(ErrorCode::invalid_input,
                      "cadence: must be immediate, daily, weekly or monthly (the subscribers "
                      "it goes to)");
  }
  return ok();
}

// The issue a request body describes, checked as `issues create` checks it.
Result<Issue> issue_from_body(const json& body, const RouteServices& services) {
  Issue issue;
  auto subject = required_string(body, "subject");
  if (!subject) {
    return std::move(subject).error();
  }
  issue.subject = *subject;
  for (const auto& [field, target] :
       {std::pair{"from_name", &issue.from_name}, std::pair{"from_address", &issue.from_address},
        std::pair{"reply_to", &issue.reply_to}, std::pair{"language", &issue.language},
        std::pair{"template", &issue.template_name}}) {
    auto value = optional_string(body, field);
    if (!value) {
      return std::move(value).error();
    }
    if (*value) {
      *target = **value;
    }
  }
  auto kind_text = optional_string(body, "kind");
  if (!kind_text) {
    return std::move(kind_text).error();
  }
  auto kind = parse_issue_kind(kind_text->value_or("letter"));
  if (!kind) {
    return make_error(ErrorCode::invalid_input, "kind: must be letter or digest");
  }
  issue.kind = *kind;
  for (const auto& [field, target] :
       {std::pair{"track_clicks", &issue.track_clicks},
        std::pair{"track_subscribers", &issue.track_subscribers},
        std::pair{"track_opens", &issue.track_opens}, std::pair{"archive", &issue.archive}}) {
    if (auto track = body.find(field); track != body.end()) {
      if (!track->is_boolean()) {
        return make_error(ErrorCode::invalid_input, std::string(field) + ": must be true or false");
      }
      *target = track->get<bool>();
    }
  }
  auto date_text = optional_string(body, "date");
  if (!date_text) {
    return std::move(date_text).error();
  }
  auto edition_date = parse_edition_date(date_text->value_or(""));
  if (!edition_date) {
    return std::move(edition_date).error();
  }
  issue.edition_date = *edition_date;
  auto lists = body.find("lists");
  if (lists == body.end() || !lists->is_array() || lists->empty()) {
    return make_error(ErrorCode::invalid_input, "lists: must be a non-empty array of list ids");
  }
  for (const auto& item : *lists) {
    if (!item.is_number_integer()) {
      return make_error(ErrorCode::invalid_input, "lists: must be an array of list ids");
    }
    issue.lists.push_back(item.get<ListId>());
  }
  auto topics = topics_field(body, services, issue.lists);
  if (!topics) {
    return std::move(topics).error();
  }
  issue.topics = std::move(*topics);
  if (issue.kind == IssueKind::digest) {
    auto made_of_posts = digest_fields(body, issue, services.store);
    if (!made_of_posts) {
      return std::move(made_of_posts).error();
    }
  } else {
    auto sections = sections_field(body);
    if (!sections) {
      return std::move(sections).error();
    }
    issue.sections = std::move(*sections);
  }
  auto normalised = normalise_issue(std::move(issue));
  if (!normalised) {
    return normalised;
  }
  sanitise_html_sections(normalised->sections);
  // A broken template is reported now, not when the letters go out.
  if (auto templates = load_letter_templates(normalised->template_name, services.data_dir);
      !templates) {
    return make_error(ErrorCode::invalid_input, "template: " + templates.error().message);
  }
  return normalised;
}

// The subscriber a preview or test letter is made for: a known one, or a stand-in with
// only an address (the letter shows the template's fallbacks).
Subscriber stand_in(Store& store, const std::string& address) {
  if (auto parsed = EmailAddress::parse(address)) {
    if (auto known = store.find_subscriber(*parsed)) {
      return *known;
    }
    Subscriber subscriber;
    subscriber.email = parsed->str();
    return subscriber;
  }
  return {};
}

// The stored issue `id` prepared for letters, as sending prepares it.
Result<PreparedIssue> prepared_issue(const RouteServices& services, IssueId id) {
  auto issue = services.store.find_issue(id);
  if (!issue) {
    return std::move(issue).error();
  }
  return prepare_stored_issue(services.store, *issue, services.data_dir);
}

HttpResponse move(const HttpRequest& request, const RouteServices& services, IssueMove step) {
  auto id = path_id(request);
  if (!id) {
    return fail(id.error());
  }
  if (auto done = move_issue(services.store, *id, step, services.clock()); !done) {
    return fail(done.error());
  }
  auto issue = services.store.find_issue(*id);
  return issue ? answer(to_json(*issue)) : fail(issue.error());
}

}  // namespace

HttpResponse list_issues(const HttpRequest&, const RouteServices& services) {
  return answer_list("issues", services.store.issues());
}

HttpResponse create_issue(const HttpRequest& request, const RouteServices& services) {
  auto body = object_body(request);
  if (!body) {
    return fail(body.error());
  }
  auto issue = issue_from_body(*body, services);
  if (!issue) {
    return fail(issue.error());
  }
  auto created = services.store.create_issue(*issue, services.clock());
  return created ? answer(to_json(*created), 201) : fail(created.error());
}

HttpResponse get_issue(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  if (!id) {
    return fail(id.error());
  }
  auto issue = services.store.find_issue(*id);
  return issue ? answer(to_json(*issue)) : fail(issue.error());
}

HttpResponse update_issue(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  auto body = object_body(request);
  if (auto error = first_error(id, body)) {
    return fail(*error);
  }
  auto issue = issue_from_body(*body, services);
  if (!issue) {
    return fail(issue.error());
  }
  issue->id = *id;
  auto updated = services.store.update_issue(*issue, services.clock());
  return updated ? answer(to_json(*updated)) : fail(updated.error());
}

// GET /api/v1/issues/{id}/preview?subscriber=ID|ADDRESS&format=html|text, sandboxed.
HttpResponse preview_issue(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  auto fields = query_fields(request);
  auto composer = composer_of(services);
  if (auto error = first_error(id, fields, composer)) {
    return fail(*error);
  }
  auto html = wants_html(*fields);
  if (!html) {
    return fail(html.error());
  }
  Subscriber subscriber = sample_subscriber();
  if (auto given = form_value(*fields, "subscriber")) {
    Result<Subscriber> found = make_error(ErrorCode::internal, "unread");
    if (given->find('@') != std::string::npos) {  // an address rather than an id
      auto address = EmailAddress::parse(*given);
      if (!address) {
        return fail(make_error(ErrorCode::invalid_input, "subscriber: " + address.error().message));
      }
      found = services.store.find_subscriber(*address);
    } else {
      auto subscriber_id = query_integer(*fields, "subscriber", 0);
      if (!subscriber_id) {
        return fail(subscriber_id.error());
      }
      found = services.store.find_subscriber(*subscriber_id);
    }
    if (!found) {
      return fail(found.error());
    }
    subscriber = std::move(*found);
  }
  auto prepared = prepared_issue(services, *id);
  if (!prepared) {
    return fail(prepared.error());
  }
  if (prepared->digest && subscriber.id != 0) {  // a digest: that reader's selection
    auto selected = digest_for_reader(services.store, *prepared, subscriber);
    if (!selected) {
      return fail(selected.error());
    }
    if (!*selected) {
      return fail(make_error(ErrorCode::not_found,
                             "no item of this digest is for " + subscriber.email +
                                 " (the topics they chose, or every item received before): "
                                 "they get no letter and are counted skipped"));
    }
    *prepared = std::move(**selected);
  }
  auto letter = (*composer)->preview(*prepared, subscriber, services.clock());
  if (!letter) {
    return fail(letter.error());
  }
  return sandboxed_preview(std::move(*letter), *html);
}

// POST /api/v1/issues/{id}/test {"addresses": ["a@example.org", ...]}: the letter as each
// address's subscriber (or a stand-in) would get it, sent now, whatever the issue's state.
HttpResponse test_send_issue(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  auto body = object_body(request);
  auto composer = composer_of(services);
  if (auto error = first_error(id, body, composer)) {
    return fail(*error);
  }
  if (services.letters.mailer == nullptr) {
    return fail({ErrorCode::unavailable, "no transport is configured for test letters"});
  }
  auto addresses = body->find("addresses");
  if (addresses == body->end() || !addresses->is_array() || addresses->empty() ||
      addresses->size() > kMaxTestAddresses) {
    return fail({ErrorCode::invalid_input, "addresses: must be an array of 1 to 10 addresses"});
  }
  std::vector<std::string> recipients;
  for (const auto& item : *addresses) {
    auto parsed = item.is_string()
                      ? EmailAddress::parse(item.get<std::string>())
                      : Result<EmailAddress>(make_error(ErrorCode::invalid_input, "not a string"));
    if (!parsed) {
      return fail({ErrorCode::invalid_input, "addresses: " + parsed.error().message});
    }
    recipients.push_back(parsed->str());
  }
  auto prepared = prepared_issue(services, *id);
  if (!prepared) {
    return fail(prepared.error());
  }
  if (auto tracked = track_links(services.store, **composer, *prepared, services.clock());
      !tracked) {
    return fail(tracked.error());
  }
  json results = json::array();
  for (const auto& recipient : recipients) {
    const auto now = services.clock();
    const Subscriber subscriber = stand_in(services.store, recipient);
    auto message = (*composer)->compose(*prepared, subscriber, now, (*composer)->new_message_id());
    if (!message) {
      return fail(message.error());
    }
    auto sent = services.letters.mailer->send(OutgoingLetter{
        subscriber.id, (*composer)->envelope_from(*prepared), recipient, std::move(*message)});
    results.push_back({{"address", recipient},
                       {"sent", sent.has_value()},
                       {"error", sent ? json(nullptr) : json(sent.error().message)}});
  }
  return answer({{"results", results}});
}

// POST /api/v1/issues/{id}/send: due now; the delivery service of `serve` sends it.
HttpResponse send_issue(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  if (!id) {
    return fail(id.error());
  }
  const auto now = services.clock();
  if (auto done = services.store.schedule_issue(*id, now, std::nullopt, now); !done) {
    return fail(done.error());
  }
  auto issue = services.store.find_issue(*id);
  return issue ? answer(to_json(*issue), 202) : fail(issue.error());
}

// POST /api/v1/issues/{id}/schedule {"at": "2026-12-01T09:00Z", "expire_after": "6h"}
HttpResponse schedule_issue(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  auto body = object_body(request);
  if (auto error = first_error(id, body)) {
    return fail(*error);
  }
  auto at_text = required_string(*body, "at");
  auto expire_text = optional_string(*body, "expire_after");
  if (auto error = first_error(at_text, expire_text)) {
    return fail(*error);
  }
  const Timestamp now = services.clock();
  auto at = *at_text == "now" ? std::optional<Timestamp>(now) : parse_iso8601(*at_text);
  if (!at) {
    return fail(
        {ErrorCode::invalid_input, "at: must be a UTC time such as 2026-12-01T09:00Z, or \"now\""});
  }
  std::optional<std::chrono::seconds> expire_after;
  if (*expire_text) {
    expire_after = parse_duration(**expire_text);
    if (!expire_after) {
      return fail({ErrorCode::invalid_input, "expire_after: must be a duration such as 6h"});
    }
  }
  if (auto checked = check_schedule(*at, expire_after, now); !checked) {
    const bool past = *at < now;
    return fail({ErrorCode::invalid_input, (past ? "at: " : "expire_after: ") +
                                               checked.error().message +
                                               (past ? "; send \"now\" to send at once" : "")});
  }
  auto done = services.store.schedule_issue(*id, *at, expire_after, now);
  if (!done) {
    return fail(done.error());
  }
  auto issue = services.store.find_issue(*id);
  return issue ? answer(to_json(*issue)) : fail(issue.error());
}

HttpResponse pause_issue(const HttpRequest& request, const RouteServices& services) {
  return move(request, services, IssueMove::pause);
}

HttpResponse resume_issue(const HttpRequest& request, const RouteServices& services) {
  return move(request, services, IssueMove::resume);
}

HttpResponse cancel_issue(const HttpRequest& request, const RouteServices& services) {
  return move(request, services, IssueMove::cancel);
}

// GET /api/v1/issues/{id}/status: live delivery counts and clicks per link.
HttpResponse issue_status(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  if (!id) {
    return fail(id.error());
  }
  auto status = services.store.issue_status(*id);
  if (!status) {
    return fail(status.error());
  }
  auto counts = services.store.delivery_counts(*id);
  auto links = services.store.links_of_issue(*id);
  auto engagement = services.store.engagement(*id);
  if (auto error = first_error(counts, links, engagement)) {
    return fail(*error);
  }
  json clicks = json::array();
  for (const auto& link : *links) {
    clicks.push_back({{"url", link.url}, {"clicks", link.clicks}});
  }
  return answer({{"id", *id},
                 {"status", to_string(*status)},
                 {"deliveries", to_json(*counts)},
                 {"links", clicks},
                 // Only issues that track subscribers (or opens) have these.
                 {"unique_openers", engagement->first},
                 {"unique_clickers", engagement->second}});
}

}  // namespace communique::api
