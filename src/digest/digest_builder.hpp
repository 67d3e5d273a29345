// DigestBuilder: the issue a digest definition makes of the posts a run collected. Pure:
// no store, no clock; the caller passes what it read and the time of the run.
//
// Policy:
//   - Posts are ordered by the definition's sections, in its order (a post of a section it
//     does not show is left out); a definition without sections shows the list's, in the
//     list's order. Inside a section, by published time (oldest first), then by number.
//   - max_per_section keeps the newest so many posts of each section.
//   - Translations are not listed apart: only originals are, and each reader's letter
//     gives the version in their language (the letters' work, not this).
//   - The subject is the definition's, or "<list display name>: <date>" with the date of
//     the run in the definition's time zone ("Press releases: 7 December 2026").
//   - The issue is of kind digest, to the list, for the cadence of the definition's rule,
//     and names the definition. Its status is left draft: the run decides.
// An issue with no posts is what a run with nothing new gets; the run does not send it.
#pragma once

#include <span>

#include "core/digest.hpp"
#include "core/issue.hpp"
#include "core/mailing_list.hpp"
#include "core/post.hpp"

namespace communique {

// `sections`: the list's, in its order. `posts`: those the run collected, in any order.
Issue build_digest(const DigestDefinition& digest, const MailingList& list,
                   std::span<const Section> sections, std::span<const Post> posts, Timestamp now);

// The subject of a digest run at `now`: the definition's, or its default.
std::string digest_subject(const DigestDefinition& digest, const MailingList& list, Timestamp now);

}  // namespace communique
