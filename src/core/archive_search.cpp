#include "core/archive_search.hpp"

#include <algorithm>
#include <charconv>

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
  std::vector<std::string> words;
  std::size_t at = 0;
  while (at < text.size()) {
    while (at < text.size() && is_space(text[at])) {
      ++at;
    }
    const std::size_t start = at;
    while (at < text.size() && !is_space(text[at])) {
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

}  // namespace communique
