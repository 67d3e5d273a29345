#include "http/post_pages.hpp"

#include <fmt/format.h>

#include <limits>
#include <map>

#include "content/html_sanitizer.hpp"
#include "content/markdown.hpp"
#include "content/summary.hpp"
#include "http/form.hpp"
#include "http/post_feed.hpp"
#include "http/public_page.hpp"
#include "mail/letter.hpp"

namespace communique::pages {

namespace {

constexpr std::size_t kFeedEntries = 50;
constexpr std::size_t kListPagePosts = 50;
constexpr std::size_t kListPageIssues = 100;  // the newest archived issues looked through

// The public pages' policy, except that a post's images may come from any HTTPS site (an
// editor's Markdown links them). Styles are the public stylesheet's only: the inline styles
// Markdown gets for mail do not apply here.
constexpr const char* kPostPolicy =
    "default-src 'none'; style-src 'self'; img-src 'self' https:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

std::string list_path(const MailingList& list) {
  return "/archive/" + encode_path_segment(list.name);
}

// The public list `raw` (a path segment as requested) names, or nothing.
std::optional<MailingList> public_list(Store& store, const std::string& raw) {
  auto name = decode_path_segment(raw);
  if (!name) {
    return std::nullopt;
  }
  auto list = store.find_list(*name);
  if (!list || list->visibility != ListVisibility::public_list) {
    return std::nullopt;
  }
  return std::move(*list);
}

std::map<TopicId, std::string> topic_names(Store& store, ListId list) {
  std::map<TopicId, std::string> names;
  if (auto topics = store.topics(list)) {
    for (const auto& topic : *topics) {
      names.emplace(topic.id, topic.name);
    }
  }
  return names;
}

std::string body_html(const Post& post) {
  auto html = markdown_to_html(post.body);
  return html ? sanitise_html(*html) : "<p>" + escape_html(post.body) + "</p>";
}

std::string description_of(const Post& post) {
  const std::vector<IssueSection> body{{"", BodyFormat::markdown, post.body}};
  return summarise(body, 200);
}

std::string day_of(const Post& post) {
  return human_date(utc_day(post.published_at.value_or(post.created_at)));
}

// The published versions of `post` in other languages: its original and the original's
// other translations, each of them once.
std::vector<Post> other_versions(Store& store, const Post& post) {
  const PostId original = post.translation_of.value_or(post.id);
  std::vector<Post> versions;
  if (original != post.id) {
    if (auto found = store.find_post(original); found && found->status == PostStatus::published) {
      versions.push_back(std::move(*found));
    }
  }
  if (auto translations = store.translations_of(std::span<const PostId>(&original, 1))) {
    for (auto& translation : *translations) {
      if (translation.id != post.id) {
        versions.push_back(std::move(translation));
      }
    }
  }
  return versions;
}

std::string meta(std::string_view attribute, std::string_view name, std::string_view content) {
  return fmt::format("<meta {}=\"{}\" content=\"{}\">\n", attribute, escape_html(name),
                     escape_html(content));
}

HttpResponse with_policy(HttpResponse response, const char* policy) {
  for (auto& [name, value] : response.headers) {
    if (name == "Content-Security-Policy") {
      value = policy;
    }
  }
  return response;
}

// The feed of `posts` of `list` (of `topic`, when given), or 503.
HttpResponse feed(const HttpRequest& request, const RouteServices& services,
                  const MailingList& list, const Topic* topic) {
  auto posts = services.store.public_posts(
      list.id, topic != nullptr ? std::optional<TopicId>(topic->id) : std::nullopt, kFeedEntries);
  if (!posts) {
    return public_page(503, "Please try again", "<p>The feed cannot be read just now.</p>");
  }
  const std::string title =
      std::string(list.display_name()) + (topic != nullptr ? ": " + topic->name : std::string());
  const std::string path = list_path(list);
  PostFeed about{.title = title,
                 .page_path = path,
                 .self_path = topic != nullptr ? path + "/topics/" +
                                                     encode_path_segment(topic->name) + "/feed.atom"
                                               : path + "/feed.atom",
                 .tag = "lists/" + std::to_string(list.id) +
                        (topic != nullptr ? "/topics/" + std::to_string(topic->id) : std::string()),
                 .created_at = list.created_at};
  return feed_response(
      request,
      render_post_feed(about, *posts, topic_names(services.store, list.id), services.identity));
}

}  // namespace

bool names_issue(const std::string& name) {
  return !name.empty() && name.front() >= '0' && name.front() <= '9';
}

HttpResponse post_page(const HttpRequest& request, const RouteServices& services) {
  Store& store = services.store;
  auto post = store.find_post_by_slug(request.params.at("slug"));
  if (!post || post->status != PostStatus::published) {
    return not_found_page();
  }
  auto list = store.find_list(post->list_id);
  if (!list || list->visibility != ListVisibility::public_list) {
    return not_found_page();
  }
  const std::string& base = services.identity.base_url;
  const std::string url = base + "/posts/" + post->slug;
  const auto names = topic_names(store, list->id);
  nlohmann::json topics = nlohmann::json::array();
  for (TopicId topic : post->topics) {
    if (auto name = names.find(topic); name != names.end()) {
      topics.push_back({{"name", name->second},
                        {"feed", list_path(*list) + "/topics/" + encode_path_segment(name->second) +
                                     "/feed.atom"}});
    }
  }
  const auto versions = other_versions(store, *post);
  nlohmann::json translations = nlohmann::json::array();
  std::string alternates;
  for (const auto& version : versions) {
    const std::string language = version.language.empty() ? "und" : version.language;
    translations.push_back(
        {{"url", "/posts/" + version.slug}, {"language", language}, {"title", version.title}});
    if (!version.language.empty()) {
      alternates +=
          fmt::format("<link rel=\"alternate\" hreflang=\"{}\" href=\"{}\">\n",
                      escape_html(version.language), escape_html(base + "/posts/" + version.slug));
    }
  }
  if (!alternates.empty() && !post->language.empty()) {
    alternates += fmt::format("<link rel=\"alternate\" hreflang=\"{}\" href=\"{}\">\n",
                              escape_html(post->language), escape_html(url));
  }
  const std::string description = description_of(*post);
  const std::string feed_path = list_path(*list) + "/feed.atom";
  std::string head = fmt::format("<link rel=\"canonical\" href=\"{}\">\n", escape_html(url));
  head += alternates;
  head += fmt::format(
      "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"{}\" href=\"{}\">\n",
      escape_html(list->display_name()), escape_html(feed_path));
  head += meta("name", "description", description);
  head += meta("property", "og:type", "article");
  head += meta("property", "og:title", post->title);
  head += meta("property", "og:description", description);
  head += meta("property", "og:url", url);
  head += meta("property", "og:site_name", services.identity.organisation);
  if (!post->language.empty()) {
    head += meta("property", "og:locale", post->language);
  }
  head += meta("property", "article:published_time",
               format_iso8601(post->published_at.value_or(post->created_at)));
  head += meta("property", "article:section", post->section_name);
  const nlohmann::json context{
      {"date", day_of(*post)},
      {"datetime", format_iso8601(post->published_at.value_or(post->created_at))},
      {"section", post->section_name},
      {"topics", topics},
      {"has_topics", !topics.empty()},
      {"body", body_html(*post)},
      {"translations", translations},
      {"has_translations", !translations.empty()},
      {"list", list->display_name()},
      {"list_url", list_path(*list)},
      {"feed_url", feed_path}};
  return with_policy(
      render_public_page(
          200, post->title, "post", context, services.identity.organisation,
          PageHead{.language = post->language.empty() ? std::string("en") : post->language,
                   .indexable = true,
                   .extra_html = std::move(head)}),
      kPostPolicy);
}

HttpResponse list_archive(const std::string& name, const RouteServices& services) {
  Store& store = services.store;
  auto list = public_list(store, name);
  if (!list) {
    return not_found_page();
  }
  auto posts = store.public_posts(list->id, std::nullopt, kListPagePosts);
  auto issues = store.public_issues(std::numeric_limits<IssueId>::max(), kListPageIssues);
  if (!posts || !issues) {
    return public_page(503, "Please try again", "<p>The archive cannot be read just now.</p>");
  }
  nlohmann::json post_items = nlohmann::json::array();
  for (const auto& post : *posts) {
    post_items.push_back({{"url", "/posts/" + post.slug},
                          {"title", post.title},
                          {"date", day_of(post)},
                          {"section", post.section_name}});
  }
  nlohmann::json issue_items = nlohmann::json::array();
  for (const auto& issue : *issues) {
    if (std::find(issue.lists.begin(), issue.lists.end(), list->id) != issue.lists.end()) {
      issue_items.push_back({{"url", "/archive/" + issue_slug(issue)},
                             {"title", issue.subject},
                             {"date", format_date(masthead_day(issue, issue.updated_at))}});
    }
  }
  const std::string feed_path = list_path(*list) + "/feed.atom";
  const nlohmann::json context{{"description", list->description},
                               {"feed_url", feed_path},
                               {"posts", post_items},
                               {"has_posts", !post_items.empty()},
                               {"issues", issue_items},
                               {"has_issues", !issue_items.empty()}};
  const std::string head = fmt::format(
      "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"{}\" href=\"{}\">\n",
      escape_html(list->display_name()), escape_html(feed_path));
  return render_public_page(200, std::string(list->display_name()), "list_archive", context,
                            services.identity.organisation,
                            PageHead{.indexable = true, .extra_html = head});
}

HttpResponse list_feed(const HttpRequest& request, const RouteServices& services) {
  auto list = public_list(services.store, request.params.at("list"));
  if (!list) {
    return not_found_page();
  }
  return feed(request, services, *list, nullptr);
}

HttpResponse topic_feed(const HttpRequest& request, const RouteServices& services) {
  auto list = public_list(services.store, request.params.at("list"));
  auto name = decode_path_segment(request.params.at("topic"));
  if (!list || !name) {
    return not_found_page();
  }
  auto topics = services.store.topics(list->id);
  if (!topics) {
    return public_page(503, "Please try again", "<p>The feed cannot be read just now.</p>");
  }
  for (const auto& topic : *topics) {
    if (topic.name == *name) {
      return feed(request, services, *list, &topic);
    }
  }
  return not_found_page();
}

}  // namespace communique::pages
