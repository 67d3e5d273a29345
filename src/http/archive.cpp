#include "http/archive.hpp"

#include <fmt/format.h>

#include <charconv>
#include <limits>

#include "content/markdown.hpp"
#include "content/summary.hpp"
#include "delivery/issue_letters.hpp"
#include "http/archive_search_page.hpp"
#include "http/form.hpp"
#include "http/public_page.hpp"
#include "mail/letter.hpp"

namespace communique {

namespace {

constexpr std::size_t kPageSize = 20;

// An issue's page is the letter's HTML, styled inline as mail needs. Its body was sanitised
// (content/html_sanitizer.hpp); the policy is the second wall: no script, plugin, form,
// base URL or framing, and a sandbox (an opaque origin) should markup ever slip through.
constexpr const char* kIssuePolicy =
    "default-src 'none'; img-src https: data:; style-src 'unsafe-inline'; "
    "form-action 'none'; base-uri 'none'; frame-ancestors 'none'; sandbox";

std::optional<IssueId> before_parameter(const std::string& query) {
  constexpr std::string_view kKey = "before=";
  const auto at = query.find(kKey);
  if (at == std::string::npos || (at > 0 && query[at - 1] != '&')) {
    return std::nullopt;
  }
  IssueId id = 0;
  const char* first = query.data() + at + kKey.size();
  const char* last = query.data() + query.size();
  const auto [end, ec] = std::from_chars(first, last, id);
  if (ec != std::errc() || (end != last && *end != '&') || id <= 0) {
    return std::nullopt;
  }
  return id;
}

// What the index says of an issue: the first words of a letter, the titles of a digest's
// posts.
std::string summary_of(Store& store, const Issue& issue) {
  if (issue.posts.empty()) {
    return summarise(issue.sections, 200);
  }
  std::string titles;
  if (auto posts = store.posts_by_id(issue.posts)) {
    for (const auto& post : *posts) {
      titles += (titles.empty() ? "" : " · ") + post.title;
    }
  }
  const std::vector<IssueSection> text{{"", BodyFormat::markdown, titles}};
  return summarise(text, 200);
}

// Links to the archive pages of the public lists that have published posts, and the search
// form.
std::string lists_and_search(Store& store) {
  std::string links;
  if (auto lists = store.lists()) {
    for (const auto& list : *lists) {
      if (list.visibility != ListVisibility::public_list) {
        continue;
      }
      auto posts = store.public_posts(list.id, std::nullopt, 1);
      if (posts && !posts->empty()) {
        links += fmt::format("{}<a href=\"/archive/{}\">{}</a>", links.empty() ? "" : " · ",
                             escape_html(encode_path_segment(list.name)),
                             escape_html(list.display_name()));
      }
    }
  }
  std::string html = render_public_text("search.html", {{"query", ""}});
  if (!links.empty()) {
    html += "<p>Posts: " + links + "</p>\n";
  }
  return html;
}

}  // namespace

HttpResponse handle_archive_index(const HttpRequest& request, Store& store,
                                  const SenderIdentity& identity) {
  if (auto fields = parse_form(request.query); fields && form_value(*fields, "q")) {
    return handle_archive_search(*fields, store, identity);
  }
  const IssueId before =
      before_parameter(request.query).value_or(std::numeric_limits<IssueId>::max());
  auto issues = store.public_issues(before, kPageSize);
  if (!issues) {
    return public_page(503, "Please try again", "<p>The archive cannot be read just now.</p>");
  }
  std::string body =
      lists_and_search(store) + "<p><a href=\"/archive/feed.atom\">Atom feed</a></p>\n";
  if (issues->empty()) {
    body += "<p>No issue has been published yet.</p>\n";
  } else {
    body += "<ul class=\"issues\">\n";
    for (const auto& issue : *issues) {
      body += fmt::format(
          "<li><a href=\"/archive/{}\">{}</a><br>"
          "<small>{}</small><br>{}</li>\n",
          escape_html(issue_slug(issue)), escape_html(issue.subject),
          format_date(masthead_day(issue, issue.updated_at)),
          escape_html(summary_of(store, issue)));
    }
    body += "</ul>\n";
    if (issues->size() == kPageSize) {
      body += fmt::format("<p><a href=\"/archive?before={}\">Older issues</a></p>\n",
                          issues->back().id);
    }
  }
  return public_page(200, identity.organisation + ": archive", body);
}

HttpResponse handle_archive_feed(Store& store, const SenderIdentity& identity) {
  auto issues = store.public_issues(std::numeric_limits<IssueId>::max(), kPageSize);
  if (!issues) {
    return public_page(503, "Please try again", "<p>The feed cannot be read just now.</p>");
  }
  const std::string& base = identity.base_url;
  const std::string updated =
      format_iso8601(issues->empty() ? Timestamp{} : issues->front().updated_at);
  std::string xml = fmt::format(
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
      "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
      "  <title>{}</title>\n  <id>{}/archive</id>\n"
      "  <link rel=\"self\" href=\"{}/archive/feed.atom\"/>\n"
      "  <link rel=\"alternate\" type=\"text/html\" href=\"{}/archive\"/>\n"
      "  <updated>{}</updated>\n  <author><name>{}</name></author>\n",
      escape_html(identity.organisation), escape_html(base), escape_html(base), escape_html(base),
      updated, escape_html(identity.organisation));
  for (const auto& issue : *issues) {
    const std::string url = escape_html(base + "/archive/" + issue_slug(issue));
    xml += fmt::format(
        "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n"
        "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n"
        "    <updated>{}</updated>\n    <summary>{}</summary>\n  </entry>\n",
        escape_html(issue.subject), url, url, format_iso8601(issue.updated_at),
        escape_html(summary_of(store, issue)));
  }
  xml += "</feed>\n";
  HttpResponse response;
  response.content_type = "application/atom+xml; charset=utf-8";
  response.body = std::move(xml);
  return response;
}

HttpResponse handle_archive_issue(const HttpRequest& request, Store& store,
                                  const SenderIdentity& identity,
                                  const std::filesystem::path& data_dir) {
  const std::string& slug = request.params.at("slug");
  IssueId id = 0;
  const auto [end, ec] = std::from_chars(slug.data(), slug.data() + slug.size(), id);
  if (ec != std::errc() || id <= 0 || id == std::numeric_limits<IssueId>::max()) {
    return not_found_page();
  }
  // The index's own query, asked for this one id, so that the page and the index cannot
  // disagree about what is published.
  auto found = store.public_issues(id + 1, 1);
  if (!found || found->empty() || found->front().id != id) {
    return not_found_page();
  }
  const Issue* issue = &found->front();
  auto prepared = prepare_stored_issue(store, *issue, data_dir);
  if (!prepared) {
    return not_found_page();
  }
  if (prepared->slug != slug) {
    // "/archive/12", or words of an older slug: the issue's one address.
    HttpResponse moved;
    moved.status = 301;
    moved.content_type = "text/plain; charset=utf-8";
    moved.body = "/archive/" + prepared->slug + "\n";
    moved.headers.emplace_back("Location", "/archive/" + prepared->slug);
    return moved;
  }
  auto html = render_web_version(*prepared, identity, issue->updated_at);
  if (!html) {
    return not_found_page();
  }
  HttpResponse response;
  response.content_type = "text/html; charset=utf-8";
  response.body = std::move(*html);
  response.headers.emplace_back("Content-Security-Policy", kIssuePolicy);
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  return response;
}

}  // namespace communique
