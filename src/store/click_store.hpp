// ClickStore: an issue's tracked links, and the clicks and opens counted on them, as the
// store keeps them.
//
// Policy: a link's id is given on its first use and stable after, so letters already sent
// keep working. Counts arrive summed in bursts and are added in one transaction; a count
// for a subscriber who erased their data since is dropped, never an error. Whether an
// issue's counts are personal (it tracks subscribers) is the caller's decision.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "core/issue.hpp"

namespace communique {

// A count for a key of one or two ids: (link, 0) clicks, (link, subscriber) personal
// clicks, (issue, subscriber) opens.
struct Counted {
  std::int64_t first = 0;
  std::int64_t second = 0;
  std::int64_t count = 0;
};

// A link of an issue whose clicks are counted.
struct TrackedLink {
  std::int64_t id = 0;
  IssueId issue = 0;
  std::string url;
  std::int64_t clicks = 0;
};

class ClickStore {
 public:
  virtual ~ClickStore() = default;

  // The ids of `urls` in `issue`, registered on first use and stable after.
  virtual Result<std::vector<std::int64_t>> register_links(IssueId issue,
                                                           std::span<const std::string> urls) = 0;
  virtual Result<std::string> link_url(std::int64_t link) = 0;
  // One transaction: `clicks` per link, and per (link, subscriber) for issues that track
  // subscribers, and `opens` per (issue, subscriber).
  virtual Result<void> add_clicks(std::span<const Counted> clicks,
                                  std::span<const Counted> personal_clicks,
                                  std::span<const Counted> opens) = 0;
  // Unique openers and unique clickers of an issue.
  virtual Result<std::pair<std::int64_t, std::int64_t>> engagement(IssueId issue) = 0;
  // An issue's links with their click counts.
  virtual Result<std::vector<TrackedLink>> links_of_issue(IssueId issue) = 0;
};

}  // namespace communique
