// parse_feed_date: the dates feeds write, RFC 822 and RFC 3339 with the variants found in
// the wild. The reader is a small scanner over tokens rather than a format string, so that
// a missing weekday or seconds, a period after a day name or a two-digit year all read.
#include <array>
#include <chrono>
#include <optional>
#include <string_view>

#include "base/text.hpp"
#include "feeds/feed_parse.hpp"

namespace communique {

namespace {

using namespace std::string_view_literals;

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

struct Scanner {
  std::string_view text;
  std::size_t pos = 0;

  bool done() const { return pos >= text.size(); }
  char peek() const { return done() ? '\0' : text[pos]; }
  bool take(char c) {
    if (peek() != c) {
      return false;
    }
    ++pos;
    return true;
  }
  void skip_spaces() {
    while (!done() && (is_ascii_space(text[pos]) || text[pos] == ',')) {
      ++pos;
    }
  }
  // Up to `most` digits (at least `least`); nothing when fewer are there.
  std::optional<int> digits(std::size_t least, std::size_t most) {
    std::size_t count = 0;
    int value = 0;
    while (count < most && !done() && text[pos] >= '0' && text[pos] <= '9') {
      value = value * 10 + (text[pos] - '0');
      ++pos;
      ++count;
    }
    if (count < least) {
      return std::nullopt;
    }
    return value;
  }
  std::string_view word() {
    const std::size_t start = pos;
    while (!done() &&
           ((text[pos] >= 'a' && text[pos] <= 'z') || (text[pos] >= 'A' && text[pos] <= 'Z'))) {
      ++pos;
    }
    return text.substr(start, pos - start);
  }
};

std::optional<Timestamp> make_time(int y, int mo, int d, int h, int mi, int s,
                                   std::chrono::minutes offset) {
  const std::chrono::year_month_day date{year(y), month(static_cast<unsigned>(mo)),
                                         day(static_cast<unsigned>(d))};
  if (!date.ok() || h > 24 || mi > 59 || s > 60 || (h == 24 && (mi != 0 || s != 0))) {
    return std::nullopt;
  }
  // A leap second is read as the last second of its minute.
  const int second = s == 60 ? 59 : s;
  return std::chrono::sys_days(date) + std::chrono::hours(h) + std::chrono::minutes(mi) +
         std::chrono::seconds(second) - offset;
}

// "+0200", "-05:00", "+02": an offset east of UTC.
std::optional<std::chrono::minutes> numeric_offset(Scanner& in) {
  const char sign = in.peek();
  if (sign != '+' && sign != '-') {
    return std::nullopt;
  }
  ++in.pos;
  const auto hours = in.digits(2, 2);
  if (!hours) {
    return std::nullopt;
  }
  in.take(':');
  const auto minutes = in.digits(2, 2).value_or(0);
  if (*hours > 23 || minutes > 59) {
    return std::nullopt;
  }
  const std::chrono::minutes offset(*hours * 60 + minutes);
  return sign == '-' ? -offset : offset;
}

// The zones RFC 822 names, and its military letters (A..M east, N..Y west, Z UTC; RFC 1123
// notes that their signs were often written reversed, but the letters are read as defined,
// as feed readers do).
std::optional<std::chrono::minutes> named_offset(std::string_view name) {
  struct Zone {
    std::string_view name;
    int hours;
  };
  static constexpr std::array kZones{Zone{"UT", 0},   Zone{"UTC", 0},  Zone{"GMT", 0},
                                     Zone{"Z", 0},    Zone{"EST", -5}, Zone{"EDT", -4},
                                     Zone{"CST", -6}, Zone{"CDT", -5}, Zone{"MST", -7},
                                     Zone{"MDT", -6}, Zone{"PST", -8}, Zone{"PDT", -7}};
  for (const Zone& zone : kZones) {
    if (equals_ignoring_case(name, zone.name)) {
      return std::chrono::hours(zone.hours);
    }
  }
  if (name.size() != 1) {
    return std::nullopt;
  }
  const char letter = static_cast<char>(name[0] & ~0x20);  // upper case
  if (letter >= 'A' && letter <= 'I') {
    return std::chrono::hours(letter - 'A' + 1);
  }
  if (letter >= 'K' && letter <= 'M') {
    return std::chrono::hours(letter - 'K' + 10);
  }
  if (letter >= 'N' && letter <= 'Y') {
    return std::chrono::hours(-(letter - 'N' + 1));
  }
  return std::nullopt;
}

std::optional<int> month_number(std::string_view name) {
  static constexpr std::array kMonths{"jan"sv, "feb"sv, "mar"sv, "apr"sv, "may"sv, "jun"sv,
                                      "jul"sv, "aug"sv, "sep"sv, "oct"sv, "nov"sv, "dec"sv};
  if (name.size() < 3) {
    return std::nullopt;
  }
  const std::string lower = ascii_lower(name);
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (lower.starts_with(kMonths[i])) {
      return static_cast<int>(i) + 1;
    }
  }
  return std::nullopt;
}

// "Tue, 03 Jun 2003 09:39:21 GMT" and its variants.
std::optional<Timestamp> parse_rfc822(std::string_view text) {
  Scanner in{text};
  in.skip_spaces();
  if (!(in.peek() >= '0' && in.peek() <= '9')) {
    in.word();  // a weekday, right or wrong: the date says which day it is
    in.take('.');
    in.skip_spaces();
  }
  const auto d = in.digits(1, 2);
  in.skip_spaces();
  in.take('-');
  const auto mo = month_number(in.word());
  in.take('.');
  in.skip_spaces();
  in.take('-');
  const std::size_t year_start = in.pos;
  auto y = in.digits(2, 4);
  if (!d || !mo || !y) {
    return std::nullopt;
  }
  const std::size_t year_digits = in.pos - year_start;
  if (year_digits == 2) {
    *y += *y < 50 ? 2000 : 1900;  // RFC 2822 §4.3
  } else if (year_digits == 3) {
    *y += 1900;
  }
  in.skip_spaces();
  int h = 0;
  int mi = 0;
  int s = 0;
  if (!in.done()) {
    const auto hours = in.digits(1, 2);
    if (!hours || !in.take(':')) {
      return std::nullopt;
    }
    const auto minutes = in.digits(2, 2);
    if (!minutes) {
      return std::nullopt;
    }
    h = *hours;
    mi = *minutes;
    if (in.take(':')) {
      const auto seconds = in.digits(2, 2);
      if (!seconds) {
        return std::nullopt;
      }
      s = *seconds;
    }
  }
  in.skip_spaces();
  std::chrono::minutes offset{0};
  if (!in.done()) {
    if (in.peek() == '+' || in.peek() == '-') {
      const auto numeric = numeric_offset(in);
      if (!numeric) {
        return std::nullopt;
      }
      offset = *numeric;
    } else {
      const auto named = named_offset(in.word());
      if (!named) {
        return std::nullopt;
      }
      offset = *named;
      // "GMT+2" and "UT-0500" are seen in the wild: the number is the offset.
      if (in.peek() == '+' || in.peek() == '-') {
        const auto numeric = numeric_offset(in);
        if (!numeric) {
          return std::nullopt;
        }
        offset += *numeric;
      }
    }
    in.skip_spaces();
    if (in.take('(')) {  // "+0000 (UTC)": a comment
      while (!in.done() && in.peek() != ')') {
        ++in.pos;
      }
      in.take(')');
      in.skip_spaces();
    }
    if (!in.done()) {
      return std::nullopt;
    }
  }
  return make_time(*y, *mo, *d, h, mi, s, offset);
}

// "2003-12-13T18:30:02.25+01:00" and its variants; a date alone is midnight UTC.
std::optional<Timestamp> parse_rfc3339(std::string_view text) {
  Scanner in{trim(text)};
  const auto y = in.digits(4, 4);
  if (!y || !in.take('-')) {
    return std::nullopt;
  }
  const auto mo = in.digits(2, 2);
  if (!mo || !in.take('-')) {
    return std::nullopt;
  }
  const auto d = in.digits(2, 2);
  if (!d) {
    return std::nullopt;
  }
  if (in.done()) {
    return make_time(*y, *mo, *d, 0, 0, 0, {});
  }
  if (!in.take('T') && !in.take('t') && !in.take(' ')) {
    return std::nullopt;
  }
  const auto h = in.digits(2, 2);
  if (!h || !in.take(':')) {
    return std::nullopt;
  }
  const auto mi = in.digits(2, 2);
  if (!mi) {
    return std::nullopt;
  }
  int s = 0;
  if (in.take(':')) {
    const auto seconds = in.digits(2, 2);
    if (!seconds) {
      return std::nullopt;
    }
    s = *seconds;
    if (in.take('.') || in.take(',')) {
      if (!in.digits(1, 64)) {
        return std::nullopt;
      }
    }
  }
  while (in.peek() == ' ') {
    ++in.pos;
  }
  std::chrono::minutes offset{0};
  if (in.take('Z') || in.take('z')) {
  } else if (in.peek() == '+' || in.peek() == '-') {
    const auto numeric = numeric_offset(in);
    if (!numeric) {
      return std::nullopt;
    }
    offset = *numeric;
  } else if (!in.done()) {
    const auto named = named_offset(in.word());  // "2003-12-13 18:30:02 GMT"
    if (!named) {
      return std::nullopt;
    }
    offset = *named;
  }
  if (!in.done()) {
    return std::nullopt;
  }
  return make_time(*y, *mo, *d, *h, *mi, s, offset);
}

}  // namespace

std::optional<Timestamp> parse_feed_date(std::string_view text) {
  std::string_view trimmed = text;
  while (!trimmed.empty() && is_ascii_space(trimmed.front())) {
    trimmed.remove_prefix(1);
  }
  while (!trimmed.empty() && is_ascii_space(trimmed.back())) {
    trimmed.remove_suffix(1);
  }
  if (trimmed.empty()) {
    return std::nullopt;
  }
  if (trimmed.size() >= 10 && trimmed[4] == '-' && trimmed[0] >= '0' && trimmed[0] <= '9') {
    return parse_rfc3339(trimmed);
  }
  return parse_rfc822(trimmed);
}

}  // namespace communique
