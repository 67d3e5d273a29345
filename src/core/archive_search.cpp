#include "core/archive_search.hpp"

#include <algorithm>
#include <charconv>

#include "base/text.hpp"

namespace communique {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// A word a search can find: one with a letter or digit (any byte of a non-ASCII character
// counts, as the index's tokenizer takes letters of every script).
bool searchable(std::string_view word) {
  return std::any_of(word.begin(), word.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z');
  });
}

std::optional<std::int64_t> read_number(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

Result<std::vector<std::string>> parse_search_words(std::string_view text) {
  if (text.size() > kMaxSearchLength) {
    return make_error(ErrorCode::invalid_input,
                      "Your search is too long: search for a few words (at most " +
                          std::to_string(kMaxSearchLength) + " characters).");
  }
  if (!is_valid_utf8(text)) {
    return make_error(ErrorCode::invalid_input,
                      "Your search has characters that cannot be read: type it again.");
  }
  // Control characters (a NUL, a tab) separate words as spaces do: the index never holds them.
  const auto separates = [](char c) {
    return is_space(c) || static_cast<unsigned char>(c) < 0x20 || c == '\x7F';
  };
  std::vector<std::string> words;
  std::size_t at = 0;
  while (at < text.size()) {
    while (at < text.size() && separates(text[at])) {
      ++at;
    }
    const std::size_t start = at;
    while (at < text.size() && !separates(text[at])) {
      ++at;
    }
    const auto word = text.substr(start, at - start);
    if (!word.empty() && searchable(word)) {
      words.emplace_back(word);
    }
  }
  if (words.empty()) {
    return make_error(ErrorCode::invalid_input,
                      "Type a word to search for: your search has no letters or digits.");
  }
  return words;
}

std::string format_archive_cursor(const ArchiveCursor& cursor) {
  return std::to_string(cursor.at.time_since_epoch().count()) + "-" +
         (cursor.kind == ArchiveHitKind::post ? "post" : "issue") + "-" + std::to_string(cursor.id);
}

std::optional<ArchiveCursor> parse_archive_cursor(std::string_view text) {
  const auto first = text.find('-');
  const auto second = first == std::string_view::npos ? first : text.find('-', first + 1);
  if (second == std::string_view::npos) {
    return std::nullopt;
  }
  const auto at = read_number(text.substr(0, first));
  const auto kind = text.substr(first + 1, second - first - 1);
  const auto id = read_number(text.substr(second + 1));
  if (!at || !id || (kind != "post" && kind != "issue")) {
    return std::nullopt;
  }
  return ArchiveCursor{Timestamp{std::chrono::seconds{*at}},
                       kind == "post" ? ArchiveHitKind::post : ArchiveHitKind::issue, *id};
}

namespace {

char fold(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Whether `word` appears in `text` at `at`, ignoring ASCII case.
bool appears_at(std::string_view text, std::size_t at, std::string_view word) {
  if (word.empty() || at + word.size() > text.size()) {
    return false;
  }
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (fold(text[at + i]) != fold(word[i])) {
      return false;
    }
  }
  return true;
}

// The length of the word of `words` that appears at `at` (0: none).
std::size_t word_at(std::string_view text, std::size_t at, const std::vector<std::string>& words) {
  for (const auto& word : words) {
    if (appears_at(text, at, word)) {
      return word.size();
    }
  }
  return 0;
}

bool continues_character(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

}  // namespace

std::string archive_excerpt(std::string_view text, const std::vector<std::string>& words,
                            std::size_t most) {
  std::size_t first = 0;
  while (first < text.size() && word_at(text, first, words) == 0) {
    ++first;
  }
  if (first == text.size()) {
    first = 0;
  }
  // Start a little before the first match, at a space; end `most` bytes later, at a space.
  std::size_t start = first > most / 4 ? first - most / 4 : 0;
  if (start > 0) {
    const auto space = text.find(' ', start);
    start = space != std::string_view::npos && space < first ? space + 1 : start;
  }
  while (start > 0 && start < text.size() && continues_character(text[start])) {
    --start;
  }
  std::size_t end = std::min(text.size(), start + most);
  if (end < text.size()) {
    const auto space = text.rfind(' ', end);
    end = space != std::string_view::npos && space > start ? space : end;
    while (end > start && end < text.size() && continues_character(text[end])) {
      --end;
    }
  }
  std::string excerpt = start > 0 ? "\u2026" : "";
  for (std::size_t i = start; i < end;) {
    if (const auto length = word_at(text, i, words); length > 0 && i + length <= end) {
      excerpt += kMatchStart;
      excerpt.append(text.substr(i, length));
      excerpt += kMatchEnd;
      i += length;
    } else {
      excerpt += text[i++];
    }
  }
  if (end < text.size()) {
    excerpt += "\u2026";
  }
  return excerpt;
}

}  // namespace communique
