// The moves a person makes on an issue that is going out, and the states each is allowed
// from: one policy for the command line and the API.
//
//   pause   sending or scheduled → paused (letters in flight finish; nothing new leaves)
//   resume  paused → sending (the delivery service goes on where it stopped), or back to
//           scheduled when its time has not come yet
//   cancel  draft, scheduled, sending or paused → cancelled (recipients not reached yet
//           will not get it)
#pragma once

#include <chrono>
#include <optional>

#include "store/issue_store.hpp"

namespace communique {

enum class IssueMove { pause, resume, cancel };

// conflict (naming the state the issue is in) when the move is not allowed from it.
Result<void> move_issue(IssueStore& store, IssueId issue, IssueMove move, Timestamp now);

// The rules of a schedule, for the command line and the API alike (invalid_input, with a
// message that names no option, when broken):
// - a time more than a minute gone by is refused: a typo of a year or a month far more
//   often than a wish to send at once, which the caller asks for by saying "now";
// - an expiry shorter than a minute is refused: the delivery service looks every few
//   seconds, so such an issue would be found late and never go out.
Result<void> check_schedule(Timestamp at, std::optional<std::chrono::seconds> expire_after,
                            Timestamp now);

}  // namespace communique
