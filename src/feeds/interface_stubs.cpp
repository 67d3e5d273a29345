// Stand-in for html_to_markdown until content/html_markdown.cpp (the fetching branch) is
// merged: a feed item's sanitised HTML as plain text. Removed at that merge.
#include "content/html_markdown.hpp"
#include "content/html_text.hpp"

namespace communique {

std::string html_to_markdown(std::string_view html) {
  return html_to_text(html);
}

}  // namespace communique
