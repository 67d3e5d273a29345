#include "core/schedule_rule.hpp"

#include <algorithm>
#include <array>
#include <exception>
#include <vector>

#include <date/tz.h>
#include <fmt/format.h>

#include "base/text.hpp"

namespace communique {

namespace {

using std::chrono::days;
using std::chrono::local_days;

constexpr std::string_view kEveryForms =
    R"(write "daily HH:MM", "weekly DAY HH:MM" (DAY mon..sun) or "monthly DAY HH:MM" (DAY 1..31))";

// Indexed by std::chrono::weekday's C encoding, Sunday first.
constexpr std::array<std::string_view, 7> kShortDays = {"sun", "mon", "tue", "wed",
                                                        "thu", "fri", "sat"};
constexpr std::array<std::string_view, 7> kLongDays = {"sunday",   "monday", "tuesday", "wednesday",
                                                       "thursday", "friday", "saturday"};

Error every_error(std::string what) {
  return make_error(ErrorCode::invalid_input, "every: " + std::move(what));
}

// The words of `text`, split on runs of white space.
std::vector<std::string_view> words_of(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && is_ascii_space(text[pos])) {
      ++pos;
    }
    const std::size_t start = pos;
    while (pos < text.size() && !is_ascii_space(text[pos])) {
      ++pos;
    }
    if (pos > start) {
      words.push_back(text.substr(start, pos - start));
    }
  }
  return words;
}

// A number of one to `max_digits` decimal digits, nothing else.
std::optional<unsigned> read_digits(std::string_view text, std::size_t max_digits) {
  if (text.empty() || text.size() > max_digits ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return static_cast<unsigned>(*parse_integer(text));
}

Result<std::chrono::weekday> read_weekday(std::string_view word) {
  const std::string lower = ascii_lower(word);
  for (unsigned i = 0; i < kShortDays.size(); ++i) {
    if (lower == kShortDays[i] || lower == kLongDays[i]) {
      return std::chrono::weekday(i);
    }
  }
  return every_error(fmt::format(R"("{}" is not a day of the week: write mon..sun or )"
                                 R"(monday..sunday, such as "weekly mon 09:00")",
                                 word));
}

Result<unsigned> read_day_of_month(std::string_view word) {
  const auto day = read_digits(word, 2);
  if (!day) {
    return every_error(fmt::format(R"("{}" is not a day of the month: write a number 1..31, )"
                                   R"(such as "monthly 1 09:00")",
                                   word));
  }
  if (*day < 1 || *day > 31) {
    return every_error(fmt::format(R"(the day of the month must be 1..31, not {}: a month )"
                                   R"(without day 29, 30 or 31 runs on its last day)",
                                   *day));
  }
  return *day;
}

// Reads "HH:MM" (or "H:MM") into the rule's hour and minute.
Result<void> read_time_of_day(std::string_view word, ScheduleRule& rule) {
  const auto colon = word.find(':');
  const auto hour =
      colon == std::string_view::npos ? std::nullopt : read_digits(word.substr(0, colon), 2);
  const auto minute =
      colon == std::string_view::npos ? std::nullopt : read_digits(word.substr(colon + 1), 2);
  if (!hour || !minute || word.size() - colon != 3) {
    return every_error(
        fmt::format(R"("{}" is not a time of day: write HH:MM, such as 09:00)", word));
  }
  if (*hour > 23) {
    return every_error(
        fmt::format("the hour must be 0..23, not {}: write midnight as 00:00", *hour));
  }
  if (*minute > 59) {
    return every_error(fmt::format("the minutes must be 0..59, not {}", *minute));
  }
  rule.hour = std::chrono::hours(*hour);
  rule.minute = std::chrono::minutes(*minute);
  return ok();
}

// Reads the `every` text into `rule`, all but the zone.
Result<void> read_every(std::string_view every, ScheduleRule& rule) {
  const auto words = words_of(every);
  const std::string kind = words.empty() ? std::string() : ascii_lower(words.front());
  if (kind == "daily" && words.size() == 2) {
    rule.every = ScheduleRule::Every::daily;
  } else if (kind == "weekly" && words.size() == 3) {
    auto weekday = read_weekday(words[1]);
    if (!weekday) {
      return std::move(weekday).error();
    }
    rule.every = ScheduleRule::Every::weekly;
    rule.weekday = *weekday;
  } else if (kind == "monthly" && words.size() == 3) {
    auto day = read_day_of_month(words[1]);
    if (!day) {
      return std::move(day).error();
    }
    rule.every = ScheduleRule::Every::monthly;
    rule.day_of_month = *day;
  } else {
    return every_error(std::string(kEveryForms));
  }
  return read_time_of_day(words.back(), rule);
}

// The zone called `name` in the system's tzdata, or nothing. The date library throws for
// a name it does not know; this is the one place that call is made.
const date::time_zone* find_zone(const std::string& name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

// The rule's zone; the header's precondition is that parse_schedule_rule accepted it.
const date::time_zone& zone_of(const ScheduleRule& rule) {
  return *date::locate_zone(rule.time_zone);
}

// The calendar day `time` falls on, on the clocks of `zone`.
local_days local_day(const date::time_zone& zone, Timestamp time) {
  const auto local = zone.to_local(time).time_since_epoch();
  return local_days(std::chrono::floor<days>(local));
}

// The instant the rule runs on local `day`. date::choose::earliest gives both halves of
// the policy: the first occurrence of a repeated local time, and the end of the gap
// (the first instant after it) for a local time that does not exist.
Timestamp run_instant(const ScheduleRule& rule, const date::time_zone& zone, local_days day) {
  const std::chrono::seconds local = day.time_since_epoch() + rule.hour + rule.minute;
  return zone.to_sys(date::local_seconds(local), date::choose::earliest);
}

// The day of `month` a monthly rule runs on: its day of the month, or the month's last day.
local_days monthly_day(const ScheduleRule& rule, std::chrono::year_month month) {
  const std::chrono::year_month_day_last last(month.year(),
                                              std::chrono::month_day_last(month.month()));
  const auto day = std::min(std::chrono::day(rule.day_of_month), last.day());
  return local_days(std::chrono::year_month_day(month.year(), month.month(), day));
}

std::chrono::year_month month_of(local_days day) {
  const std::chrono::year_month_day date(day);
  return date.year() / date.month();
}

// The first day the rule runs on, at or after `from`.
local_days first_run_day_from(const ScheduleRule& rule, local_days from) {
  switch (rule.every) {
    case ScheduleRule::Every::daily:
      return from;
    case ScheduleRule::Every::weekly:
      return from + (rule.weekday - std::chrono::weekday(from));
    case ScheduleRule::Every::monthly: {
      const auto month = month_of(from);
      const auto day = monthly_day(rule, month);
      return day >= from ? day : monthly_day(rule, month + std::chrono::months(1));
    }
  }
  return from;
}

// The last day the rule runs on, at or before `until`.
local_days last_run_day_until(const ScheduleRule& rule, local_days until) {
  switch (rule.every) {
    case ScheduleRule::Every::daily:
      return until;
    case ScheduleRule::Every::weekly:
      return until - (std::chrono::weekday(until) - rule.weekday);
    case ScheduleRule::Every::monthly: {
      const auto month = month_of(until);
      const auto day = monthly_day(rule, month);
      return day <= until ? day : monthly_day(rule, month - std::chrono::months(1));
    }
  }
  return until;
}

}  // namespace

Result<ScheduleRule> parse_schedule_rule(std::string_view every, std::string_view time_zone) {
  ScheduleRule rule;
  if (auto read = read_every(every, rule); !read) {
    return std::move(read).error();
  }
  const std::string_view zone_name = trim(time_zone);
  rule.time_zone = zone_name.empty() ? "UTC" : std::string(zone_name);
  if (find_zone(rule.time_zone) == nullptr) {
    return make_error(ErrorCode::invalid_input,
                      fmt::format(R"(tz: unknown time zone "{}": use an IANA name such as )"
                                  R"(Europe/Moscow or UTC)",
                                  rule.time_zone));
  }
  return rule;
}

std::string format_schedule_rule(const ScheduleRule& rule) {
  const std::string time = fmt::format("{:02}:{:02}", rule.hour.count(), rule.minute.count());
  switch (rule.every) {
    case ScheduleRule::Every::daily:
      return "daily " + time;
    case ScheduleRule::Every::weekly:
      return fmt::format("weekly {} {}", kShortDays[rule.weekday.c_encoding()], time);
    case ScheduleRule::Every::monthly:
      return fmt::format("monthly {} {}", rule.day_of_month, time);
  }
  return time;
}

std::string_view cadence_of(const ScheduleRule& rule) {
  switch (rule.every) {
    case ScheduleRule::Every::daily:
      return "daily";
    case ScheduleRule::Every::weekly:
      return "weekly";
    case ScheduleRule::Every::monthly:
      return "monthly";
  }
  return "daily";
}

Timestamp next_run_after(const ScheduleRule& rule, Timestamp after) {
  const auto& zone = zone_of(rule);
  // Local days before the one `after` falls on map to instants no later than it, since
  // local time only moves forward through the earliest-occurrence mapping.
  auto day = first_run_day_from(rule, local_day(zone, after));
  for (;;) {
    const Timestamp run = run_instant(rule, zone, day);
    if (run > after) {
      return run;
    }
    day = first_run_day_from(rule, day + days(1));
  }
}

std::optional<Timestamp> due_run(const ScheduleRule& rule, Timestamp last, Timestamp now) {
  const auto& zone = zone_of(rule);
  // Starts a day late: when a fall-back change repeats the hour around midnight, the first
  // occurrence of a time on the next local day can come before `now`.
  auto day = last_run_day_until(rule, local_day(zone, now) + days(1));
  Timestamp run = run_instant(rule, zone, day);
  while (run > now) {
    day = last_run_day_until(rule, day - days(1));
    run = run_instant(rule, zone, day);
  }
  if (run <= last) {
    return std::nullopt;
  }
  return run;
}

std::chrono::seconds period_of(const ScheduleRule& rule, Timestamp around) {
  switch (rule.every) {
    case ScheduleRule::Every::daily:
      return days(1);
    case ScheduleRule::Every::weekly:
      return days(7);
    case ScheduleRule::Every::monthly: {
      const auto before = month_of(local_day(zone_of(rule), around)) - std::chrono::months(1);
      const std::chrono::year_month_day_last last(before.year(),
                                                  std::chrono::month_day_last(before.month()));
      return days(static_cast<unsigned>(last.day()));
    }
  }
  return days(1);
}

std::chrono::year_month_day local_date(const ScheduleRule& rule, Timestamp time) {
  return std::chrono::year_month_day(local_day(zone_of(rule), time));
}

std::string format_local_time(const ScheduleRule& rule, Timestamp time) {
  const auto& zone = zone_of(rule);
  const auto local = zone.to_local(time).time_since_epoch();
  const auto day = std::chrono::floor<days>(local);
  const std::chrono::year_month_day date{local_days(day)};
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(local - day).count();
  const auto offset =
      std::chrono::duration_cast<std::chrono::minutes>(zone.get_info(time).offset).count();
  const auto size = offset < 0 ? -offset : offset;
  return fmt::format("{} {:02}:{:02} {}{:02}:{:02}", format_date(date), minutes / 60, minutes % 60,
                     offset < 0 ? '-' : '+', size / 60, size % 60);
}

}  // namespace communique
