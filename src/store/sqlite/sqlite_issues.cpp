// SqliteStore's issues: drafts with their lists and sections, states, schedules and the
// public archive (store/issue_store.hpp).
#include "store/sqlite/sqlite_support.hpp"

namespace communique {

using namespace sqlite_support;  // NOLINT(google-build-using-namespace): the backend's own helpers

namespace {

std::string no_issue(IssueId id) {
  return "there is no issue " + std::to_string(id);
}

std::int64_t flag(bool value) {
  return value ? 1 : 0;
}

// An edition date as stored: "YYYY-MM-DD", or "" for none.
std::string edition_text(const std::optional<std::chrono::year_month_day>& date) {
  return date ? format_date(*date) : std::string();
}

IssueStatus read_status(const sqlite::Statement& row) {
  return parse_issue_status(row.column_text(0)).value_or(IssueStatus::draft);
}

}  // namespace

Result<Issue> SqliteStore::create_issue(const Issue& issue, Timestamp now) {
  Call call(*this);
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  auto created = create_issue_locked(issue, now);
  if (!created) {
    return created;
  }
  COMMUNIQUE_TRY(transaction.commit());
  return created;
}

Result<Issue> SqliteStore::create_issue_locked(const Issue& issue, Timestamp now) {
  auto id = first_row("insert-issue", read_integer, to_string(issue.kind), to_string(issue.status),
                      issue.subject, issue.from_name, issue.from_address, issue.reply_to,
                      issue.template_name, issue.language, now, flag(issue.track_clicks),
                      flag(issue.track_subscribers), flag(issue.track_opens), flag(issue.archive),
                      edition_text(issue.edition_date), cadence_text(issue.cadence),
                      issue.digest_id, issue.excerpt_words);
  if (!id) {
    return std::move(id).error();
  }
  Issue created = issue;
  created.id = id->value_or(0);
  created.created_at = now;
  created.updated_at = now;
  COMMUNIQUE_TRY(write_issue_parts(created));
  if (issue.status == IssueStatus::scheduled && issue.scheduled_at) {
    std::optional<std::int64_t> expire_seconds;
    if (issue.expire_after) {
      expire_seconds = static_cast<std::int64_t>(issue.expire_after->count());
    }
    COMMUNIQUE_TRY(execute("schedule-issue", created.id, *issue.scheduled_at, expire_seconds, now));
  }
  return created;
}

Result<void> SqliteStore::write_issue_parts(const Issue& issue) {
  for (ListId list : issue.lists) {
    if (auto added = execute("insert-issue-list", issue.id, list); !added) {
      if (added.error().code == ErrorCode::conflict) {
        return make_error(ErrorCode::not_found, "a list of the issue does not exist");
      }
      return std::move(added).error();
    }
  }
  std::int64_t position = 0;
  for (const auto& section : issue.sections) {
    COMMUNIQUE_TRY(execute("insert-issue-section", issue.id, position++, section.title,
                           to_string(section.format), section.body));
  }
  for (TopicId topic : issue.topics) {
    auto added = execute("insert-issue-topic", issue.id, topic);
    if (!added) {
      return std::move(added).error();
    }
    if (*added == 0) {
      return make_error(ErrorCode::not_found,
                        "topic " + std::to_string(topic) + " is not a topic of the issue's lists");
    }
  }
  position = 0;
  for (PostId post : issue.posts) {
    if (auto added = execute("insert-issue-post", issue.id, post, position++); !added) {
      if (added.error().code == ErrorCode::conflict) {
        return make_error(ErrorCode::not_found, "post " + std::to_string(post) + " does not exist");
      }
      return std::move(added).error();
    }
  }
  return ok();
}

Result<std::vector<ListId>> SqliteStore::lists_of_issue(IssueId id) {
  return rows("lists-of-issue", read_integer, id);
}

Result<void> SqliteStore::load_issue_parts(Issue& issue) {
  auto lists = lists_of_issue(issue.id);
  if (!lists) {
    return std::move(lists).error();
  }
  issue.lists = std::move(*lists);
  auto sections = rows(
      "sections-of-issue",
      [](const sqlite::Statement& section) {
        return IssueSection{
            section.column_text(0),
            parse_body_format(section.column_text(1)).value_or(BodyFormat::markdown),
            section.column_text(2)};
      },
      issue.id);
  if (!sections) {
    return std::move(sections).error();
  }
  issue.sections = std::move(*sections);
  auto topics = rows("topics-of-issue", read_integer, issue.id);
  if (!topics) {
    return std::move(topics).error();
  }
  issue.topics = std::move(*topics);
  auto posts = rows("posts-of-issue", read_integer, issue.id);
  if (!posts) {
    return std::move(posts).error();
  }
  issue.posts = std::move(*posts);
  return ok();
}

Result<Issue> SqliteStore::find_issue(IssueId id) {
  Call call(*this);
  auto found = find("get-issue", read_issue, no_issue(id), id);
  if (!found) {
    return std::move(found).error();
  }
  COMMUNIQUE_TRY(load_issue_parts(*found));
  return found;
}

Result<std::vector<std::pair<ListId, std::string>>> SqliteStore::issue_languages() {
  Call call(*this);
  return rows("issue-languages-by-list", [](const sqlite::Statement& row) {
    return std::pair<ListId, std::string>(row.column_int(0), row.column_text(1));
  });
}

Result<std::vector<Issue>> SqliteStore::issues() {
  Call call(*this);
  auto all = rows("all-issues", read_issue);
  if (!all) {
    return std::move(all).error();
  }
  for (auto& issue : *all) {
    auto lists = lists_of_issue(issue.id);
    if (!lists) {
      return std::move(lists).error();
    }
    issue.lists = std::move(*lists);
  }
  return all;
}

Result<std::vector<MailingList>> SqliteStore::issue_lists(IssueId issue) {
  Call call(*this);
  return rows("issue-lists", read_list, issue);
}

Result<std::vector<Issue>> SqliteStore::public_issues(IssueId before, std::size_t limit) {
  Call call(*this);
  auto found = rows("public-issues", read_issue, before, limit);
  if (!found) {
    return std::move(found).error();
  }
  for (auto& issue : *found) {
    COMMUNIQUE_TRY(load_issue_parts(issue));
  }
  return found;
}

namespace {

// Why a draft or scheduled issue refused a change: a run has started it (it holds the
// issue's lease) and is making its letters.
std::string being_sent(IssueId id) {
  return "issue " + std::to_string(id) + " is being sent (a run has started making its letters)";
}

}  // namespace

Result<Issue> SqliteStore::update_issue(const Issue& issue, Timestamp now) {
  {
    Call call(*this);
    Transaction transaction(*db_);
    COMMUNIQUE_TRY(transaction.begin());
    auto changed =
        execute("update-issue", issue.id, to_string(issue.kind), issue.subject, issue.from_name,
                issue.from_address, issue.reply_to, issue.template_name, issue.language, now,
                flag(issue.track_clicks), flag(issue.track_subscribers), flag(issue.track_opens),
                flag(issue.archive), edition_text(issue.edition_date), cadence_text(issue.cadence),
                issue.digest_id, issue.excerpt_words);
    if (!changed) {
      return std::move(changed).error();
    }
    if (*changed == 0) {
      auto status = first_row("issue-status", read_text, issue.id);
      if (!status) {
        return std::move(status).error();
      }
      if (!*status) {
        return make_error(ErrorCode::not_found, no_issue(issue.id));
      }
      if (**status == "draft") {
        return make_error(ErrorCode::conflict,
                          being_sent(issue.id) + "; it can no longer be edited");
      }
      return make_error(ErrorCode::conflict, "issue " + std::to_string(issue.id) + " is " +
                                                 **status + "; only a draft can be edited");
    }
    COMMUNIQUE_TRY(execute("delete-issue-lists", issue.id));
    COMMUNIQUE_TRY(execute("delete-issue-sections", issue.id));
    COMMUNIQUE_TRY(execute("delete-issue-topics", issue.id));
    COMMUNIQUE_TRY(execute("delete-issue-posts", issue.id));
    COMMUNIQUE_TRY(write_issue_parts(issue));
    COMMUNIQUE_TRY(transaction.commit());
  }
  return find_issue(issue.id);
}

Result<void> SqliteStore::set_issue_archive(IssueId id, bool archive) {
  Call call(*this);
  auto changed = execute("set-issue-archive", id, flag(archive));
  if (!changed) {
    return std::move(changed).error();
  }
  if (*changed == 0) {
    return make_error(ErrorCode::not_found, no_issue(id));
  }
  return ok();
}

Result<void> SqliteStore::set_issue_edition_date(IssueId id,
                                                 std::optional<std::chrono::year_month_day> date,
                                                 Timestamp now) {
  auto changed = [&] {
    Call call(*this);
    return execute("set-issue-edition-date", id, edition_text(date), now);
  }();
  if (changed && *changed == 0) {
    if (auto status = issue_status(id);
        status && (*status == IssueStatus::draft || *status == IssueStatus::scheduled)) {
      return make_error(ErrorCode::conflict, being_sent(id) + "; its date can no longer change");
    }
  }
  return moved_or_refused(std::move(changed), id,
                          "; the date of an issue can be changed only before its letters are "
                          "made (as a draft or scheduled)");
}

Result<void> SqliteStore::set_issue_status(IssueId id, IssueStatus status, Timestamp now) {
  Call call(*this);
  auto changed = execute("set-issue-status", id, to_string(status), now);
  if (!changed) {
    return std::move(changed).error();
  }
  if (*changed == 0) {
    return make_error(ErrorCode::not_found, no_issue(id));
  }
  return ok();
}

Result<IssueStatus> SqliteStore::issue_status(IssueId id) {
  Call call(*this);
  return find("issue-status", read_status, no_issue(id), id);
}

Result<void> SqliteStore::change_issue_status(IssueId id, std::span<const IssueStatus> from,
                                              IssueStatus status, const std::string& note,
                                              Timestamp now) {
  std::string allowed = ",";
  for (auto state : from) {
    allowed += std::string(to_string(state)) + ",";
  }
  auto changed = [&] {
    Call call(*this);
    return execute("change-issue-status", id, to_string(status), note, now, allowed);
  }();
  return moved_or_refused(std::move(changed), id, "");
}

Result<void> SqliteStore::schedule_issue(IssueId id, Timestamp at,
                                         std::optional<std::chrono::seconds> expire_after,
                                         Timestamp now) {
  std::optional<std::int64_t> expire_seconds;
  if (expire_after) {
    expire_seconds = static_cast<std::int64_t>(expire_after->count());
  }
  auto changed = [&] {
    Call call(*this);
    return execute("schedule-issue", id, at, expire_seconds, now);
  }();
  return moved_or_refused(std::move(changed), id,
                          "; only a draft, scheduled or paused issue can be scheduled");
}

Result<void> SqliteStore::moved_or_refused(Result<std::int64_t> changed, IssueId id,
                                           std::string_view refusal) {
  if (!changed) {
    return std::move(changed).error();
  }
  if (*changed == 1) {
    return ok();
  }
  auto current = issue_status(id);
  if (!current) {
    return std::move(current).error();
  }
  return make_error(ErrorCode::conflict, "issue " + std::to_string(id) + " is " +
                                             std::string(to_string(*current)) +
                                             std::string(refusal));
}

Result<std::vector<Issue>> SqliteStore::issues_to_run(Timestamp now) {
  Call call(*this);
  return rows(
      "issues-to-run",
      [](const sqlite::Statement& row) {
        Issue issue;
        issue.id = row.column_int(0);
        issue.status = parse_issue_status(row.column_text(1)).value_or(IssueStatus::draft);
        if (!row.column_is_null(2)) {
          issue.scheduled_at = from_unix(row.column_int(2));
        }
        if (!row.column_is_null(3)) {
          issue.expire_after = std::chrono::seconds(row.column_int(3));
        }
        return issue;
      },
      now);
}

}  // namespace communique
