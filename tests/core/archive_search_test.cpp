#include "core/archive_search.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace communique
