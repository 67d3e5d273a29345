// sanitise_html: an HTML body cut down to markup that cannot act. Bodies written in HTML
// (by an editor, or pasted from elsewhere) are sanitised when they are stored, and again
// when they are rendered (rows stored before sanitising existed), so the archive, the
// letters and the API all carry the same safe markup.
//
// Policy (an allowlist; anything not named is dropped):
// - elements kept: text structure (p br hr h1-h6 blockquote pre div span, lists, the
//   table elements, figure figcaption), inline marks (em strong b i u s del ins mark small
//   sub sup code kbd samp var abbr cite q), a and img;
// - attributes kept: title on every kept element, href on a, src alt width height on img,
//   start on ol, colspan rowspan on td and th. No style, no class, no id, no on* handler;
// - a link keeps its href when safe_url allows it (http, https, mailto, tel or relative),
//   after the tabs, line breaks and edge controls a browser would ignore are removed, so
//   "jav&#x09;ascript:" is seen as the "javascript:" it is; an image needs an http or
//   https source, or it is dropped;
// - an element that is not kept is unwrapped (its text stays), except those whose
//   content is code, a document of its own or a form (script, style, template, iframe,
//   object, embed, form, svg, math and the like): they go with everything inside;
// - comments, processing instructions, doctypes and CDATA markers are dropped; text and
//   attribute values are escaped with escape_html on output;
// - kept elements nest at most kMaxHtmlDepth deep; deeper ones are unwrapped. libxml2
//   itself stops reading a body nested about 256 elements deep (what follows is lost), and
//   the walk keeps its own stack, so a megabyte of open tags costs time and memory in
//   proportion to its size and nothing more.
//
// It does not make HTML pretty, keep styles, or repair meaning: unbalanced markup comes
// out balanced the way libxml2's HTML parser reads it. The output sanitised again is
// itself (tested), so sanitising twice is harmless.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/issue.hpp"

namespace communique {

// How deep kept elements may nest; far deeper than any written body goes.
inline constexpr std::size_t kMaxHtmlDepth = 100;

// `html` (UTF-8, a fragment or a whole document) with only what the policy above keeps.
std::string sanitise_html(std::string_view html);

// A link or image source as written made into the one to keep (a feed item's relative
// links resolved against its base); the result is then checked as any other.
using LinkResolver = std::function<std::string(std::string_view)>;

// sanitise_html, with every href and img src passed through `resolve_link` first.
std::string sanitise_html(std::string_view html, const LinkResolver& resolve_link);

// Every HTML section's body sanitised in place; Markdown sections are left as written
// (their renderer shows raw HTML as text).
void sanitise_html_sections(std::vector<IssueSection>& sections);

}  // namespace communique
