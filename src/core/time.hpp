// Time as the domain sees it: whole seconds since the Unix epoch, UTC, and a Clock that
// code asks for "now" so that tests can fix it (no test sleeps or reads the wall clock).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace communique {

using Timestamp = std::chrono::sys_seconds;

// Returns the current time. Production code uses system_clock_now; tests pass a lambda.
using Clock = std::function<Timestamp()>;

Timestamp system_clock_now();

// The day `time` falls on (UTC), counted from 1970-01-01 as day 0: what link tokens carry
// as their issue day and what a letter plan is made for.
std::uint32_t day_number(Timestamp time);

// "2026-11-29T07:05:47Z"
std::string format_iso8601(Timestamp time);

// The calendar day `time` falls on (UTC).
std::chrono::year_month_day utc_day(Timestamp time);

// "January"
std::string_view month_name(std::chrono::month month);

// "15 January 2030": the date a reader sees in a letter's masthead.
std::string human_date(std::chrono::year_month_day date);

// "2030-01-15"
std::string format_date(std::chrono::year_month_day date);

// Reads a day written "2030-01-15" (four-digit year, two-digit month and day); nothing
// when the text is not so written or names no day of the calendar ("2026-02-30").
std::optional<std::chrono::year_month_day> parse_date(std::string_view text);

// Reads "2026-12-01T09:00:00Z", "2026-12-01T09:00+02:00", "2026-12-01 09:00" (UTC) or
// "2026-12-01" (midnight UTC); nothing when the text is not such a time.
std::optional<Timestamp> parse_iso8601(std::string_view text);

// Reads "90s", "30m", "2h", "3d", "1w" (one number and one unit); nothing otherwise.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

}  // namespace communique
