// html_to_markdown: an HTML body (a feed item's content) as Markdown, so that it can be a
// post's body. Posts are Markdown, and their renderer shows raw HTML as text
// (content/markdown.hpp), so HTML cannot be kept as it is: it is written again as the
// Markdown that reads the same.
//
// Policy:
// - the HTML is sanitised first (content/html_sanitizer.hpp): what the sanitiser drops
//   (scripts, styles, forms, event attributes, javascript: and data: URLs) never reaches
//   the Markdown, and what it keeps is all the writer needs to know;
// - blocks: p and div are paragraphs separated by blank lines, h1-h6 "#" headings, pre a
//   fenced code block (a fence longer than any backtick run inside), blockquote "> ",
//   ul and ol lists (nested; an ol keeps its start; text straight inside a list, between
//   its items, ends the list there and the numbers go on after it; two lists in a row get
//   different markers so they stay two), hr "---", a table a GFM table when it is simple
//   (no spans, no blocks in cells, no "|" in code; its first row is the header), else one
//   line a row with its cells joined by " · "; figure, dl and other containers give their
//   blocks;
// - inline: br a hard break, em and i *…*, strong and b **…**, del and s ~~…~~, code kbd
//   and samp a code span (side by side, one), a [text](url) (the url in <> when it holds
//   spaces or parentheses; a link without an href is its text), img a link to its source,
//   [alt](src) or [image](src), since posts do not load remote images; other inline
//   elements give their text. A mark Markdown would not read where it stands (opening
//   between a letter and punctuation, "a*"b"*") is left out and its text kept;
// - text is escaped so Markdown reads it as text: \ ` * _ [ ] < > & # ~ | everywhere,
//   "-", "+", "=", "1." or "1)" at the start of a line, and the "://", "www." and "@" of
//   addresses (GitHub's Markdown would make them links), so a feed's "<script>" or
//   "*not emphasis*" written as text stays text;
// - whitespace is collapsed as HTML collapses it, except in pre.
// It does not keep titles of links, sizes of images, or what CommonMark cannot say
// (underline, spans of cells, blocks inside a table's cells as a table). The text a reader
// sees is the sanitised HTML's (tested over a set of inputs); only marks nested in ways
// CommonMark's delimiter rules cannot express may show as their characters.
#pragma once

#include <string>
#include <string_view>

namespace communique {

// Markdown that renders through markdown_to_html as the sanitised `html` reads: the same
// text, in the same structure, with nothing that can act. Empty for an empty body;
// otherwise it ends with one line break.
std::string html_to_markdown(std::string_view html);

}  // namespace communique
