// SqliteStore's tracked links, clicks and opens (store/click_store.hpp).
#include "store/sqlite/sqlite_support.hpp"

namespace communique {

using namespace sqlite_support;  // NOLINT(google-build-using-namespace): the backend's own helpers

namespace {

TrackedLink read_link(const sqlite::Statement& row) {
  return TrackedLink{row.column_int(0), row.column_int(1), row.column_text(2), row.column_int(3)};
}

}  // namespace

Result<std::vector<std::int64_t>> SqliteStore::register_links(IssueId issue,
                                                              std::span<const std::string> urls) {
  Call call(*this);
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  std::vector<std::int64_t> ids;
  ids.reserve(urls.size());
  for (const auto& url : urls) {
    auto id = first_row("insert-issue-link", read_integer, issue, url);
    if (!id) {
      if (id.error().code == ErrorCode::conflict) {
        return make_error(ErrorCode::not_found, "there is no issue " + std::to_string(issue));
      }
      return std::move(id).error();
    }
    ids.push_back(id->value_or(0));
  }
  COMMUNIQUE_TRY(transaction.commit());
  return ids;
}

Result<std::string> SqliteStore::link_url(std::int64_t link) {
  Call call(*this);
  return find("link-url", read_text, "no such link", link);
}

Result<void> SqliteStore::add_clicks(std::span<const Counted> clicks,
                                     std::span<const Counted> personal_clicks,
                                     std::span<const Counted> opens) {
  Call call(*this);
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  for (const auto& click : clicks) {
    COMMUNIQUE_TRY(execute("add-clicks", click.first, click.count));
  }
  // A subscriber who erased their data since is simply not counted (a conflict).
  for (const auto& click : personal_clicks) {
    if (auto added = execute("add-subscriber-clicks", click.first, click.second, click.count);
        !added && added.error().code != ErrorCode::conflict) {
      return std::move(added).error();
    }
  }
  for (const auto& open : opens) {
    if (auto added = execute("add-opens", open.first, open.second, open.count);
        !added && added.error().code != ErrorCode::conflict) {
      return std::move(added).error();
    }
  }
  return transaction.commit();
}

Result<std::pair<std::int64_t, std::int64_t>> SqliteStore::engagement(IssueId issue) {
  Call call(*this);
  auto row = first_row(
      "engagement-of-issue",
      [](const sqlite::Statement& r) {
        return std::pair{r.column_int(0), r.column_int(1)};
      },
      issue);
  if (!row) {
    return std::move(row).error();
  }
  return row->value_or(std::pair<std::int64_t, std::int64_t>{0, 0});
}

Result<std::vector<TrackedLink>> SqliteStore::links_of_issue(IssueId issue) {
  Call call(*this);
  return rows("links-of-issue", read_link, issue);
}

}  // namespace communique
