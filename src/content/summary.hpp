// summarise: the first words of a body as a reader would read them, for an inbox's
// preheader, the archive's list and the Atom feed's summaries.
//
// Policy: only prose counts — paragraphs, list items, quotes, and in HTML the cells of the
// tables letters are laid out with. Headings (section titles, "News"), code, Markdown
// tables, rules, images and link targets are left out, so no rendering artefact (a
// heading's underline, "[1]" references, "- " bullets) reaches a sentence.
// Whitespace is collapsed to single spaces; the text is cut at a word boundary once it
// exceeds `limit` characters (code points, a space counting as one) and then ends with "…". A body with no prose
// at all falls back to the rest of its words (titles, headings, code, tables).
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "core/issue.hpp"

namespace communique {

std::string summarise(std::span<const IssueSection> sections, std::size_t limit);

}  // namespace communique
