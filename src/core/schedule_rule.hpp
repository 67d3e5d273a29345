// ScheduleRule: when a recurring job (a digest) runs — "daily 09:00", "weekly mon 09:00"
// or "monthly 31 18:30" at a wall-clock time in an IANA time zone — and the instants that
// follow from it. Pure: no clock, no store; callers pass the times they mean.
//
// Policy:
//   - Times are local to the rule's zone, daylight saving included, so a weekly Monday
//     09:00 in Europe/Berlin runs at 08:00Z in winter and at 07:00Z in summer.
//   - A local time that does not exist (skipped by a spring-forward change) runs at the
//     first instant after the gap: 02:30 in a 02:00→03:00 gap runs at 03:00 local.
//   - A local time that happens twice (repeated by a fall-back change) runs once, at its
//     first occurrence.
//   - "monthly 31" runs on the last day of the months that have fewer days.
//   - A run missed while nothing was watching runs once, not once per missed period:
//     due_run() gives only the latest scheduled instant that passed.
//
// Zones come from the system's tzdata (/usr/share/zoneinfo) through the date library;
// it stays inside schedule_rule.cpp. Not here: storing rules, running jobs, the CLI.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "core/time.hpp"

namespace communique {

struct ScheduleRule {
  enum class Every { daily, weekly, monthly };

  Every every = Every::daily;
  std::chrono::weekday weekday = std::chrono::Monday;  // weekly only
  unsigned day_of_month = 1;  // monthly only, 1..31; short months run on their last day
  std::chrono::hours hour{0};
  std::chrono::minutes minute{0};
  std::string time_zone = "UTC";  // an IANA name the system's tzdata knows

  friend bool operator==(const ScheduleRule&, const ScheduleRule&) = default;
};

// Reads `every` ("daily HH:MM", "weekly DAY HH:MM" with DAY mon..sun or monday..sunday,
// "monthly DAY HH:MM" with DAY 1..31; words in any case) and `time_zone` (an IANA name;
// empty means "UTC"). An invalid_input error names the field ("every:" or "tz:"), what is
// wrong and how to write it.
Result<ScheduleRule> parse_schedule_rule(std::string_view every, std::string_view time_zone);

// The canonical text of the rule's `every`, which parse_schedule_rule reads back:
// "daily 07:30", "weekly mon 09:00", "monthly 31 18:30". The zone is not part of it.
std::string format_schedule_rule(const ScheduleRule& rule);

// The subscriber cadence a rule serves: "daily", "weekly" or "monthly".
std::string_view cadence_of(const ScheduleRule& rule);

// The rules below need a rule whose zone parse_schedule_rule accepted: a zone the system's
// tzdata does not know is a broken invariant and throws std::runtime_error.

// The first scheduled instant strictly after `after`.
Timestamp next_run_after(const ScheduleRule& rule, Timestamp after);

// The run due at `now` for a job that last ran (or was created) at `last`: the latest
// scheduled instant in (last, now], or nothing when none passed. However many periods
// were missed, there is one answer, so a missed run runs once.
std::optional<Timestamp> due_run(const ScheduleRule& rule, Timestamp last, Timestamp now);

// How far a first run looks back: one day (daily), seven days (weekly), or the number of
// days of the calendar month before the one `around` falls in, in the rule's zone
// (monthly: a run on 1 March looks back to 1 February).
std::chrono::seconds period_of(const ScheduleRule& rule, Timestamp around);

// The calendar day `time` falls on in the rule's zone: the date a digest's masthead shows.
std::chrono::year_month_day local_date(const ScheduleRule& rule, Timestamp time);

// `time` on the clocks of the rule's zone, for people: "2026-12-07 09:00 +03:00".
std::string format_local_time(const ScheduleRule& rule, Timestamp time);

}  // namespace communique
