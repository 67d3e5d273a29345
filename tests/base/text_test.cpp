#include "base/text.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace communique {
namespace {

TEST(Utf8, AcceptsAsciiAndMultibyte) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain"));
  EXPECT_TRUE(is_valid_utf8("Zoë Ångström — 東京 🎉"));
}

TEST(Utf8, RejectsMalformedSequences) {
  EXPECT_FALSE(is_valid_utf8("\xC3"));              // truncated
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // UTF-16 surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xFF"));
  EXPECT_FALSE(is_valid_utf8("ok\x80"));  // lone continuation byte
}

TEST(Utf8, WellFormedReplacesEachBadByteAndKeepsTheRest) {
  EXPECT_EQ(well_formed_utf8("Zoë"), "Zoë");
  EXPECT_EQ(well_formed_utf8("Empf\xE4nger"), "Empf\uFFFDnger");
  EXPECT_EQ(well_formed_utf8("a\xC0\xAF"), "a\uFFFD\uFFFD");  // overlong: two bad bytes
  EXPECT_EQ(well_formed_utf8("\xED\xA0\x80"), "\uFFFD\uFFFD\uFFFD");
  EXPECT_TRUE(
      is_valid_utf8(well_formed_utf8("us\xFF\xFE"
                                     "er@example.org")));
}

TEST(Text, IsAsciiIsFalseForAnyByteAbove127) {
  EXPECT_TRUE(is_ascii(""));
  EXPECT_TRUE(is_ascii("reader@example.org\x7f"));
  EXPECT_FALSE(is_ascii("читатель@example.org"));
  EXPECT_FALSE(is_ascii("\x80"));
}

TEST(Text, LowerTrimPrefix) {
  EXPECT_EQ(ascii_lower("MiXeD Ä"), "mixed Ä");
  EXPECT_EQ(trim("  \tword \t"), "word");
  EXPECT_EQ(trim("   "), "");
  EXPECT_TRUE(starts_with_ignoring_case("Content-Type: x", "content-type"));
  EXPECT_FALSE(starts_with_ignoring_case("Cont", "content"));
  EXPECT_TRUE(equals_ignoring_case("Cache-Control", "cache-control"));
  EXPECT_FALSE(equals_ignoring_case("Cache-Control", "cache-control2"));
  EXPECT_FALSE(equals_ignoring_case("\xC4", "\xE4"));  // only ASCII letters fold
}

}  // namespace
}  // namespace communique

namespace communique {
namespace {

TEST(Text, ParseIntegerReadsWholeNumbersOnly) {
  EXPECT_EQ(parse_integer("42"), 42);
  EXPECT_EQ(parse_integer("-7"), -7);
  EXPECT_EQ(parse_integer("9223372036854775807"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(parse_integer(""), std::nullopt);
  EXPECT_EQ(parse_integer("x"), std::nullopt);
  EXPECT_EQ(parse_integer("12x"), std::nullopt);
  EXPECT_EQ(parse_integer(" 12"), std::nullopt);
  EXPECT_EQ(parse_integer("+12"), std::nullopt);
  EXPECT_EQ(parse_integer("1.5"), std::nullopt);
  EXPECT_EQ(parse_integer("9223372036854775808"), std::nullopt);  // does not fit
}

TEST(Text, JoinAsListReadsAsEnglish) {
  EXPECT_EQ(join_as_list({}), "");
  EXPECT_EQ(join_as_list({"Weekly"}), "Weekly");
  EXPECT_EQ(join_as_list({"Weekly", "Alerts"}), "Weekly and Alerts");
  EXPECT_EQ(join_as_list({"A", "B", "C"}), "A, B and C");
}

TEST(Text, EndSentenceAddsOneFullStop) {
  EXPECT_EQ(end_sentence("News from the Embassy"), "News from the Embassy.");
  EXPECT_EQ(end_sentence("News from the Embassy to the U.S."), "News from the Embassy to the U.S.");
  EXPECT_EQ(end_sentence("Really?"), "Really?");
  EXPECT_EQ(end_sentence("And so\u2026"), "And so\u2026");
  EXPECT_EQ(end_sentence(""), ".");
}

TEST(Text, ShortenKeepsWhatFitsAndCutsAtAWordWithAnEllipsis) {
  EXPECT_EQ(shorten("Meeting with the Minister", 25), "Meeting with the Minister");
  EXPECT_EQ(shorten("Meeting with the Minister", 20), "Meeting with the\u2026");
  EXPECT_EQ(shorten("Встреча с министром", 12), "Встреча с\u2026");  // counts characters
  EXPECT_EQ(code_points(shorten("Встреча с министром", 12)), 10u);
  EXPECT_EQ(shorten("Supercalifragilistic", 6), "Super\u2026");  // no space: within the word
  EXPECT_EQ(shorten("anything", 0), "");
}

}  // namespace
}  // namespace communique
