// ArchiveStore: what the public web reads of posts and issues — a public list's published
// posts (its page and feeds) and search over the public archive.
//
// Policy: only what the public archive may show is ever returned: published posts of
// public lists, and issues that went out, were left in the archive and whose every list is
// public (the archive's own rule, IssueStore::public_issues). Visibility is decided when
// reading, from the tables, so a list made private disappears from both at once. Drafts,
// private lists and subscribers are out of reach of these methods by construction.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "base/result.hpp"
#include "core/archive_search.hpp"
#include "core/post.hpp"

namespace communique {

class ArchiveStore {
 public:
  virtual ~ArchiveStore() = default;

  // The newest `limit` published posts of `list` (of `topic` only, when given), newest
  // publication first, with their topics; empty when the list is private or unknown.
  virtual Result<std::vector<Post>> public_posts(ListId list, std::optional<TopicId> topic,
                                                 std::size_t limit) = 0;

  // Published posts and archived issues in which every word of `search` appears (a post's
  // title or body, an issue's subject), newest first, after its cursor.
  virtual Result<std::vector<ArchiveHit>> search_archive(const ArchiveSearch& search) = 0;
};

}  // namespace communique
