#include "delivery/issue_letters.hpp"

namespace communique {

Result<PreparedIssue> prepare_stored_issue(ListStore& store, const Issue& issue,
                                           const std::filesystem::path& data_dir) {
  if (issue.lists.empty()) {
    return make_error(ErrorCode::conflict,
                      "issue " + std::to_string(issue.id) + " goes to no list");
  }
  auto list = store.find_list(issue.lists.front());
  if (!list) {
    return std::move(list).error();
  }
  auto templates = load_letter_templates(issue.template_name, data_dir);
  if (!templates) {
    return make_error(templates.error().code, "template: " + templates.error().message);
  }
  bool published = issue.archive;
  for (ListId id : issue.lists) {
    auto each = store.find_list(id);
    published = published && each && each->visibility == ListVisibility::public_list;
  }
  auto prepared = prepare_issue(issue, *list, std::move(*templates));
  if (prepared) {
    prepared->published = published;
  }
  return prepared;
}

Result<void> track_links(ClickStore& store, const LetterComposer& composer, PreparedIssue& issue,
                         Timestamp now) {
  const auto urls = LetterComposer::links_to_count(issue);
  std::vector<std::int64_t> ids;
  if (!urls.empty()) {
    auto registered = store.register_links(issue.issue.id, urls);
    if (!registered) {
      return std::move(registered).error();
    }
    ids = std::move(*registered);
  }
  composer.track_links(issue, urls, ids, now);
  return ok();
}

}  // namespace communique
