// html_to_text: the plain-text part for a body written in HTML rather than Markdown.
// Tags are dropped, block ends become line breaks, list items get "- ", common entities
// are decoded, scripts and styles are removed. It is a fallback: Markdown bodies get a
// better text rendering (content/markdown.hpp).
#pragma once

#include <string>
#include <string_view>

namespace communique {

std::string html_to_text(std::string_view html);

// The words of the prose in `html`, for summaries (content/summary.hpp): headings, code
// blocks, figures, scripts and styles are left out (table cells are kept: HTML letters
// are laid out in tables), and every tag that is not
// inline becomes a space. Whitespace is not collapsed.
std::string html_prose(std::string_view html);

// A character reference ("&amp;", "&#1046;", "&#x416;") as UTF-8; one not known here, or
// a number that names no character a text may carry (a control character other than tab
// and line breaks, a surrogate, a noncharacter), is returned as it was written.
std::string decode_html_entity(std::string_view reference);

}  // namespace communique
