// Archive search as readers type it: the words of a query, a result, and the keyset
// cursor of a results page (GET /archive?q=words&before=cursor).
//
// Policy: a query is words, never a query language. Its text is split on white space and
// each word is searched for as written (a backend quotes it), so characters that mean
// something to a search engine ('"', '*', "NEAR(", '-') are only characters and no input
// can make a search fail. A query of more than kMaxSearchLength bytes, or with no letter
// or digit in it, is refused with a message saying what to type instead. Results come
// newest first; a page's cursor is the last result's time, kind and id, so the next page
// starts after it whatever is published meanwhile.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "core/time.hpp"

namespace communique {

inline constexpr std::size_t kMaxSearchLength = 200;

// Around each match in an excerpt: control characters, which neither a post nor a subject
// may contain, so a reader's page can mark them after escaping the text around them.
inline constexpr char kMatchStart = '\x02';
inline constexpr char kMatchEnd = '\x03';

// The words to search for in `text` (a query as typed, already URL-decoded).
Result<std::vector<std::string>> parse_search_words(std::string_view text);

// An excerpt of `text` (a post's body, or the first part of it) around the first place one
// of `words` appears (ignoring ASCII case), about `most` bytes long, cut at spaces and never
// inside a character, each appearance of a word between kMatchStart and kMatchEnd, with
// "…" where text was cut. The beginning of `text` when no word appears in it (the index
// matched a form this plain comparison does not see). Costs one pass over `text`, however
// many times the words appear: an excerpt is made here, not by the index, for that reason.
std::string archive_excerpt(std::string_view text, const std::vector<std::string>& words,
                            std::size_t most = 200);

// What a result is. The order matters: results of one time are ordered by kind, then id.
enum class ArchiveHitKind { issue, post };

struct ArchiveCursor {
  Timestamp at{};
  ArchiveHitKind kind = ArchiveHitKind::post;
  std::int64_t id = 0;
};

// "1733200000-post-12"; parse_archive_cursor reads it back (nothing for anything else).
std::string format_archive_cursor(const ArchiveCursor& cursor);
std::optional<ArchiveCursor> parse_archive_cursor(std::string_view text);

struct ArchiveHit {
  ArchiveHitKind kind = ArchiveHitKind::post;
  std::int64_t id = 0;
  std::string slug;     // a post's; an issue's page is named by mail/letter.hpp's issue_slug
  std::string title;    // a post's title, an issue's subject
  std::string excerpt;  // plain text, matches between kMatchStart and kMatchEnd
  Timestamp at{};       // a post's publication; an issue's last change

  ArchiveCursor cursor() const { return {at, kind, id}; }
};

struct ArchiveSearch {
  std::vector<std::string> words;  // from parse_search_words: each must appear
  std::optional<ArchiveCursor> before;
  std::size_t limit = 20;
};

}  // namespace communique
