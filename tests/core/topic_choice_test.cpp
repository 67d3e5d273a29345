#include "core/topic_choice.hpp"

#include <gtest/gtest.h>

namespace communique {
namespace {

class TopicChoiceTest : public ::testing::Test {
 protected:
  std::vector<MailingList> lists_{MailingList{.id = 1, .name = "press"},
                                  MailingList{.id = 2, .name = "digest"}};
  std::vector<Topic> topics_{{.id = 10, .list_id = 1, .name = "Sport"},
                             {.id = 11, .list_id = 1, .name = "Arts"},
                             {.id = 20, .list_id = 2, .name = "sport"}};

  Result<std::vector<TopicId>> resolve(std::vector<TopicReference> references) {
    return resolve_topics(lists_, topics_, references, "--topic");
  }
};

TEST_F(TopicChoiceTest, NamesIgnoreCaseAndEachTopicIsReturnedOnceInTheOrderNamed) {
  auto ids = resolve({std::string("ARTS"), TopicId{10}, std::string("arts")});
  ASSERT_TRUE(ids) << ids.error().message;
  EXPECT_EQ(*ids, (std::vector<TopicId>{11, 10}));
}

TEST_F(TopicChoiceTest, ANameOnSeveralListsIsAmbiguousUnlessItsListIsNamed) {
  auto ambiguous = resolve({std::string("sport")});
  ASSERT_FALSE(ambiguous);
  EXPECT_EQ(ambiguous.error().message,
            "--topic: topic 'sport' is on several lists and so is ambiguous; name one as "
            "press/Sport or digest/sport");
  auto qualified = resolve({std::string("Digest/SPORT")});
  ASSERT_TRUE(qualified) << qualified.error().message;
  EXPECT_EQ(*qualified, std::vector<TopicId>{20});
}

TEST_F(TopicChoiceTest, AnUnknownNameOrIdSaysWhichTopicsThereAre) {
  auto unknown = resolve({std::string("weather")});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message,
            "--topic: no topic 'weather' on these lists; topics there are press: Sport, Arts; "
            "digest: sport");
  auto elsewhere = resolve_topics(std::span(lists_).first(1), std::span(topics_).first(2),
                                  std::vector<TopicReference>{TopicId{20}}, "topics");
  ASSERT_FALSE(elsewhere);
  EXPECT_EQ(elsewhere.error().message,
            "topics: topic 20 is not a topic of the list; topics there are press: Sport, Arts");
}

TEST_F(TopicChoiceTest, ACellOfNamesIsSplitAtSemicolonsAndTrimmed) {
  EXPECT_EQ(split_topic_names(" sport ;; arts;"), (std::vector<std::string>{"sport", "arts"}));
  EXPECT_TRUE(split_topic_names(" ").empty());
}

}  // namespace
}  // namespace communique
