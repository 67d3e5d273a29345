// The moves a person makes on an issue that is going out, and the states each is allowed
// from: one policy for the command line and the API.
//
//   pause   sending or scheduled → paused (letters in flight finish; nothing new leaves)
//   resume  paused → sending (the delivery service goes on where it stopped), or back to
//           scheduled when its time has not come yet
//   cancel  draft, scheduled, sending or paused → cancelled (recipients not reached yet
//           will not get it)
#pragma once

#include "store/issue_store.hpp"

namespace communique {

enum class IssueMove { pause, resume, cancel };

// conflict (naming the state the issue is in) when the move is not allowed from it.
Result<void> move_issue(IssueStore& store, IssueId issue, IssueMove move, Timestamp now);

}  // namespace communique
