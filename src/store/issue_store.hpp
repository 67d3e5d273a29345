// IssueStore: issues — their drafts, their lists and sections, their state and schedule,
// and the public archive — as the store keeps them.
//
// Policy: only a draft is edited (its edition date also while scheduled, before any
// letter carries it), and an issue's whole draft (fields, lists, sections) is
// written as one transaction. A guarded state change moves an issue only from the states
// the caller names, in one statement, so two actors racing on one issue cannot both win;
// the refusal names the state the issue is in. The public archive shows only issues that
// went out, were left in it, and whose lists are all public. Who receives an issue and
// what became of each letter is LedgerStore's; its links and clicks, ClickStore's.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "core/issue.hpp"

namespace communique {

class IssueStore {
 public:
  virtual ~IssueStore() = default;

  // create_issue writes the issue, its lists and its sections as one transaction;
  // not_found when a list does not exist.
  virtual Result<Issue> create_issue(const Issue& issue, Timestamp now) = 0;
  virtual Result<Issue> find_issue(IssueId id) = 0;
  // Every issue, newest first, with its lists but without section bodies.
  virtual Result<std::vector<Issue>> issues() = 0;
  // The languages issues were written in, per list they went to (each pair once, no empty
  // language): what the preference page offers, read in one query.
  virtual Result<std::vector<std::pair<ListId, std::string>>> issue_languages() = 0;
  // The lists `issue` goes to, in list order (empty for an unknown issue).
  virtual Result<std::vector<MailingList>> issue_lists(IssueId issue) = 0;
  // Issues that went out (sending or sent), newest first, with their sections: at most
  // `limit` with ids below `before` (keyset pagination for the public archive).
  virtual Result<std::vector<Issue>> public_issues(IssueId before, std::size_t limit) = 0;

  // Replaces a draft's fields, lists and sections, as one transaction; conflict when the
  // issue is no longer a draft.
  virtual Result<Issue> update_issue(const Issue& issue, Timestamp now) = 0;
  // Lets the public archive show an issue (when its lists are all public) or keeps it out,
  // in any state; not_found when there is no such issue.
  virtual Result<void> set_issue_archive(IssueId id, bool archive) = 0;

  // Sets the day the masthead of a draft or scheduled issue shows (none: the day its letters
  // are made); conflict in any other state, as letters of it may already carry a date.
  virtual Result<void> set_issue_edition_date(IssueId id,
                                              std::optional<std::chrono::year_month_day> date,
                                              Timestamp now) = 0;

  virtual Result<void> set_issue_status(IssueId id, IssueStatus status, Timestamp now) = 0;
  // The status alone (cheap enough to ask between two windows of a send).
  virtual Result<IssueStatus> issue_status(IssueId id) = 0;
  // Moves `id` to `status` (with a note saying why) only if it is in one of `from`;
  // conflict otherwise (the message names the state it is in).
  virtual Result<void> change_issue_status(IssueId id, std::span<const IssueStatus> from,
                                           IssueStatus status, const std::string& note,
                                           Timestamp now) = 0;
  // Schedules a draft, scheduled or paused issue; conflict for any other.
  virtual Result<void> schedule_issue(IssueId id, Timestamp at,
                                      std::optional<std::chrono::seconds> expire_after,
                                      Timestamp now) = 0;
  // Issues sending, and scheduled ones due by `now`, with their schedules.
  virtual Result<std::vector<Issue>> issues_to_run(Timestamp now) = 0;
};

}  // namespace communique
