// PostStore: sections of a list and the posts in them, as the store keeps them.
#include "store/post_store.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "store/open_store.hpp"
#include "store/store.hpp"
#include "test_support.hpp"

namespace communique {
namespace {

using communique::testing::fixed_time;
using communique::testing::TempDir;

class PostStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = open_store(StoreSettings{}, dir_.path() / "data");
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    press_ = make_list("press");
  }

  MailingList make_list(const std::string& name) {
    auto list = store_->create_list(NewList{.name = name}, fixed_time());
    EXPECT_TRUE(list) << (list ? "" : list.error().message);
    return list ? *list : MailingList{};
  }

  Section section(ListId list, const std::string& name) {
    auto made = store_->create_section(list, name, fixed_time());
    EXPECT_TRUE(made) << (made ? "" : made.error().message);
    return made ? *made : Section{};
  }

  std::vector<std::string> section_names(ListId list) {
    std::vector<std::string> names;
    auto all = store_->sections(list);
    EXPECT_TRUE(all);
    if (!all) {
      return names;
    }
    for (const auto& s : *all) {
      EXPECT_EQ(s.position, static_cast<int>(names.size())) << s.name;
      names.push_back(s.name);
    }
    return names;
  }

  Post draft(const Section& in, const std::string& title) {
    Post post;
    post.list_id = in.list_id;
    post.section_id = in.id;
    post.title = title;
    post.body = "Body of " + title;
    return post;
  }

  Post add(const Section& in, const std::string& title, PostStatus status = PostStatus::published,
           std::int64_t at = 0) {
    Post post = draft(in, title);
    post.status = status;
    if (status == PostStatus::published) {
      post.published_at = fixed_time(at);
    }
    auto made = store_->create_post(post, fixed_time(at));
    EXPECT_TRUE(made) << (made ? "" : made.error().message);
    return made ? *made : Post{};
  }

  static std::vector<PostId> ids(const std::vector<Post>& posts) {
    std::vector<PostId> out;
    for (const auto& post : posts) {
      out.push_back(post.id);
    }
    return out;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  MailingList press_;
};

TEST_F(PostStoreTest, SectionsAreAppendedInOrderAndNamesAreUniqueInTheirList) {
  section(press_.id, "News");
  section(press_.id, "Statements");
  section(press_.id, "Travel");
  EXPECT_EQ(section_names(press_.id), (std::vector<std::string>{"News", "Statements", "Travel"}));
  auto twice = store_->create_section(press_.id, "news", fixed_time());
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, ErrorCode::conflict);
  // Another list may have a section of the same name.
  EXPECT_TRUE(store_->create_section(make_list("other").id, "News", fixed_time()));
  auto nowhere = store_->create_section(9999, "News", fixed_time());
  ASSERT_FALSE(nowhere);
  EXPECT_EQ(nowhere.error().code, ErrorCode::not_found);
}

TEST_F(PostStoreTest, MovingASectionRenumbersTheOthersWithoutGaps) {
  section(press_.id, "News");
  section(press_.id, "Statements");
  const auto travel = section(press_.id, "Travel");
  const auto health = section(press_.id, "Health");
  ASSERT_TRUE(store_->move_section(travel.id, 0));  // to the front
  EXPECT_EQ(section_names(press_.id),
            (std::vector<std::string>{"Travel", "News", "Statements", "Health"}));
  ASSERT_TRUE(store_->move_section(travel.id, 3));  // to the end
  EXPECT_EQ(section_names(press_.id),
            (std::vector<std::string>{"News", "Statements", "Health", "Travel"}));
  auto moved = store_->move_section(health.id, 99);  // past the end: last
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->back().name, "Health");
  EXPECT_EQ(section_names(press_.id),
            (std::vector<std::string>{"News", "Statements", "Travel", "Health"}));
  auto missing = store_->move_section(9999, 0);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
}

TEST_F(PostStoreTest, RenamingToANameTakenInTheListIsAConflict) {
  const auto news = section(press_.id, "News");
  section(press_.id, "Statements");
  auto taken = store_->rename_section(news.id, "STATEMENTS");
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, ErrorCode::conflict);
  EXPECT_NE(taken.error().message.find("named 'STATEMENTS' already"), std::string::npos);
  auto renamed = store_->rename_section(news.id, "Readouts");
  ASSERT_TRUE(renamed);
  EXPECT_EQ(renamed->name, "Readouts");
  EXPECT_EQ(renamed->position, 0);
  auto missing = store_->rename_section(9999, "X");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
}

TEST_F(PostStoreTest, ASectionInUseIsNotRemovedAndRemovalClosesTheGap) {
  section(press_.id, "News");
  const auto statements = section(press_.id, "Statements");
  section(press_.id, "Travel");
  const auto post = add(statements, "A statement");
  auto refused = store_->remove_section(statements.id);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::conflict);
  ASSERT_TRUE(store_->remove_post(post.id));
  ASSERT_TRUE(store_->remove_section(statements.id));
  EXPECT_EQ(section_names(press_.id), (std::vector<std::string>{"News", "Travel"}));
}

TEST_F(PostStoreTest, SlugsAreMadeUniqueAndATitleWithoutLatinLettersGivesPost) {
  const auto news = section(press_.id, "News");
  EXPECT_EQ(add(news, "Meeting with the Minister").slug, "meeting-with-the-minister");
  EXPECT_EQ(add(news, "Meeting with the Minister").slug, "meeting-with-the-minister-2");
  EXPECT_EQ(add(news, "Meeting with the Minister").slug, "meeting-with-the-minister-3");
  EXPECT_EQ(add(news, "Встреча с министром").slug, "post");
  EXPECT_EQ(add(news, "Брифинг").slug, "post-2");
}

TEST_F(PostStoreTest, APostIsReadBackWithItsSectionAndTopics) {
  const auto news = section(press_.id, "News");
  auto economy = store_->create_topic(press_.id, "Economy", "", fixed_time());
  auto culture = store_->create_topic(press_.id, "Culture", "", fixed_time());
  ASSERT_TRUE(economy && culture);
  Post post = draft(news, "Trade talks");
  post.language = "en";
  post.topics = {culture->id, economy->id, culture->id};  // a topic named twice is one
  auto made = store_->create_post(post, fixed_time());
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_EQ(made->status, PostStatus::draft);
  EXPECT_EQ(made->published_seq, 0);
  EXPECT_FALSE(made->published_at);
  auto found = store_->find_post(made->id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->section_name, "News");
  EXPECT_EQ(found->title, "Trade talks");
  EXPECT_EQ(found->language, "en");
  EXPECT_EQ(found->source, "local");
  EXPECT_EQ(found->topics.size(), 2u);
  auto by_slug = store_->find_post_by_slug("trade-talks");
  ASSERT_TRUE(by_slug);
  EXPECT_EQ(by_slug->id, made->id);
}

TEST_F(PostStoreTest, TopicsAndSectionsOfAnotherListAreRefusedAndNothingIsWritten) {
  const auto news = section(press_.id, "News");
  const auto other = make_list("other");
  const auto their_section = section(other.id, "Their news");
  auto their_topic = store_->create_topic(other.id, "Theirs", "", fixed_time());
  ASSERT_TRUE(their_topic);
  Post post = draft(news, "Trade talks");
  post.topics = {their_topic->id};
  auto refused = store_->create_post(post, fixed_time());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::not_found);
  Post wrong_section = draft(their_section, "Trade talks");
  wrong_section.list_id = press_.id;
  auto refused_section = store_->create_post(wrong_section, fixed_time());
  ASSERT_FALSE(refused_section);
  EXPECT_EQ(refused_section.error().code, ErrorCode::not_found);
  EXPECT_TRUE(store_->posts(PostFilter{})->empty());
  // Nor may an update move a post to another list's section or topic.
  const auto kept = add(news, "Kept");
  auto moved =
      store_->update_post(kept.id, PostChanges{.section_id = their_section.id}, fixed_time());
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().code, ErrorCode::not_found);
  auto tagged = store_->update_post(
      kept.id, PostChanges{.topics = std::vector<TopicId>{their_topic->id}}, fixed_time());
  ASSERT_FALSE(tagged);
  EXPECT_EQ(tagged.error().code, ErrorCode::not_found);
  EXPECT_EQ(store_->find_post(kept.id)->section_id, news.id);
}

TEST_F(PostStoreTest, PublishingNumbersPostsInTheOrderTheyArePublishedAndOnlyOnce) {
  const auto news = section(press_.id, "News");
  const auto first = add(news, "First", PostStatus::draft);
  const auto second = add(news, "Second");
  EXPECT_EQ(second.published_seq, 1);
  auto published = store_->publish_post(first.id, fixed_time(-3600), fixed_time(60));
  ASSERT_TRUE(published) << published.error().message;
  EXPECT_EQ(published->status, PostStatus::published);
  EXPECT_EQ(published->published_seq, 2);  // published second, though dated earlier
  EXPECT_EQ(published->published_at, fixed_time(-3600));
  auto again = store_->publish_post(first.id, fixed_time(), fixed_time(120));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
  EXPECT_EQ(store_->find_post(first.id)->published_seq, 2);
  auto missing = store_->publish_post(9999, fixed_time(), fixed_time());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
  EXPECT_EQ(*store_->last_published_seq(press_.id), 2);
  EXPECT_EQ(*store_->last_published_seq(make_list("empty").id), 0);
}

TEST_F(PostStoreTest, PublishedPostsAreCountedAfterASequenceNumberAndSinceATime) {
  const auto news = section(press_.id, "News");
  const auto old = add(news, "Old", PostStatus::published, -7 * 86400);
  const auto recent = add(news, "Recent", PostStatus::published, -3600);
  add(news, "Draft", PostStatus::draft);
  const auto newest = add(news, "Newest", PostStatus::published, 0);
  const auto other = make_list("other");
  add(section(other.id, "News"), "Elsewhere");
  EXPECT_EQ(ids(*store_->published_posts(press_.id, 0, std::nullopt)),
            (std::vector<PostId>{old.id, recent.id, newest.id}));
  EXPECT_EQ(ids(*store_->published_posts(press_.id, recent.published_seq, std::nullopt)),
            (std::vector<PostId>{newest.id}));
  EXPECT_EQ(ids(*store_->published_posts(press_.id, 0, fixed_time(-86400))),
            (std::vector<PostId>{recent.id, newest.id}));
  // The filter of `posts ls`: newest first, a page at a time.
  EXPECT_EQ(ids(*store_->posts(PostFilter{.list = press_.id, .status = PostStatus::published})),
            (std::vector<PostId>{newest.id, recent.id, old.id}));
  EXPECT_EQ(
      ids(*store_->posts(PostFilter{
          .list = press_.id, .status = PostStatus::published, .before = newest.id, .limit = 1})),
      (std::vector<PostId>{recent.id}));
  EXPECT_EQ(ids(*store_->posts(PostFilter{.list = press_.id, .since = fixed_time(-86400)})),
            (std::vector<PostId>{newest.id, recent.id}));
}

TEST_F(PostStoreTest, TranslationsPointToTheOriginalAndStayOnItsList) {
  const auto news = section(press_.id, "News");
  const auto original = add(news, "Talks");
  Post russian = draft(news, "Переговоры");
  russian.status = PostStatus::published;
  russian.translation_of = original.id;
  auto ru = store_->create_post(russian, fixed_time());
  ASSERT_TRUE(ru) << ru.error().message;
  EXPECT_EQ(ru->translation_of, original.id);
  Post french = draft(news, "Pourparlers");
  french.status = PostStatus::published;
  french.translation_of = ru->id;  // a translation of a translation
  auto fr = store_->create_post(french, fixed_time());
  ASSERT_TRUE(fr) << fr.error().message;
  EXPECT_EQ(fr->translation_of, original.id);
  const PostId originals[] = {original.id};
  EXPECT_EQ(ids(*store_->translations_of(originals)), (std::vector<PostId>{ru->id, fr->id}));

  const auto other = make_list("other");
  Post elsewhere = draft(section(other.id, "News"), "Talks elsewhere");
  elsewhere.translation_of = original.id;
  auto refused = store_->create_post(elsewhere, fixed_time());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_input);

  auto itself =
      store_->update_post(original.id, PostChanges{.translation_of = original.id}, fixed_time());
  ASSERT_FALSE(itself);
  EXPECT_EQ(itself.error().code, ErrorCode::invalid_input);
  // Nor may an original with translations become a translation itself: its translations
  // would point to a translation.
  const auto another = add(news, "Another");
  auto chained =
      store_->update_post(original.id, PostChanges{.translation_of = another.id}, fixed_time());
  ASSERT_FALSE(chained);
  EXPECT_EQ(chained.error().code, ErrorCode::invalid_input);
  EXPECT_FALSE(store_->find_post(original.id)->translation_of);
}

TEST_F(PostStoreTest, APostADigestCarriedIsNotRemoved) {
  const auto news = section(press_.id, "News");
  const auto carried = add(news, "Carried");
  const auto loose = add(news, "Loose");
  Issue issue;
  issue.kind = IssueKind::digest;
  issue.subject = "Weekly";
  issue.lists = {press_.id};
  issue.cadence = Cadence::weekly;
  issue.posts = {carried.id};
  ASSERT_TRUE(store_->create_issue(issue, fixed_time()));
  auto refused = store_->remove_post(carried.id);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::conflict);
  EXPECT_TRUE(store_->find_post(carried.id));
  ASSERT_TRUE(store_->remove_post(loose.id));
  EXPECT_EQ(store_->find_post(loose.id).error().code, ErrorCode::not_found);
  auto missing = store_->remove_post(loose.id);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
}

TEST_F(PostStoreTest, AnOriginalHasOneVersionPerLanguage) {
  const auto news = section(press_.id, "News");
  Post original = add(news, "Readout");
  ASSERT_TRUE(store_->update_post(original.id, PostChanges{.language = "en"}, fixed_time()));
  Post russian;
  russian.list_id = press_.id;
  russian.section_id = news.id;
  russian.title = "Запись беседы";
  russian.language = "ru";
  russian.status = PostStatus::published;
  russian.translation_of = original.id;
  ASSERT_TRUE(store_->create_post(russian, fixed_time()));
  Post again = russian;
  again.title = "Запись беседы (2)";
  auto twice = store_->create_post(again, fixed_time());
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, ErrorCode::invalid_input);
  EXPECT_NE(twice.error().message.find("has a version in ru already"), std::string::npos)
      << twice.error().message;
  Post english = russian;
  english.language = "en";  // the original's own language
  EXPECT_FALSE(store_->create_post(english, fixed_time()));
  Post french = russian;
  french.language = "fr";
  EXPECT_TRUE(store_->create_post(french, fixed_time()));
}

TEST_F(PostStoreTest, APostInADigestOnItsWayIsNotEditedUntilTheDigestIsSent) {
  const auto news = section(press_.id, "News");
  const auto carried = add(news, "Carried");
  Issue issue;
  issue.kind = IssueKind::digest;
  issue.subject = "Weekly";
  issue.lists = {press_.id};
  issue.cadence = Cadence::weekly;
  issue.posts = {carried.id};
  auto created = store_->create_issue(issue, fixed_time());
  ASSERT_TRUE(created);
  // A draft digest does not hold its posts.
  ASSERT_TRUE(store_->update_post(carried.id, PostChanges{.title = "Carried, v2"}, fixed_time()));
  ASSERT_TRUE(store_->set_issue_status(created->id, IssueStatus::sending, fixed_time()));
  auto refused = store_->update_post(carried.id, PostChanges{.body = "Changed."}, fixed_time());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::conflict);
  EXPECT_NE(refused.error().message.find("on its way"), std::string::npos);
  EXPECT_EQ(store_->find_post(carried.id)->title, "Carried, v2");
  ASSERT_TRUE(store_->set_issue_status(created->id, IssueStatus::sent, fixed_time()));
  EXPECT_TRUE(store_->update_post(carried.id, PostChanges{.body = "Corrected."}, fixed_time()));
}

TEST_F(PostStoreTest, AnUpdateChangesOnlyTheFieldsGiven) {
  const auto news = section(press_.id, "News");
  const auto travel = section(press_.id, "Travel");
  auto topic = store_->create_topic(press_.id, "Culture", "", fixed_time());
  ASSERT_TRUE(topic);
  const auto post = add(news, "Trip");
  auto updated = store_->update_post(
      post.id,
      PostChanges{.title = "A trip", .section_id = travel.id, .topics = std::vector{topic->id}},
      fixed_time(60));
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->title, "A trip");
  EXPECT_EQ(updated->body, post.body);
  EXPECT_EQ(updated->section_name, "Travel");
  EXPECT_EQ(updated->topics, std::vector{topic->id});
  EXPECT_EQ(updated->slug, post.slug);  // its page stays where it was
  // A draft has no published time until it is published.
  const auto draft_post = add(news, "Draft", PostStatus::draft);
  auto dated =
      store_->update_post(draft_post.id, PostChanges{.published_at = fixed_time()}, fixed_time());
  ASSERT_FALSE(dated);
  EXPECT_EQ(dated.error().code, ErrorCode::invalid_input);
  EXPECT_FALSE(store_->find_post(draft_post.id)->published_at);
  auto missing = store_->update_post(9999, PostChanges{.title = "X"}, fixed_time());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
}

}  // namespace
}  // namespace communique
