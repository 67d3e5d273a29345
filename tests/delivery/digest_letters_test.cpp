#include "delivery/digest_letters.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace communique {
namespace {

using communique::testing::fixed_time;

// A digest of `items` one-line posts, each in a topic of its own (topic id = post id).
PreparedIssue digest_of(int items) {
  Issue issue{.id = 5, .kind = IssueKind::digest, .subject = "Digest"};
  auto templates = load_letter_templates("default", {}, IssueKind::digest);
  auto prepared = prepare_issue(issue, MailingList{.id = 1, .name = "press"}, *templates);
  DigestPosts source;
  for (int i = 1; i <= items; ++i) {
    source.posts.push_back(Post{.id = i,
                                .section_name = "News",
                                .slug = "post-" + std::to_string(i),
                                .title = "Post " + std::to_string(i),
                                .body = "Body " + std::to_string(i),
                                .topics = {i}});
  }
  prepared->digest = std::make_shared<const DigestContent>(*prepare_digest_content(source));
  return std::move(*prepared);
}

LetterComposer composer() {
  return LetterComposer(SenderIdentity{.organisation = "Press",
                                       .from_address = "p@example.org",
                                       .base_url = "https://example.org"},
                        *LinkSigner::create(std::string(64, 'k')), {});
}

TEST(DigestLetters, ReadersWithTheSameSelectionShareOnePlannedLetter) {
  const auto base = digest_of(3);
  const auto letters_composer = composer();
  DigestLetters letters(letters_composer);
  const TopicId one[] = {1};
  const TopicId two[] = {2};
  const auto first =
      letters.letter(base, select_digest_items(*base.digest, one, {}, "en"), fixed_time());
  const auto again =
      letters.letter(base, select_digest_items(*base.digest, one, {}, "de"), fixed_time());
  const auto other =
      letters.letter(base, select_digest_items(*base.digest, two, {}, "en"), fixed_time());
  EXPECT_EQ(first, again);
  EXPECT_NE(first, other);
  EXPECT_EQ(letters.made(), 2u);
  EXPECT_NE(first->plan, nullptr);  // composing it costs what a plain letter costs
  ASSERT_EQ(first->sections.size(), 1u);
  EXPECT_EQ(first->sections[0].items.size(), 1u);
}

TEST(DigestLetters, KeepsAtMostItsCapacityAndMakesADroppedOneAgain) {
  const auto base = digest_of(4);
  const auto letters_composer = composer();
  DigestLetters letters(letters_composer, 2);
  std::vector<std::shared_ptr<const PreparedIssue>> made;
  for (TopicId topic = 1; topic <= 3; ++topic) {
    const TopicId chosen[] = {topic};
    made.push_back(
        letters.letter(base, select_digest_items(*base.digest, chosen, {}, "en"), fixed_time()));
  }
  const TopicId first[] = {1};
  const auto again =
      letters.letter(base, select_digest_items(*base.digest, first, {}, "en"), fixed_time());
  EXPECT_NE(again, made[0]);  // dropped as the least recently used, then made again
  EXPECT_EQ(letters.made(), 4u);
}

TEST(DigestLetters, ANewDayMakesNewPlans) {
  const auto base = digest_of(2);
  const auto letters_composer = composer();
  DigestLetters letters(letters_composer);
  const TopicId one[] = {1};
  const auto today =
      letters.letter(base, select_digest_items(*base.digest, one, {}, "en"), fixed_time());
  const auto tomorrow =
      letters.letter(base, select_digest_items(*base.digest, one, {}, "en"), fixed_time(86400));
  EXPECT_NE(today, tomorrow);
}

}  // namespace
}  // namespace communique
