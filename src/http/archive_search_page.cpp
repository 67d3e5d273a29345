#include "http/archive_search_page.hpp"

#include "base/log.hpp"
#include "content/markdown.hpp"
#include "http/public_page.hpp"
#include "mail/letter.hpp"

namespace communique {

namespace {

constexpr std::size_t kResultsPerPage = 20;

// `excerpt` (a post's Markdown) as a reader would read it: without emphasis and heading
// marks, code ticks and the "> " of quotes, its white space collapsed to single spaces.
std::string without_markdown_marks(const std::string& excerpt) {
  std::string text;
  text.reserve(excerpt.size());
  const auto is_space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  for (std::size_t i = 0; i < excerpt.size(); ++i) {
    const char c = excerpt[i];
    const bool starts_word = i == 0 || is_space(excerpt[i - 1]) || excerpt[i - 1] == '#';
    const bool mark =
        c == '*' || c == '`' || (c == '#' && starts_word) ||
        (c == '>' && starts_word && (i + 1 == excerpt.size() || is_space(excerpt[i + 1])));
    if (mark) {
      continue;
    }
    if (is_space(c)) {
      if (!text.empty() && text.back() != ' ') {
        text += ' ';
      }
      continue;
    }
    text += c;
  }
  while (!text.empty() && text.back() == ' ') {
    text.pop_back();
  }
  return text;
}

// `excerpt` escaped, with the store's match markers as <mark> elements (a marker left
// open by a cut excerpt is closed).
std::string marked_excerpt(const std::string& excerpt) {
  std::string html;
  bool open = false;
  for (char c : escape_html(without_markdown_marks(excerpt))) {
    if (c == kMatchStart && !open) {
      html += "<mark>";
      open = true;
    } else if (c == kMatchEnd && open) {
      html += "</mark>";
      open = false;
    } else if (c != kMatchStart && c != kMatchEnd) {
      html += c;
    }
  }
  if (open) {
    html += "</mark>";
  }
  return html;
}

std::string result_url(const ArchiveHit& hit) {
  if (hit.kind == ArchiveHitKind::post) {
    return "/posts/" + hit.slug;
  }
  Issue issue;
  issue.id = hit.id;
  issue.subject = hit.title;
  return "/archive/" + issue_slug(issue);
}

HttpResponse search_page(int status, const std::string& query, const std::string& message,
                         const nlohmann::json& results, const std::string& next,
                         const SenderIdentity& identity) {
  const nlohmann::json context{{"query", query},
                               {"message", message},
                               {"results", results},
                               {"has_results", !results.empty()},
                               {"next", next}};
  return render_public_page(status, "Search the archive", "search", context, identity.organisation);
}

}  // namespace

HttpResponse handle_archive_search(const FormFields& fields, Store& store,
                                   const SenderIdentity& identity) {
  const std::string query = form_value(fields, "q").value_or("");
  const nlohmann::json none = nlohmann::json::array();
  auto words = parse_search_words(query);
  if (!words) {
    // A long query is not shown back in full: the form keeps its first words.
    const std::string shown = query.size() > kMaxSearchLength ? "" : query;
    return search_page(400, shown, words.error().message, none, "", identity);
  }
  ArchiveSearch search{.words = std::move(*words), .limit = kResultsPerPage + 1};
  if (auto before = form_value(fields, "before")) {
    search.before = parse_archive_cursor(*before);
  }
  auto hits = store.search_archive(search);
  if (!hits) {
    logger("http")->error("archive search failed: {}", hits.error().message);
    return search_page(503, query, "The archive cannot be searched just now. Please try again.",
                       none, "", identity);
  }
  std::string next;
  if (hits->size() > kResultsPerPage) {
    hits->resize(kResultsPerPage);
    next = "/archive?q=" + encode_path_segment(query) +
           "&before=" + format_archive_cursor(hits->back().cursor());
  }
  nlohmann::json results = nlohmann::json::array();
  for (const auto& hit : *hits) {
    // An issue's excerpt is its subject, marked: it is shown as the title.
    const bool post = hit.kind == ArchiveHitKind::post;
    results.push_back({{"url", result_url(hit)},
                       {"title_html", post ? escape_html(hit.title) : marked_excerpt(hit.excerpt)},
                       {"kind", post ? "Post" : "Issue"},
                       {"date", format_date(utc_day(hit.at))},
                       {"excerpt", post ? marked_excerpt(hit.excerpt) : ""}});
  }
  std::string message;
  if (results.empty()) {
    message = search.before ? "There are no older results."
                            : "Nothing in the archive matches your search. Try fewer or other "
                              "words.";
  }
  return search_page(200, query, message, results, next, identity);
}

}  // namespace communique
