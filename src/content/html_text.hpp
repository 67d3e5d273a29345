// html_to_text: the plain-text part for a body written in HTML rather than Markdown.
// Tags are dropped, block ends become line breaks, list items get "- ", common entities
// are decoded, scripts and styles are removed. It is a fallback: Markdown bodies get a
// better text rendering (content/markdown.hpp).
#pragma once

#include <string>
#include <string_view>

namespace communique {

std::string html_to_text(std::string_view html);

}  // namespace communique
