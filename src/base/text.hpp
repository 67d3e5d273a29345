// Small text helpers shared by every module: UTF-8 validation, ASCII case folding,
// trimming and reading numbers. They work on bytes and never allocate more than their
// result, and they never throw: text from outside is expected to be wrong sometimes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace communique {

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or code points
// above U+10FFFF).
bool is_valid_utf8(std::string_view text);

// `text` with every byte that does not begin or continue a well-formed UTF-8 sequence
// replaced by U+FFFD (a copy of `text` when it is well formed already): the one repair for
// text from outside (feeds, bounce reports) before it is stored or printed as JSON.
std::string well_formed_utf8(std::string_view text);

// Number of code points in valid UTF-8 text.
std::size_t code_points(std::string_view text);

// True when every byte of `text` is ASCII (below 0x80).
bool is_ascii(std::string_view text);

// A space, tab, carriage return or line feed: the white space of text and markup.
inline bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// A C0 or C1 control, DEL, or a character that reorders or breaks a line when shown: line
// and paragraph separators (U+2028, U+2029) and bidirectional controls (U+200E, U+200F,
// U+202A..U+202E, U+2066..U+2069), which could make a name read as something else.
bool has_control_character(std::string_view text);

// `text` as a web address's last part: ASCII letters and digits lower-cased, every run of
// anything else one '-', at most 60 characters cut at a word's end ("Meeting of 11 May" →
// "meeting-of-11-may"); empty when `text` has no ASCII letter or digit.
std::string slugify(std::string_view text);

// Valid UTF-8 `text` in at most `most` code points: as it is when it fits, otherwise cut at
// the last space that keeps it within `most` - 1 (or within a word when there is none in
// its second half) and ended with "…".
std::string shorten(std::string_view text, std::size_t most);

// `text` with ASCII letters lower-cased; other bytes are unchanged.
std::string ascii_lower(std::string_view text);

// `text` without leading and trailing spaces and tabs.
std::string_view trim(std::string_view text);

// True when `a` and `b` are equal, ignoring ASCII case.
bool equals_ignoring_case(std::string_view a, std::string_view b);

// True when `text` starts with `prefix`, ignoring ASCII case.
bool starts_with_ignoring_case(std::string_view text, std::string_view prefix);

// The whole of `text` as a base-10 integer ("42", "-7"); nothing when it is empty, has
// anything else (spaces, a '+', a fraction) or does not fit. The one way Communiqué reads
// a number from text, in place of std::stoll and friends, which throw.
std::optional<std::int64_t> parse_integer(std::string_view text);

// Items as an English list: "a", "a and b", "a, b and c".
std::string join_as_list(const std::vector<std::string>& items);

// `text` with a full stop, unless it ends a sentence already ("…to the U.S.", "Why?").
std::string end_sentence(std::string text);

}  // namespace communique
