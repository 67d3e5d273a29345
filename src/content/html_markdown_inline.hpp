// The inline half of html_to_markdown (content/html_markdown.hpp): the text, marks, links
// and images inside one block of a sanitised HTML tree, as Markdown. Internal to the
// content module; html_markdown.cpp writes the blocks around it.
//
// Inline text is gathered raw (append_inline), with hard breaks as kHardBreak and runs of
// whitespace not yet collapsed across elements, then made into a block's Markdown once
// (finish_inline), where the start of each line is known.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "content/html_parse.hpp"

namespace communique::markdown_inline {

// In the inline text being gathered, a hard break is this character: text never holds
// one (whitespace is collapsed to spaces first), and finish_inline writes it as "\" and
// a line break.
constexpr char kHardBreak = '\n';

// An element's lower-case name ("" for other nodes).
std::string_view name_of(const xmlNode* node);

// Whether `node` is text (CDATA included).
bool is_text(const xmlNode* node);

// Whether `node` is an element that is a block of its own (p, div, lists, tables...).
bool is_block(const xmlNode* node);

// The value of an attribute of `node`, or "".
std::string attribute(const xmlNode* node, const char* name);

// The text of `node` and everything inside it, markup ignored.
std::string text_content(const xmlNode* node);

// The most backticks in a row in `text`: a code fence must be longer.
std::size_t longest_backtick_run(std::string_view text);

// Where the run of spaces, no-break spaces and hard breaks at either end of `text` begins
// and ends: emphasis is only read with none of them just inside its delimiters.
struct Edges {
  std::string_view lead, core, trail;
};
Edges edges_of(std::string_view text);

// Appends `node` (text or an inline element, with what is inside) as raw inline Markdown:
// text escaped, em/strong/del as * ** ~~, code as a code span, a as [text](url), img as
// [alt](src), br as kHardBreak; a block met inside an inline element gives its text.
void append_inline(std::string& out, const xmlNode* node);

// The same for every child of `node`.
void append_inline_children(std::string& out, const xmlNode* node);

// Gathered inline text as Markdown: spaces collapsed, none at line ends, no hard break
// at either end, the starts of lines escaped where Markdown would read a block marker,
// and hard breaks written as "\" and a line break (or as spaces, for a heading or a cell).
enum class Breaks { keep, as_spaces };
std::string finish_inline(std::string_view raw, Breaks breaks);

}  // namespace communique::markdown_inline
