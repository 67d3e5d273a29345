#include "core/subscriber.hpp"

#include <gtest/gtest.h>

#include "core/issue.hpp"
#include "core/mailing_list.hpp"
#include "core/time.hpp"

namespace communique {
namespace {

std::string language(std::string_view tag) {
  auto normalised = normalise_language(tag);
  return normalised ? *normalised : "error";
}

TEST(Language, NormalisesBcp47Shapes) {
  EXPECT_EQ(language("EN"), "en");
  EXPECT_EQ(language("pt_br"), "pt-BR");
  EXPECT_EQ(language("zh-hant-tw"), "zh-Hant-TW");
  EXPECT_EQ(language(""), "");
  EXPECT_EQ(language(" ru "), "ru");
}

TEST(Language, RejectsWhatIsNotATag) {
  EXPECT_EQ(language("english language"), "error");
  EXPECT_EQ(language("e"), "error");
  EXPECT_EQ(language("en-"), "error");
  EXPECT_EQ(language("12"), "error");
  EXPECT_EQ(language("en-toolongsubtag"), "error");
}

TEST(DisplayName, TrimsAndRefusesControlCharacters) {
  auto name = validate_display_name("  Ann Smith ");
  ASSERT_TRUE(name);
  EXPECT_EQ(*name, "Ann Smith");
  EXPECT_FALSE(validate_display_name("Ann\r\nBcc: x@y.org"));
  EXPECT_FALSE(validate_display_name("bad \xC3"));
  EXPECT_FALSE(validate_display_name(std::string(201, 'x')));
  EXPECT_TRUE(validate_display_name(std::string(200, 'x')));
}

TEST(Names, ListNamesAreCheckedAndTrimmed) {
  auto name = validate_name("  press  ", "list name");
  ASSERT_TRUE(name);
  EXPECT_EQ(*name, "press");
  auto empty = validate_name("   ", "list name");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message, "the list name is empty");
  EXPECT_FALSE(validate_name("a\tb", "list name"));
}

TEST(Names, AListTitleIsCheckedLikeANameButMayBeEmpty) {
  EXPECT_EQ(*validate_title("  Press releases "), "Press releases");
  EXPECT_EQ(*validate_title("   "), "");
  auto control = validate_title("Press\nBcc: x@y.org");
  ASSERT_FALSE(control);
  EXPECT_EQ(control.error().message, "the list title contains invalid or control characters");
  EXPECT_FALSE(validate_title(std::string(101, 'x')));
  EXPECT_TRUE(validate_title(std::string(100, 'x')));
  // Characters that reorder or break what a reader sees: C1 controls, separators, bidi.
  for (const auto* hidden :
       {"a\u0085b", "a\u2028b", "a\u2029b", "a\u202Eb", "a\u2066b", "a\u200Fb"}) {
    EXPECT_FALSE(validate_title(hidden)) << hidden;
  }
  EXPECT_TRUE(validate_title("Пресс-релизы \u2014 «Неделя»"));
  EXPECT_TRUE(validate_title("\u05D7\u05D3\u05E9\u05D5\u05EA"));  // Hebrew, right to left
}

TEST(Names, ADescriptionIsOneLineOfTextOrNothing) {
  EXPECT_EQ(*validate_description("  Statements and briefings "), "Statements and briefings");
  EXPECT_EQ(*validate_description(""), "");
  for (const std::string& bad :
       std::vector<std::string>{"two\nlines", "a\rb", "bidi \u202E", std::string("nul\0x", 5)}) {
    auto refused = validate_description(bad);
    ASSERT_FALSE(refused) << bad;
    EXPECT_EQ(refused.error().message,
              "the description must be one line without control characters");
  }
  EXPECT_FALSE(validate_description(std::string(501, 'x')));
  EXPECT_TRUE(validate_description(std::string(500, 'x')));
}

TEST(Names, AListIsShownByItsTitleOrElseItsName) {
  MailingList list{.name = "press"};
  EXPECT_EQ(list.display_name(), "press");
  list.title = "Press releases";
  EXPECT_EQ(list.display_name(), "Press releases");
  Subscription subscription{.list_name = "press"};
  EXPECT_EQ(subscription.list_display_name(), "press");
  subscription.list_title = "Press releases";
  EXPECT_EQ(subscription.list_display_name(), "Press releases");
}

TEST(Enums, RoundTripThroughText) {
  for (auto status : {SubscriptionStatus::unconfirmed, SubscriptionStatus::confirmed,
                      SubscriptionStatus::unsubscribed}) {
    EXPECT_EQ(parse_subscription_status(to_string(status)), status);
  }
  for (auto status : {SubscriberStatus::enabled, SubscriberStatus::blocklisted}) {
    EXPECT_EQ(parse_subscriber_status(to_string(status)), status);
  }
  EXPECT_EQ(parse_opt_in("double"), OptIn::double_opt_in);
  EXPECT_EQ(parse_opt_in("triple"), std::nullopt);
  EXPECT_EQ(parse_visibility("private"), ListVisibility::private_list);
}

TEST(Time, FormatsIso8601Utc) {
  EXPECT_EQ(format_iso8601(Timestamp(std::chrono::seconds(0))), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_iso8601(Timestamp(std::chrono::seconds(1795935947))), "2026-11-29T07:05:47Z");
}

TEST(DayNumber, CountsWholeUtcDaysFromTheEpoch) {
  EXPECT_EQ(day_number(Timestamp{}), 0u);
  EXPECT_EQ(day_number(Timestamp{std::chrono::seconds(86'399)}), 0u);
  EXPECT_EQ(day_number(Timestamp{std::chrono::seconds(86'400)}), 1u);
  // 2000-03-01, past a century's leap day, and 2026-12-03 at the last second of the day.
  EXPECT_EQ(day_number(*parse_iso8601("2000-03-01")), 11'017u);
  EXPECT_EQ(day_number(*parse_iso8601("2026-12-03T23:59:59Z")), 20'790u);
  EXPECT_EQ(day_number(*parse_iso8601("2026-12-04T00:00:00Z")), 20'791u);
}

TEST(Time, ParsesIso8601AndDurations) {
  EXPECT_EQ(parse_iso8601("2026-11-29T07:05:47Z"), Timestamp(std::chrono::seconds(1795935947)));
  EXPECT_EQ(parse_iso8601("2026-11-29T09:05:47+02:00"),
            Timestamp(std::chrono::seconds(1795935947)));
  EXPECT_EQ(parse_iso8601("2026-11-29 07:05"), Timestamp(std::chrono::seconds(1795935900)));
  EXPECT_EQ(parse_iso8601("2026-11-29"), Timestamp(std::chrono::seconds(1795910400)));
  EXPECT_FALSE(parse_iso8601("2026-02-30T10:00Z"));
  EXPECT_FALSE(parse_iso8601("tomorrow"));
  EXPECT_FALSE(parse_iso8601("2026-11-29T25:00Z"));
  EXPECT_EQ(parse_duration("90s"), std::chrono::seconds(90));
  EXPECT_EQ(parse_duration("2h"), std::chrono::seconds(7200));
  EXPECT_EQ(parse_duration("3d"), std::chrono::seconds(3 * 86400));
  EXPECT_FALSE(parse_duration("3 days"));
  EXPECT_FALSE(parse_duration("h"));
}

TEST(Time, ParsesACalendarDayAndNothingElse) {
  using namespace std::chrono;
  EXPECT_EQ(parse_date("2030-01-15"), year_month_day(year(2030), January, day(15)));
  EXPECT_EQ(parse_date("2028-02-29"), year_month_day(year(2028), February, day(29)));
  EXPECT_FALSE(parse_date("2026-02-29"));  // not a leap year
  EXPECT_FALSE(parse_date("2026-02-30"));
  EXPECT_FALSE(parse_date("2026-13-01"));
  EXPECT_FALSE(parse_date("2026-1-15"));
  EXPECT_FALSE(parse_date("2030-01-15T10:00Z"));
  EXPECT_FALSE(parse_date(""));
  EXPECT_EQ(format_date(year_month_day(year(2030), January, day(5))), "2030-01-05");
  EXPECT_EQ(human_date(year_month_day(year(2030), January, day(15))), "15 January 2030");
}

std::string edition_error(std::string_view text) {
  auto parsed = parse_edition_date(text);
  return parsed ? "accepted" : parsed.error().message;
}

TEST(EditionDate, IsNoneWhenEmptyAndADayOfTheCalendarOtherwise) {
  using namespace std::chrono;
  auto none = parse_edition_date("");
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  auto dated = parse_edition_date("2030-01-15");
  ASSERT_TRUE(dated);
  EXPECT_EQ(*dated, year_month_day(year(2030), January, day(15)));
}

TEST(EditionDate, RefusalNamesTheFieldAndWhatIsWrong) {
  EXPECT_EQ(edition_error("0000-01-01"),
            "date: 0000-01-01 is before 1900; write the edition date as, for example, 2030-01-15");
  EXPECT_EQ(edition_error("2026-02-30"),
            "date: '2026-02-30' is not a day of the calendar: February 2026 has 28 days");
  EXPECT_EQ(edition_error("2028-02-30"),
            "date: '2028-02-30' is not a day of the calendar: February 2028 has 29 days");
  EXPECT_EQ(edition_error("2026-13-01"),
            "date: '2026-13-01' has no month 13; months are 01 to 12 (YYYY-MM-DD)");
  EXPECT_EQ(edition_error("15/01/2030"),
            "date: '15/01/2030' is not written YYYY-MM-DD; write the edition date as, for "
            "example, 2030-01-15 (or leave it empty for the day letters are made)");
  EXPECT_TRUE(edition_error("2030-1--15").starts_with("date: '2030-1--15' is not written"));
  EXPECT_TRUE(edition_error(std::string(5000, 'x')).starts_with("date: the text given is not"));
  EXPECT_EQ(parse_edition_date("2026-02-30").error().code, ErrorCode::invalid_input);
}

TEST(EditionDate, TheMastheadShowsItElseTheDayLettersAreMade) {
  using namespace std::chrono;
  Issue issue;
  const auto made = *parse_iso8601("2026-12-03T23:59:59Z");
  EXPECT_EQ(masthead_day(issue, made), year_month_day(year(2026), December, day(3)));
  issue.edition_date = year_month_day(year(2030), January, day(15));
  EXPECT_EQ(masthead_day(issue, made), year_month_day(year(2030), January, day(15)));
}

}  // namespace
}  // namespace communique
