// What every feed format does to the text it reads: white space trimmed, UTF-8 made
// well formed, titles made plain text, content sanitised with its links resolved. One
// place, so that RSS, Atom and JSON Feed items read alike.
#pragma once

#include <string>
#include <string_view>

namespace communique::feed_text {

// `text` without the spaces, tabs and line breaks at either end.
std::string_view trimmed(std::string_view text);

// `text` trimmed, every inner run of white space one space: a title or name as one line.
std::string one_line(std::string_view text);

// `text` with every byte that does not begin or continue a well-formed UTF-8 sequence
// replaced by U+FFFD (a copy of `text` when it is well formed already).
std::string well_formed_utf8(std::string_view text);

// Plain text from text written as HTML (an RSS title with entities or tags, an Atom title
// of type html): tags removed, entities decoded, on one line.
std::string plain_from_html(std::string_view html);

// Plain text from RSS's title-like elements, which the spec calls text but feeds fill
// with escaped HTML: read as HTML when it holds a tag or an entity, else as written.
std::string plain_from_maybe_html(std::string_view text);

// `html` sanitised (content/html_sanitizer), its relative links and image sources
// resolved against `base`.
std::string sanitised_content(std::string_view html, std::string_view base);

// Plain text as sanitised HTML: escaped, with its line breaks kept as <br>.
std::string content_from_text(std::string_view text);

}  // namespace communique::feed_text
