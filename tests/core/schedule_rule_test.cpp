#include "core/schedule_rule.hpp"

#include <gtest/gtest.h>

namespace communique {
namespace {

using std::chrono::days;
using std::chrono::hours;

Timestamp at(std::string_view iso8601) {
  auto time = parse_iso8601(iso8601);
  EXPECT_TRUE(time) << iso8601;
  return time.value_or(Timestamp{});
}

ScheduleRule rule(std::string_view every, std::string_view time_zone = "UTC") {
  auto parsed = parse_schedule_rule(every, time_zone);
  EXPECT_TRUE(parsed) << every << " " << time_zone << ": " << parsed.error().message;
  return parsed ? *parsed : ScheduleRule{};
}

// The error message of parsing, or "accepted".
std::string error_of(std::string_view every, std::string_view time_zone = "UTC") {
  auto parsed = parse_schedule_rule(every, time_zone);
  if (parsed) {
    return "accepted";
  }
  EXPECT_EQ(parsed.error().code, ErrorCode::invalid_input);
  return parsed.error().message;
}

std::string next(std::string_view every, std::string_view time_zone, std::string_view after) {
  return format_iso8601(next_run_after(rule(every, time_zone), at(after)));
}

// --- Reading and writing rules -------------------------------------------------------

TEST(ParseScheduleRule, ReadsDailyWeeklyAndMonthly) {
  const auto daily = rule("daily 07:30", "");
  EXPECT_EQ(daily.every, ScheduleRule::Every::daily);
  EXPECT_EQ(daily.hour, hours(7));
  EXPECT_EQ(daily.minute, std::chrono::minutes(30));
  EXPECT_EQ(daily.time_zone, "UTC");

  const auto weekly = rule("weekly mon 09:00", "Europe/Moscow");
  EXPECT_EQ(weekly.every, ScheduleRule::Every::weekly);
  EXPECT_EQ(weekly.weekday, std::chrono::Monday);
  EXPECT_EQ(weekly.hour, hours(9));
  EXPECT_EQ(weekly.time_zone, "Europe/Moscow");

  const auto monthly = rule("monthly 31 18:30");
  EXPECT_EQ(monthly.every, ScheduleRule::Every::monthly);
  EXPECT_EQ(monthly.day_of_month, 31u);
  EXPECT_EQ(monthly.hour, hours(18));
  EXPECT_EQ(monthly.minute, std::chrono::minutes(30));
  EXPECT_EQ(rule("monthly 1 09:00").day_of_month, 1u);
}

TEST(ParseScheduleRule, ReadsWeekdayNamesShortOrLongInAnyCase) {
  EXPECT_EQ(rule("weekly MON 09:00").weekday, std::chrono::Monday);
  EXPECT_EQ(rule("weekly Tuesday 09:00").weekday, std::chrono::Tuesday);
  EXPECT_EQ(rule("weekly wEdNeSdAy 09:00").weekday, std::chrono::Wednesday);
  EXPECT_EQ(rule("weekly thu 09:00").weekday, std::chrono::Thursday);
  EXPECT_EQ(rule("weekly FRIDAY 09:00").weekday, std::chrono::Friday);
  EXPECT_EQ(rule("weekly Sat 09:00").weekday, std::chrono::Saturday);
  EXPECT_EQ(rule("weekly sunday 09:00").weekday, std::chrono::Sunday);
  EXPECT_EQ(rule("WEEKLY Sun 09:00").every, ScheduleRule::Every::weekly);
}

TEST(ParseScheduleRule, AcceptsLooseSpacingAndSingleDigitHours) {
  EXPECT_EQ(rule("  weekly   tue\t 9:05 "), rule("weekly tue 09:05"));
  EXPECT_EQ(rule("monthly 01 00:00"), rule("monthly 1 00:00"));
  EXPECT_EQ(rule("daily 09:00", "  Europe/Berlin ").time_zone, "Europe/Berlin");
}

TEST(ParseScheduleRule, FormatsTheCanonicalTextThatReadsBackTheSame) {
  EXPECT_EQ(format_schedule_rule(rule("Weekly MONDAY 9:00")), "weekly mon 09:00");
  EXPECT_EQ(format_schedule_rule(rule("daily 7:05")), "daily 07:05");
  EXPECT_EQ(format_schedule_rule(rule("monthly 31 18:30")), "monthly 31 18:30");
  EXPECT_EQ(format_schedule_rule(rule("weekly SUNDAY 23:59")), "weekly sun 23:59");
  for (const auto* text : {"daily 00:00", "weekly sat 12:45", "monthly 15 06:00"}) {
    EXPECT_EQ(format_schedule_rule(rule(text)), text);
  }
}

TEST(ParseScheduleRule, NamesTheCadenceARuleServes) {
  EXPECT_EQ(cadence_of(rule("daily 09:00")), "daily");
  EXPECT_EQ(cadence_of(rule("weekly mon 09:00")), "weekly");
  EXPECT_EQ(cadence_of(rule("monthly 1 09:00")), "monthly");
}

TEST(ParseScheduleRule, AnUnknownShapeSaysHowToWriteOne) {
  const std::string how =
      R"(every: write "daily HH:MM", "weekly DAY HH:MM" (DAY mon..sun) or "monthly DAY HH:MM" (DAY 1..31))";
  EXPECT_EQ(error_of(""), how);
  EXPECT_EQ(error_of("hourly 09:00"), how);
  EXPECT_EQ(error_of("daily"), how);
  EXPECT_EQ(error_of("daily 09:00 extra"), how);
  EXPECT_EQ(error_of("weekly 09:00"), how);
  EXPECT_EQ(error_of("monthly 09:00"), how);
  EXPECT_EQ(error_of("weekly mon tue 09:00"), how);
}

TEST(ParseScheduleRule, AnUnknownDayOfTheWeekIsNamed) {
  EXPECT_EQ(error_of("weekly mun 09:00"),
            R"(every: "mun" is not a day of the week: write mon..sun or monday..sunday, )"
            R"(such as "weekly mon 09:00")");
  EXPECT_EQ(error_of("weekly 1 09:00"),
            R"(every: "1" is not a day of the week: write mon..sun or monday..sunday, )"
            R"(such as "weekly mon 09:00")");
}

TEST(ParseScheduleRule, ADayOfTheMonthIsOneToThirtyOne) {
  EXPECT_EQ(error_of("monthly 0 09:00"),
            "every: the day of the month must be 1..31, not 0: a month without day 29, 30 "
            "or 31 runs on its last day");
  EXPECT_EQ(error_of("monthly 32 09:00"),
            "every: the day of the month must be 1..31, not 32: a month without day 29, 30 "
            "or 31 runs on its last day");
  EXPECT_EQ(error_of("monthly first 09:00"),
            R"(every: "first" is not a day of the month: write a number 1..31, such as )"
            R"("monthly 1 09:00")");
  EXPECT_EQ(error_of("monthly -1 09:00"),
            R"(every: "-1" is not a day of the month: write a number 1..31, such as )"
            R"("monthly 1 09:00")");
}

TEST(ParseScheduleRule, HoursAreZeroToTwentyThreeAndMinutesZeroToFiftyNine) {
  EXPECT_EQ(error_of("daily 24:00"),
            "every: the hour must be 0..23, not 24: write midnight as 00:00");
  EXPECT_EQ(error_of("daily 23:60"), "every: the minutes must be 0..59, not 60");
  EXPECT_EQ(error_of("daily 23:59"), "accepted");
  EXPECT_EQ(error_of("daily 00:00"), "accepted");
}

TEST(ParseScheduleRule, ATimeOfDayIsWrittenHoursColonMinutes) {
  for (const auto* time :
       {"9h", "0900", "09:0", "09:000", "123:00", ":30", "09:", "-1:00", "09:3x", "9.30"}) {
    EXPECT_EQ(
        error_of(std::string("daily ") + time),
        std::string("every: \"") + time + "\" is not a time of day: write HH:MM, such as 09:00");
  }
}

TEST(ParseScheduleRule, AnUnknownTimeZoneSuggestsAnIanaName) {
  EXPECT_EQ(error_of("weekly mon 09:00", "Europe/Moskva"),
            R"(tz: unknown time zone "Europe/Moskva": use an IANA name such as Europe/Moscow )"
            R"(or UTC)");
  EXPECT_EQ(error_of("daily 09:00", "+03:00"),
            R"(tz: unknown time zone "+03:00": use an IANA name such as Europe/Moscow or UTC)");
  EXPECT_EQ(error_of("daily 09:00", "../../etc/passwd"),
            R"(tz: unknown time zone "../../etc/passwd": use an IANA name such as )"
            R"(Europe/Moscow or UTC)");
  EXPECT_EQ(error_of("daily 09:00", "America/New_York"), "accepted");
  EXPECT_EQ(error_of("daily 09:00", "UTC"), "accepted");
}

// --- The next run ---------------------------------------------------------------------

TEST(NextRunAfter, DailyRunsLaterTheSameDayOrTheNext) {
  EXPECT_EQ(next("daily 09:00", "UTC", "2026-03-10T08:00:00Z"), "2026-03-10T09:00:00Z");
  EXPECT_EQ(next("daily 09:00", "UTC", "2026-03-10T09:30:00Z"), "2026-03-11T09:00:00Z");
  EXPECT_EQ(next("daily 23:45", "UTC", "2026-12-31T23:50:00Z"), "2027-01-01T23:45:00Z");
}

TEST(NextRunAfter, IsStrictlyAfterTheGivenInstant) {
  EXPECT_EQ(next("daily 09:00", "UTC", "2026-03-10T09:00:00Z"), "2026-03-11T09:00:00Z");
  EXPECT_EQ(next("weekly tue 09:00", "UTC", "2026-03-10T09:00:00Z"), "2026-03-17T09:00:00Z");
  EXPECT_EQ(next("monthly 10 09:00", "UTC", "2026-03-10T09:00:00Z"), "2026-04-10T09:00:00Z");
}

TEST(NextRunAfter, WeeklyRunsOnItsDayOfTheWeek) {
  // 10 March 2026 is a Tuesday.
  EXPECT_EQ(next("weekly mon 09:00", "UTC", "2026-03-10T12:00:00Z"), "2026-03-16T09:00:00Z");
  EXPECT_EQ(next("weekly tue 09:00", "UTC", "2026-03-10T08:59:00Z"), "2026-03-10T09:00:00Z");
  EXPECT_EQ(next("weekly sun 18:00", "UTC", "2026-03-10T12:00:00Z"), "2026-03-15T18:00:00Z");
}

TEST(NextRunAfter, MonthlyRunsOnItsDayOfTheMonth) {
  EXPECT_EQ(next("monthly 1 09:00", "UTC", "2026-03-10T12:00:00Z"), "2026-04-01T09:00:00Z");
  EXPECT_EQ(next("monthly 15 09:00", "UTC", "2026-03-10T12:00:00Z"), "2026-03-15T09:00:00Z");
  EXPECT_EQ(next("monthly 1 09:00", "UTC", "2026-12-05T00:00:00Z"), "2027-01-01T09:00:00Z");
}

TEST(NextRunAfter, MonthlyThirtyFirstRunsOnTheLastDayOfShorterMonths) {
  EXPECT_EQ(next("monthly 31 18:30", "UTC", "2026-01-31T18:30:00Z"), "2026-02-28T18:30:00Z");
  EXPECT_EQ(next("monthly 31 18:30", "UTC", "2026-02-28T18:30:00Z"), "2026-03-31T18:30:00Z");
  EXPECT_EQ(next("monthly 31 18:30", "UTC", "2026-04-01T00:00:00Z"), "2026-04-30T18:30:00Z");
  EXPECT_EQ(next("monthly 31 18:30", "UTC", "2026-04-30T18:30:00Z"), "2026-05-31T18:30:00Z");
  EXPECT_EQ(next("monthly 30 09:00", "UTC", "2028-02-01T00:00:00Z"), "2028-02-29T09:00:00Z");
}

TEST(NextRunAfter, MoscowIsThreeHoursAheadAllYear) {
  EXPECT_EQ(next("daily 09:00", "Europe/Moscow", "2026-01-15T00:00:00Z"), "2026-01-15T06:00:00Z");
  EXPECT_EQ(next("daily 09:00", "Europe/Moscow", "2026-07-15T00:00:00Z"), "2026-07-15T06:00:00Z");
  // 02:00 in Moscow is still the previous day in UTC.
  EXPECT_EQ(next("weekly mon 02:00", "Europe/Moscow", "2026-03-10T00:00:00Z"),
            "2026-03-15T23:00:00Z");
}

TEST(NextRunAfter, WeeklyKeepsItsWallTimeInBerlinAcrossDaylightSaving) {
  EXPECT_EQ(next("weekly mon 09:00", "Europe/Berlin", "2026-01-01T00:00:00Z"),
            "2026-01-05T08:00:00Z");
  EXPECT_EQ(next("weekly mon 09:00", "Europe/Berlin", "2026-07-01T00:00:00Z"),
            "2026-07-06T07:00:00Z");
  // Clocks go forward on Sunday 29 March 2026; the Monday before is winter, the one after
  // summer.
  EXPECT_EQ(next("weekly mon 09:00", "Europe/Berlin", "2026-03-20T00:00:00Z"),
            "2026-03-23T08:00:00Z");
  EXPECT_EQ(next("weekly mon 09:00", "Europe/Berlin", "2026-03-23T08:00:00Z"),
            "2026-03-30T07:00:00Z");
}

TEST(NextRunAfter, BerlinSpringForwardRunsATimeInTheGapAtItsEnd) {
  // 29 March 2026: 02:00 CET becomes 03:00 CEST (01:00Z); 02:30 does not exist.
  EXPECT_EQ(next("daily 02:30", "Europe/Berlin", "2026-03-28T12:00:00Z"), "2026-03-29T01:00:00Z");
  EXPECT_EQ(next("daily 02:30", "Europe/Berlin", "2026-03-29T01:00:00Z"), "2026-03-30T00:30:00Z");
  EXPECT_EQ(next("daily 02:30", "Europe/Berlin", "2026-03-27T12:00:00Z"), "2026-03-28T01:30:00Z");
}

TEST(NextRunAfter, BerlinSpringForwardMovesATimeOutsideTheGapByTheOffsetOnly) {
  EXPECT_EQ(next("daily 09:00", "Europe/Berlin", "2026-03-28T00:00:00Z"), "2026-03-28T08:00:00Z");
  EXPECT_EQ(next("daily 09:00", "Europe/Berlin", "2026-03-28T08:00:00Z"), "2026-03-29T07:00:00Z");
  EXPECT_EQ(next("daily 01:59", "Europe/Berlin", "2026-03-28T12:00:00Z"), "2026-03-29T00:59:00Z");
}

TEST(NextRunAfter, BerlinFallBackRunsARepeatedTimeOnceAtItsFirstOccurrence) {
  // 25 October 2026: 03:00 CEST becomes 02:00 CET (01:00Z); 02:30 happens twice.
  EXPECT_EQ(next("daily 02:30", "Europe/Berlin", "2026-10-24T12:00:00Z"), "2026-10-25T00:30:00Z");
  EXPECT_EQ(next("daily 02:30", "Europe/Berlin", "2026-10-25T00:30:00Z"), "2026-10-26T01:30:00Z");
  // From inside the repeated hour, the second 02:30 is not a run either.
  EXPECT_EQ(next("daily 02:30", "Europe/Berlin", "2026-10-25T01:10:00Z"), "2026-10-26T01:30:00Z");
}

TEST(NextRunAfter, BerlinFallBackMovesATimeOutsideTheOverlapByTheOffsetOnly) {
  EXPECT_EQ(next("daily 09:00", "Europe/Berlin", "2026-10-24T08:00:00Z"), "2026-10-25T08:00:00Z");
  EXPECT_EQ(next("daily 01:30", "Europe/Berlin", "2026-10-24T12:00:00Z"), "2026-10-24T23:30:00Z");
}

TEST(NextRunAfter, NewYorkSpringForwardRunsATimeInTheGapAtItsEnd) {
  // 8 March 2026: 02:00 EST becomes 03:00 EDT (07:00Z).
  EXPECT_EQ(next("daily 02:30", "America/New_York", "2026-03-07T12:00:00Z"),
            "2026-03-08T07:00:00Z");
  EXPECT_EQ(next("daily 02:30", "America/New_York", "2026-03-08T07:00:00Z"),
            "2026-03-09T06:30:00Z");
  EXPECT_EQ(next("daily 09:00", "America/New_York", "2026-03-07T12:00:00Z"),
            "2026-03-07T14:00:00Z");
  EXPECT_EQ(next("daily 09:00", "America/New_York", "2026-03-07T14:00:00Z"),
            "2026-03-08T13:00:00Z");
}

TEST(NextRunAfter, NewYorkFallBackRunsARepeatedTimeOnceAtItsFirstOccurrence) {
  // 1 November 2026: 02:00 EDT becomes 01:00 EST (06:00Z); 01:30 happens twice.
  EXPECT_EQ(next("daily 01:30", "America/New_York", "2026-10-31T12:00:00Z"),
            "2026-11-01T05:30:00Z");
  EXPECT_EQ(next("daily 01:30", "America/New_York", "2026-11-01T05:30:00Z"),
            "2026-11-02T06:30:00Z");
  EXPECT_EQ(next("daily 09:00", "America/New_York", "2026-10-31T12:00:00Z"),
            "2026-10-31T13:00:00Z");
  EXPECT_EQ(next("daily 09:00", "America/New_York", "2026-10-31T13:00:00Z"),
            "2026-11-01T14:00:00Z");
}

// --- The run that is due --------------------------------------------------------------

TEST(DueRun, AfterADowntimeOfThreePeriodsOnlyTheLatestRunIsDue) {
  const auto daily = rule("daily 09:00");
  EXPECT_EQ(due_run(daily, at("2026-03-01T09:00:00Z"), at("2026-03-04T10:00:00Z")),
            at("2026-03-04T09:00:00Z"));
  const auto weekly = rule("weekly mon 09:00", "Europe/Berlin");
  EXPECT_EQ(due_run(weekly, at("2026-03-02T08:00:00Z"), at("2026-03-24T12:00:00Z")),
            at("2026-03-23T08:00:00Z"));
  const auto monthly = rule("monthly 31 18:30");
  EXPECT_EQ(due_run(monthly, at("2026-01-31T18:30:00Z"), at("2026-04-30T19:00:00Z")),
            at("2026-04-30T18:30:00Z"));
}

TEST(DueRun, NothingIsDueWithoutADowntime) {
  const auto daily = rule("daily 09:00");
  EXPECT_EQ(due_run(daily, at("2026-03-04T09:00:00Z"), at("2026-03-04T20:00:00Z")), std::nullopt);
  EXPECT_EQ(due_run(daily, at("2026-03-04T09:00:00Z"), at("2026-03-05T08:59:59Z")), std::nullopt);
  const auto weekly = rule("weekly mon 09:00", "Europe/Moscow");
  EXPECT_EQ(due_run(weekly, at("2026-03-10T00:00:00Z"), at("2026-03-16T05:59:59Z")), std::nullopt);
}

TEST(DueRun, ARunIsDueFromItsInstantOn) {
  const auto daily = rule("daily 09:00");
  EXPECT_EQ(due_run(daily, at("2026-03-04T09:00:00Z"), at("2026-03-05T09:00:00Z")),
            at("2026-03-05T09:00:00Z"));
  // A definition created after today's time waits for tomorrow's.
  EXPECT_EQ(due_run(daily, at("2026-03-05T10:00:00Z"), at("2026-03-05T23:00:00Z")), std::nullopt);
  const auto weekly = rule("weekly mon 09:00", "Europe/Moscow");
  EXPECT_EQ(due_run(weekly, at("2026-03-10T00:00:00Z"), at("2026-03-16T06:00:00Z")),
            at("2026-03-16T06:00:00Z"));
}

TEST(DueRun, ARepeatedLocalTimeIsDueOnceOnAFallBackDay) {
  const auto daily = rule("daily 01:30", "America/New_York");
  EXPECT_EQ(due_run(daily, at("2026-10-31T05:30:00Z"), at("2026-11-01T05:45:00Z")),
            at("2026-11-01T05:30:00Z"));
  EXPECT_EQ(due_run(daily, at("2026-11-01T05:30:00Z"), at("2026-11-01T06:45:00Z")), std::nullopt);
}

TEST(DueRun, ATimeInASpringForwardGapIsDueAtTheGapsEnd) {
  const auto daily = rule("daily 02:30", "Europe/Berlin");
  EXPECT_EQ(due_run(daily, at("2026-03-28T01:30:00Z"), at("2026-03-29T00:59:59Z")), std::nullopt);
  EXPECT_EQ(due_run(daily, at("2026-03-28T01:30:00Z"), at("2026-03-29T01:00:00Z")),
            at("2026-03-29T01:00:00Z"));
}

TEST(DueRun, AFallBackAcrossMidnightCanMakeTheNextLocalDaysRunDue) {
  // Goose Bay went back from 00:01 ADT on 2 November 2008 to 23:01 AST on 1 November
  // (03:01Z). At 03:30Z the clocks read 1 November 23:29 again, yet 2 November 00:00 has
  // passed, at 03:00Z.
  const auto midnight = rule("daily 00:00", "America/Goose_Bay");
  EXPECT_EQ(due_run(midnight, at("2008-11-01T03:00:00Z"), at("2008-11-02T03:30:00Z")),
            at("2008-11-02T03:00:00Z"));
  EXPECT_EQ(next_run_after(midnight, at("2008-11-02T03:00:00Z")), at("2008-11-03T04:00:00Z"));
}

// --- How far a first run looks back ---------------------------------------------------

TEST(PeriodOf, IsADayAWeekOrTheMonthBefore) {
  EXPECT_EQ(period_of(rule("daily 09:00"), at("2026-03-29T09:00:00Z")), days(1));
  EXPECT_EQ(period_of(rule("weekly mon 09:00"), at("2026-03-30T09:00:00Z")), days(7));
  EXPECT_EQ(period_of(rule("monthly 1 09:00"), at("2026-03-01T09:00:00Z")), days(28));
  EXPECT_EQ(period_of(rule("monthly 1 09:00"), at("2028-03-01T09:00:00Z")), days(29));
  EXPECT_EQ(period_of(rule("monthly 1 09:00"), at("2026-05-01T09:00:00Z")), days(30));
  EXPECT_EQ(period_of(rule("monthly 31 09:00"), at("2026-01-31T09:00:00Z")), days(31));
}

TEST(PeriodOf, TheMonthIsTheOneOnTheRulesClocks) {
  // 22:00Z on 28 February is 1 March in Moscow: the month before is February there and
  // January in UTC.
  EXPECT_EQ(period_of(rule("monthly 1 01:00", "Europe/Moscow"), at("2026-02-28T22:00:00Z")),
            days(28));
  EXPECT_EQ(period_of(rule("monthly 1 01:00", "UTC"), at("2026-02-28T22:00:00Z")), days(31));
}

TEST(LocalTime, TheDateAndTimeAreThoseOfTheRulesZoneWithItsOffset) {
  const auto berlin = rule("weekly mon 09:00", "Europe/Berlin");
  EXPECT_EQ(format_local_time(berlin, at("2026-03-23T08:00:00Z")), "2026-03-23 09:00 +01:00");
  EXPECT_EQ(format_local_time(berlin, at("2026-03-30T07:00:00Z")), "2026-03-30 09:00 +02:00");
  EXPECT_EQ(format_local_time(rule("daily 09:00", "America/New_York"), at("2026-12-07T03:30:00Z")),
            "2026-12-06 22:30 -05:00");
  EXPECT_EQ(local_date(rule("daily 09:00", "Asia/Tokyo"), at("2026-12-06T20:00:00Z")),
            std::chrono::year_month_day(std::chrono::year(2026) / std::chrono::December / 7));
}

}  // namespace
}  // namespace communique
