#include "core/time.hpp"

#include <fmt/format.h>

namespace communique {

Timestamp system_clock_now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::uint32_t day_number(Timestamp time) {
  return static_cast<std::uint32_t>(
      std::chrono::floor<std::chrono::days>(time).time_since_epoch().count());
}

std::string format_iso8601(Timestamp time) {
  const auto days = std::chrono::floor<std::chrono::days>(time);
  const std::chrono::hh_mm_ss clock(time - days);
  return fmt::format("{}T{:02}:{:02}:{:02}Z", format_date(std::chrono::year_month_day(days)),
                     clock.hours().count(), clock.minutes().count(), clock.seconds().count());
}

std::chrono::year_month_day utc_day(Timestamp time) {
  return std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(time));
}

std::string_view month_name(std::chrono::month month) {
  static constexpr std::string_view kMonths[] = {"January",   "February", "March",    "April",
                                                 "May",       "June",     "July",     "August",
                                                 "September", "October",  "November", "December"};
  return month.ok() ? kMonths[static_cast<unsigned>(month) - 1] : std::string_view();
}

std::string human_date(std::chrono::year_month_day date) {
  return fmt::format("{} {} {}", static_cast<unsigned>(date.day()), month_name(date.month()),
                     static_cast<int>(date.year()));
}

std::string format_date(std::chrono::year_month_day date) {
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
}

namespace {

bool read_number(std::string_view text, std::size_t& pos, int digits, int& out) {
  if (pos + static_cast<std::size_t>(digits) > text.size()) {
    return false;
  }
  out = 0;
  for (int i = 0; i < digits; ++i) {
    const char c = text[pos++];
    if (c < '0' || c > '9') {
      return false;
    }
    out = out * 10 + (c - '0');
  }
  return true;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

// Reads "2030-01-15" at `pos`, a day of the calendar.
std::optional<std::chrono::year_month_day> read_date(std::string_view text, std::size_t& pos) {
  int year = 0, month = 0, day = 0;
  if (!read_number(text, pos, 4, year) || !expect(text, pos, '-') ||
      !read_number(text, pos, 2, month) || !expect(text, pos, '-') ||
      !read_number(text, pos, 2, day)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) {
    return std::nullopt;
  }
  return date;
}

}  // namespace

std::optional<std::chrono::year_month_day> parse_date(std::string_view text) {
  std::size_t pos = 0;
  auto date = read_date(text, pos);
  if (!date || pos != text.size()) {
    return std::nullopt;
  }
  return date;
}

std::optional<Timestamp> parse_iso8601(std::string_view text) {
  std::size_t pos = 0;
  int hour = 0, minute = 0, second = 0;
  const auto date = read_date(text, pos);
  if (!date) {
    return std::nullopt;
  }
  std::chrono::seconds offset{0};
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != ' ') {
      return std::nullopt;
    }
    ++pos;
    if (!read_number(text, pos, 2, hour) || !expect(text, pos, ':') ||
        !read_number(text, pos, 2, minute)) {
      return std::nullopt;
    }
    if (expect(text, pos, ':') && !read_number(text, pos, 2, second)) {
      return std::nullopt;
    }
    if (hour > 23 || minute > 59 || second > 59) {
      return std::nullopt;
    }
    if (expect(text, pos, 'Z')) {
      // UTC
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
      const int sign = text[pos++] == '+' ? 1 : -1;
      int offset_hours = 0, offset_minutes = 0;
      if (!read_number(text, pos, 2, offset_hours) || !expect(text, pos, ':') ||
          !read_number(text, pos, 2, offset_minutes)) {
        return std::nullopt;
      }
      offset = std::chrono::seconds(sign * (offset_hours * 3600 + offset_minutes * 60));
    }
    if (pos != text.size()) {
      return std::nullopt;
    }
  }
  return Timestamp(std::chrono::sys_days(*date).time_since_epoch() + std::chrono::hours(hour) +
                   std::chrono::minutes(minute) + std::chrono::seconds(second) - offset);
}

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
  if (text.size() < 2) {
    return std::nullopt;
  }
  std::int64_t number = 0;
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9' || number > 100'000'000) {
      return std::nullopt;
    }
    number = number * 10 + (text[i] - '0');
  }
  switch (text.back()) {
    case 's':
      return std::chrono::seconds(number);
    case 'm':
      return std::chrono::minutes(number);
    case 'h':
      return std::chrono::hours(number);
    case 'd':
      return std::chrono::hours(24 * number);
    case 'w':
      return std::chrono::hours(24 * 7 * number);
    default:
      return std::nullopt;
  }
}

}  // namespace communique
