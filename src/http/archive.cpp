#include "http/archive.hpp"

#include <charconv>

#include "http/unsubscribe.hpp"
#include "mail/letter.hpp"

namespace communique {

HttpResponse handle_archive_issue(const HttpRequest& request, Store& store,
                                  const SenderIdentity& identity,
                                  const std::filesystem::path& data_dir) {
  const std::string& slug = request.params.at("slug");
  IssueId id = 0;
  const auto [end, ec] = std::from_chars(slug.data(), slug.data() + slug.size(), id);
  if (ec != std::errc() || id <= 0) {
    return not_found_page();
  }
  auto issue = store.find_issue(id);
  if (!issue || (issue->status != IssueStatus::sending && issue->status != IssueStatus::sent) ||
      issue->lists.empty()) {
    return not_found_page();
  }
  auto list = store.find_list(issue->lists.front());
  auto templates = load_letter_templates(issue->template_name, data_dir);
  if (!list || !templates) {
    return not_found_page();
  }
  auto prepared = prepare_issue(*issue, *list, std::move(*templates));
  if (!prepared || prepared->slug != slug) {
    return not_found_page();
  }
  auto html = render_web_version(*prepared, identity, issue->updated_at);
  if (!html) {
    return not_found_page();
  }
  HttpResponse response;
  response.content_type = "text/html; charset=utf-8";
  response.body = std::move(*html);
  response.headers.emplace_back("Content-Security-Policy",
                                "default-src 'none'; img-src https: data:; "
                                "style-src 'unsafe-inline'; frame-ancestors 'none'");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  return response;
}

}  // namespace communique
