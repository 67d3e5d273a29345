#include "delivery/issue_control.hpp"

namespace communique {

Result<void> move_issue(IssueStore& store, IssueId issue, IssueMove move, Timestamp now) {
  switch (move) {
    case IssueMove::pause: {
      const IssueStatus from[] = {IssueStatus::sending, IssueStatus::scheduled};
      return store.change_issue_status(issue, from, IssueStatus::paused, "paused", now);
    }
    case IssueMove::resume: {
      // An issue paused before its time goes back to waiting for it.
      auto found = store.find_issue(issue);
      if (!found) {
        return std::move(found).error();
      }
      const bool waiting = found->scheduled_at && *found->scheduled_at > now;
      const IssueStatus from[] = {IssueStatus::paused};
      return store.change_issue_status(
          issue, from, waiting ? IssueStatus::scheduled : IssueStatus::sending, "", now);
    }
    case IssueMove::cancel: {
      const IssueStatus from[] = {IssueStatus::draft, IssueStatus::scheduled, IssueStatus::sending,
                                  IssueStatus::paused};
      return store.change_issue_status(issue, from, IssueStatus::cancelled, "cancelled", now);
    }
  }
  return make_error(ErrorCode::internal, "unknown issue move");
}

}  // namespace communique
