// Markdown (GitHub dialect through md4c: tables, strikethrough, autolinks) rendered two
// ways for a letter: HTML with inline styles, and plain text for the text/plain part.
//
// Policy:
// - raw HTML in Markdown is not passed through: it is shown as text. Posts are written by
//   editors, but a letter must never carry markup that was not meant, and mail clients
//   drop <style> anyway, so every element carries its style inline;
// - links keep only http, https, mailto and tel URLs and relative ones, read as a browser
//   reads them (content/url_policy); anything else (javascript:, data:) becomes "#";
// - a paragraph that opens with a bold label ending in a colon ("**Question:** ...",
//   "**Maria Zakharova:** ...") is a turn of a dialogue and is styled as one, for
//   briefing transcripts;
// - the text rendering wraps at 76 columns, prefixes quotes with "> ", numbers ordered
//   lists, and lists link targets as numbered references at the end.
#pragma once

#include <string>
#include <string_view>

#include "base/result.hpp"

namespace communique {

Result<std::string> markdown_to_html(std::string_view markdown);
Result<std::string> markdown_to_text(std::string_view markdown);

// `text` escaped for HTML text and attribute values (& < > " '). Templates escape with it
// too, so every escaped value in a letter is escaped alike.
std::string escape_html(std::string_view text);

// `url` when its scheme is allowed in a letter (see above), otherwise "#".
std::string safe_url(std::string_view url);

}  // namespace communique
