#include "digest/digest_builder.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace communique {
namespace {

using communique::testing::fixed_time;

constexpr SectionId kNews = 10;
constexpr SectionId kStatements = 11;
constexpr SectionId kTravel = 12;

class DigestBuilderTest : public ::testing::Test {
 protected:
  DigestBuilderTest() {
    list_.id = 3;
    list_.name = "press";
    list_.title = "Press releases";
    sections_ = {
        {kNews, 3, "News", 0}, {kStatements, 3, "Statements", 1}, {kTravel, 3, "Travel", 2}};
    digest_.id = 7;
    digest_.list_id = 3;
    digest_.name = "weekly";
    digest_.rule = *parse_schedule_rule("weekly mon 09:00", "Europe/Moscow");
  }

  // A published post numbered `id`, published `minutes` after the fixed time.
  Post post(PostId id, SectionId section, int minutes) {
    Post made;
    made.id = id;
    made.list_id = 3;
    made.section_id = section;
    made.title = "Post " + std::to_string(id);
    made.status = PostStatus::published;
    made.published_at = fixed_time(minutes * 60);
    made.published_seq = id;
    return made;
  }

  Issue build(const std::vector<Post>& posts) {
    return build_digest(digest_, list_, sections_, posts, fixed_time());
  }

  MailingList list_;
  std::vector<Section> sections_;
  DigestDefinition digest_;
};

TEST_F(DigestBuilderTest, OrdersPostsByTheDefinitionsSectionsThenByPublishedTime) {
  digest_.sections = {kStatements, kNews};
  // Numbered in another order than their times say: time decides inside a section.
  const auto issue = build({post(1, kNews, 30), post(2, kStatements, 50), post(3, kNews, 10),
                            post(4, kStatements, 20), post(5, kTravel, 0)});
  EXPECT_EQ(issue.posts, (std::vector<PostId>{4, 2, 3, 1}));  // Travel is not shown
}

TEST_F(DigestBuilderTest, WithoutSectionsItFollowsTheListsOrder) {
  const auto issue = build({post(1, kTravel, 0), post(2, kStatements, 0), post(3, kNews, 5)});
  EXPECT_EQ(issue.posts, (std::vector<PostId>{3, 2, 1}));
}

TEST_F(DigestBuilderTest, MaxPerSectionKeepsTheNewestOfEachSection) {
  digest_.max_per_section = 2;
  const auto issue =
      build({post(1, kNews, 10), post(2, kNews, 20), post(3, kNews, 30), post(4, kStatements, 5)});
  EXPECT_EQ(issue.posts, (std::vector<PostId>{2, 3, 4}));
}

TEST_F(DigestBuilderTest, TranslationsAreNotListedApartFromTheirOriginal) {
  Post translation = post(2, kNews, 11);
  translation.translation_of = 1;
  translation.language = "ru";
  const auto issue = build({post(1, kNews, 10), translation});
  EXPECT_EQ(issue.posts, std::vector<PostId>{1});
}

TEST_F(DigestBuilderTest, TheDefaultSubjectIsTheListsTitleAndTheDateInTheDigestsZone) {
  // 2026-11-29T22:30Z is already 30 November in Moscow (UTC+3).
  const Timestamp late_evening_utc = fixed_time(15 * 3600 + 24 * 60 + 13);
  auto issue = build_digest(digest_, list_, sections_, std::vector<Post>{post(1, kNews, 0)},
                            late_evening_utc);
  EXPECT_EQ(issue.subject, "Press releases: 30 November 2026");
  ASSERT_TRUE(issue.edition_date);
  EXPECT_EQ(*issue.edition_date,
            std::chrono::year_month_day(std::chrono::year(2026) / std::chrono::November / 30));
  digest_.subject = "This week at the embassy";
  EXPECT_EQ(build({post(1, kNews, 0)}).subject, "This week at the embassy");
}

TEST_F(DigestBuilderTest, TheIssueIsADigestOfTheListForTheCadenceOfItsRule) {
  digest_.excerpt_words = 120;
  digest_.template_name = "press";
  const auto issue = build({post(1, kNews, 0)});
  EXPECT_EQ(issue.kind, IssueKind::digest);
  EXPECT_EQ(issue.status, IssueStatus::draft);
  EXPECT_EQ(issue.lists, std::vector<ListId>{3});
  EXPECT_EQ(issue.cadence, Cadence::weekly);
  EXPECT_EQ(issue.digest_id, 7);
  EXPECT_EQ(issue.excerpt_words, 120);
  EXPECT_EQ(issue.template_name, "press");
}

TEST_F(DigestBuilderTest, NothingCollectedMakesAnIssueWithoutPosts) {
  EXPECT_TRUE(build({}).posts.empty());
}

}  // namespace
}  // namespace communique
