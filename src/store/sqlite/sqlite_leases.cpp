// SqliteStore's issue leases: one runner per issue, and the recovery of a stopped runner's
// letters in flight in the same transaction as the takeover that allows it.
#include "store/sqlite/sqlite_support.hpp"

namespace communique {

using namespace sqlite_support;  // NOLINT(google-build-using-namespace): the backend's own helpers

Result<LeaseTake> SqliteStore::take_issue_lease(IssueId issue, const std::string& owner,
                                                const std::string& replacing, Timestamp now,
                                                Timestamp until) {
  Call call(*this);
  // BEGIN IMMEDIATE: two runners starting at once are serialised here, and the second
  // reads the lease the first has just written.
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  auto query = bound("issue-lease", issue);
  if (!query) {
    return std::move(query).error();
  }
  auto found = (*query)->single([](const sqlite::Statement& row) {
    return LeaseHolder{row.column_text(0), from_unix(row.column_int(1))};
  });
  if (!found) {
    return std::move(found).error();
  }
  if (*found && (*found)->expires_at > now && (*found)->owner != replacing) {
    return LeaseTake{.granted = false, .holder = std::move(**found)};
  }
  COMMUNIQUE_TRY(execute("put-issue-lease", issue, owner, now, until));
  auto requeued = execute("requeue-in-flight", issue, now);
  if (!requeued) {
    return std::move(requeued).error();
  }
  COMMUNIQUE_TRY(transaction.commit());
  return LeaseTake{.granted = true, .holder = {owner, until}, .requeued = *requeued};
}

Result<bool> SqliteStore::renew_issue_lease(IssueId issue, const std::string& owner,
                                            Timestamp until) {
  Call call(*this);
  auto changed = execute("renew-issue-lease", issue, owner, until);
  if (!changed) {
    return std::move(changed).error();
  }
  return *changed == 1;
}

Result<void> SqliteStore::release_issue_lease(IssueId issue, const std::string& owner) {
  Call call(*this);
  COMMUNIQUE_TRY(execute("release-issue-lease", issue, owner));
  return ok();
}

}  // namespace communique
