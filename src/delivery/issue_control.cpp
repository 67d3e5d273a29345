#include "delivery/issue_control.hpp"

#include "core/time.hpp"

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

Result<void> check_schedule(Timestamp at, std::optional<std::chrono::seconds> expire_after,
                            Timestamp now) {
  if (at < now - std::chrono::minutes(1)) {
    return make_error(ErrorCode::invalid_input, format_iso8601(at) + " is in the past (it is " +
                                                    format_iso8601(now) + " UTC)");
  }
  if (expire_after && *expire_after < std::chrono::minutes(1)) {
    return make_error(ErrorCode::invalid_input,
                      "an expiry shorter than a minute could never be met: the delivery service "
                      "looks for due issues every few seconds");
  }
  return ok();
}

}  // namespace communique
