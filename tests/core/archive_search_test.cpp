#include "core/archive_search.hpp"

#include <gtest/gtest.h>

#include "base/text.hpp"

namespace communique {
namespace {

TEST(ArchiveSearchTest, AQueryIsItsWordsWithoutThoseThatHaveNoLetterOrDigit) {
  auto words = parse_search_words("  press  \"release\" * NEAR( -- мир ");
  ASSERT_TRUE(words);
  EXPECT_EQ(*words, (std::vector<std::string>{"press", "\"release\"", "NEAR(", "мир"}));
}

TEST(ArchiveSearchTest, AQueryWithNothingToSearchForSaysWhatToType) {
  for (const auto* text : {"", "   ", "*", "\"", "( ) - ^"}) {
    auto words = parse_search_words(text);
    ASSERT_FALSE(words) << text;
    EXPECT_NE(words.error().message.find("Type a word"), std::string::npos);
  }
}

TEST(ArchiveSearchTest, ALongQueryIsRefused) {
  auto words = parse_search_words(std::string(kMaxSearchLength + 1, 'a'));
  ASSERT_FALSE(words);
  EXPECT_NE(words.error().message.find("too long"), std::string::npos);
  EXPECT_TRUE(parse_search_words(std::string(kMaxSearchLength, 'a')));
}

TEST(ArchiveSearchTest, ACursorReadsBackAsWritten) {
  const ArchiveCursor cursor{Timestamp{std::chrono::seconds{1733200000}}, ArchiveHitKind::issue,
                             12};
  EXPECT_EQ(format_archive_cursor(cursor), "1733200000-issue-12");
  const auto read = parse_archive_cursor("1733200000-issue-12");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->at, cursor.at);
  EXPECT_EQ(read->kind, ArchiveHitKind::issue);
  EXPECT_EQ(read->id, 12);
  for (const auto* bad : {"", "1-post", "x-post-1", "1-page-1", "1-post-1x", "-1-post-1"}) {
    EXPECT_FALSE(parse_archive_cursor(bad)) << bad;
  }
}

TEST(ArchiveSearchTest, ControlCharactersSeparateWordsAndInvalidTextIsRefused) {
  auto words = parse_search_words(std::string("abc\0def\x01ghi", 11));
  ASSERT_TRUE(words);
  EXPECT_EQ(*words, (std::vector<std::string>{"abc", "def", "ghi"}));
  auto unreadable = parse_search_words("caf\xC3");
  ASSERT_FALSE(unreadable);
  EXPECT_EQ(unreadable.error().code, ErrorCode::invalid_input);
}

TEST(ArchiveExcerpt, MarksTheWordsAroundTheirFirstAppearanceInAShortWindow) {
  const std::string text =
      std::string(500, 'x') + " The Minister met the minister of trade. " + std::string(500, 'y');
  const std::string excerpt = archive_excerpt(text, {"minister"});
  EXPECT_NE(excerpt.find(std::string(1, kMatchStart) + "Minister" + kMatchEnd), std::string::npos)
      << excerpt;
  EXPECT_NE(excerpt.find(std::string(1, kMatchStart) + "minister" + kMatchEnd), std::string::npos);
  EXPECT_LE(excerpt.size(), 220u);
  EXPECT_TRUE(excerpt.starts_with("\u2026")) << excerpt;
  EXPECT_TRUE(excerpt.ends_with("\u2026")) << excerpt;
}

TEST(ArchiveExcerpt, AWordRepeatedThroughAHugeTextGivesAShortExcerpt) {
  std::string text;
  while (text.size() < 1024 * 1024) {
    text += "lorem ipsum dolor bigword ";
  }
  const std::string excerpt = archive_excerpt(text, {"lorem", "bigword"});
  EXPECT_LE(excerpt.size(), 220u + 40u * 2);  // the text, its markers, an ellipsis
  EXPECT_TRUE(excerpt.starts_with(std::string(1, kMatchStart) + "lorem" + kMatchEnd));
}

TEST(ArchiveExcerpt, NeverCutsInsideACharacterAndShowsTheStartWhenNothingMatches) {
  std::string text;
  while (text.size() < 600) {
    text += "Встреча с министром ";
  }
  const std::string excerpt = archive_excerpt(text, {"absent"});
  EXPECT_TRUE(is_valid_utf8(excerpt)) << excerpt;
  EXPECT_TRUE(excerpt.starts_with("Встреча")) << excerpt;
  EXPECT_EQ(excerpt.find(kMatchStart), std::string::npos);
  const std::string russian = archive_excerpt(text, {"министром"});
  EXPECT_TRUE(is_valid_utf8(russian)) << russian;
  EXPECT_NE(russian.find(std::string(1, kMatchStart) + "министром" + kMatchEnd), std::string::npos);
}

}  // namespace
}  // namespace communique
