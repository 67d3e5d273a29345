#include "mail/digest.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "test_support.hpp"

namespace communique {
namespace {

using communique::testing::fixed_time;

const std::filesystem::path kTests = COMMUNIQUE_TESTS_DIR;
const std::filesystem::path kDigest = kTests / "golden/digest";

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// Compares `actual` with the golden file; COMMUNIQUE_UPDATE_GOLDEN=1 writes it (and fails
// the run, so that a regenerated file is always compared by a later one).
void expect_golden(const std::string& actual, const std::filesystem::path& path) {
  const auto expected = read(path);
  if (actual != expected && std::getenv("COMMUNIQUE_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << actual;
    FAIL() << "wrote " << path << ": review its diff, then run the tests again";
  }
  EXPECT_EQ(actual, expected)
      << "run with COMMUNIQUE_UPDATE_GOLDEN=1 to write the new file and review its diff";
}

SenderIdentity identity() {
  return SenderIdentity{.organisation = "Embassy Press Office",
                        .from_address = "press@embassy.example.org",
                        .reply_to = "info@embassy.example.org",
                        .postal_address = "12 Embassy Road, Oslo 0244, Norway",
                        .copyright = "© 2026 Embassy Press Office",
                        .social = {{"Telegram", "https://t.me/embassy"}},
                        .base_url = "https://news.embassy.example.org"};
}

// Topic ids in the fixture: 1 diplomacy, 2 culture, 3 economy, 4 travel, 5 health.
constexpr TopicId kDiplomacy = 1;
constexpr TopicId kCulture = 2;
constexpr TopicId kEconomy = 3;
constexpr TopicId kTravel = 4;
constexpr TopicId kHealth = 5;

// The fixture of tests/golden/digest: fifteen posts in five sections, two translated.
DigestPosts fixture_posts(int excerpt_words = 0) {
  const auto fixture = nlohmann::json::parse(read(kDigest / "posts.json"));
  DigestPosts source{.fallback_language = "en", .excerpt_words = excerpt_words};
  const auto& topics = fixture["topics"];
  for (std::size_t i = 0; i < topics.size(); ++i) {
    source.topic_names.emplace(static_cast<TopicId>(i + 1), topics[i].get<std::string>());
  }
  for (const auto& entry : fixture["posts"]) {
    Post post;
    post.id = entry["id"];
    post.slug = entry["slug"];
    post.title = entry["title"];
    post.section_name = entry["section"];
    post.language = entry["language"];
    post.status = PostStatus::published;
    post.published_at = Timestamp(std::chrono::seconds(entry["published_at"].get<std::int64_t>()));
    post.body = read(kDigest / entry["body"].get<std::string>());
    for (const auto& name : entry["topics"]) {
      for (const auto& [id, topic] : source.topic_names) {
        if (topic == name) {
          post.topics.push_back(id);
        }
      }
    }
    if (entry.contains("translation_of")) {
      post.translation_of = entry["translation_of"].get<PostId>();
      source.translations.push_back(std::move(post));
    } else {
      source.posts.push_back(std::move(post));
    }
  }
  return source;
}

class DigestTest : public ::testing::Test {
 protected:
  PreparedIssue prepare(int excerpt_words = 0) {
    Issue issue;
    issue.id = 12;
    issue.kind = IssueKind::digest;
    issue.subject = "Weekly digest, week 49";
    issue.language = "en";
    issue.excerpt_words = excerpt_words;
    auto templates = load_letter_templates("default", kTests / "golden", IssueKind::digest);
    EXPECT_TRUE(templates) << (templates ? "" : templates.error().message);
    auto prepared = prepare_issue(issue, MailingList{.id = 3, .name = "press"}, *templates);
    EXPECT_TRUE(prepared);
    auto content = prepare_digest_content(fixture_posts(excerpt_words));
    EXPECT_TRUE(content) << (content ? "" : content.error().message);
    prepared->digest = std::make_shared<const DigestContent>(std::move(*content));
    return digest_variant(*prepared, whole_digest(*prepared->digest, "en"));
  }

  LetterComposer composer() {
    return LetterComposer(identity(), *LinkSigner::create(std::string(64, 'k')), {});
  }

  // The slugs of the items a selection's letter shows, in order.
  static std::vector<std::string> slugs(const PreparedIssue& letter) {
    std::vector<std::string> found;
    for (const auto& section : letter.sections) {
      for (const auto& item : section.items) {
        found.push_back(item->slug);
      }
    }
    return found;
  }

  Subscriber reader_ = Subscriber{.id = 42, .email = "ann@example.org", .name = "Ann Hansen"};
};

TEST_F(DigestTest, TheLetterMatchesTheGoldenFiles) {
  const auto prepared = prepare();
  auto letter = composer().preview(prepared, reader_, fixed_time());
  ASSERT_TRUE(letter) << letter.error().message;
  expect_golden(letter->html, kTests / "golden/digest_letter.html");
  expect_golden(letter->text, kTests / "golden/digest_letter.txt");
}

TEST_F(DigestTest, TheWebVersionMatchesItsGoldenFile) {
  auto page = render_web_version(prepare(), identity(), fixed_time());
  ASSERT_TRUE(page) << page.error().message;
  expect_golden(*page, kTests / "golden/digest_web.html");
}

TEST_F(DigestTest, TheLetterKeepsEveryPartAndStaysUnderGmailsClippingSize) {
  const auto prepared = prepare();
  auto letter = composer().preview(prepared, reader_, fixed_time());
  ASSERT_TRUE(letter);
  EXPECT_LT(letter->html.size(), 102u * 1024u);
  // Sections in order, a table of contents with anchors, titles linking to their pages.
  const auto news = letter->html.find(">News</h2>");
  const auto health = letter->html.find(">Health</h2>");
  ASSERT_NE(news, std::string::npos);
  ASSERT_NE(health, std::string::npos);
  EXPECT_LT(news, health);
  EXPECT_NE(letter->html.find("href=\"#section-1\""), std::string::npos);
  EXPECT_NE(letter->html.find("id=\"section-1\""), std::string::npos);
  EXPECT_NE(letter->html.find("href=\"#post-8\""), std::string::npos);
  EXPECT_NE(letter->html.find("href=\"https://news.embassy.example.org/posts/lake-baikal-on-ice\""),
            std::string::npos);
  EXPECT_NE(letter->html.find("<blockquote"), std::string::npos);  // the message quoted
  EXPECT_NE(letter->html.find("<ol"), std::string::npos);          // the agenda
  EXPECT_NE(letter->html.find("Question:"), std::string::npos);    // the transcript
  EXPECT_NE(letter->html.find("15 items"), std::string::npos);
  EXPECT_NE(letter->text.find("== Travel =="), std::string::npos);
  EXPECT_NE(letter->text.find("> Please accept my sincere congratulations"), std::string::npos);
  EXPECT_NE(letter->text.find("1. The Minister's talks"), std::string::npos);
}

TEST_F(DigestTest, AReaderGetsTheItemsOfTheTopicsTheyChoseEachOnce) {
  const auto prepared = prepare();
  // Diplomacy and economy: the trade delegation and the Arctic statement carry both.
  const TopicId chosen[] = {kDiplomacy, kEconomy};
  const auto selection = select_digest_items(*prepared.digest, chosen, {}, "en");
  const auto letter = digest_variant(prepared, selection);
  EXPECT_EQ(slugs(letter),
            (std::vector<std::string>{
                "minister-call-with-norwegian-counterpart", "trade-delegation-visits-bergen",
                "congratulations-on-national-day", "statement-on-arctic-council",
                "telegram-of-condolences",  // no topics: for everyone
                "weekly-briefing-transcript", "briefing-agenda-4-december"}));
  EXPECT_EQ(selection.posts, (std::vector<PostId>{1, 2, 5, 6, 7, 8, 9}));
}

TEST_F(DigestTest, AReaderWhoChoseNoTopicGetsEveryItem) {
  const auto prepared = prepare();
  EXPECT_EQ(select_digest_items(*prepared.digest, {}, {}, "en").posts.size(), 15u);
}

TEST_F(DigestTest, PostsReceivedBeforeAreLeftOut) {
  const auto prepared = prepare();
  const TopicId chosen[] = {kHealth};
  const PostId received[] = {13, 7};
  const auto selection = select_digest_items(*prepared.digest, chosen, received, "en");
  EXPECT_EQ(selection.posts, (std::vector<PostId>{14, 15}));
}

TEST_F(DigestTest, AReaderWhomNothingMatchesGetsAnEmptySelection) {
  const auto prepared = prepare();
  const TopicId chosen[] = {kCulture};
  const PostId received[] = {4, 7, 9, 10};
  EXPECT_TRUE(select_digest_items(*prepared.digest, chosen, received, "en").empty());
}

TEST_F(DigestTest, AReaderGetsTheTranslationInTheirLanguageElseTheFallback) {
  const auto prepared = prepare();
  const TopicId chosen[] = {kTravel, kDiplomacy};
  const auto russian =
      digest_variant(prepared, select_digest_items(*prepared.digest, chosen, {}, "ru-RU"));
  auto slugs_ru = slugs(russian);
  EXPECT_EQ(slugs_ru.front(), "minister-call-with-norwegian-counterpart-ru");
  EXPECT_NE(std::find(slugs_ru.begin(), slugs_ru.end(), "lake-baikal-on-ice-ru"), slugs_ru.end());
  EXPECT_NE(std::find(slugs_ru.begin(), slugs_ru.end(), "trans-siberian-by-night-train"),
            slugs_ru.end());  // not translated: the fallback (English)
  const auto german =
      digest_variant(prepared, select_digest_items(*prepared.digest, chosen, {}, "de"));
  EXPECT_EQ(slugs(german).front(), "minister-call-with-norwegian-counterpart");
  // The record names the issue's posts, whatever version was read.
  EXPECT_EQ(select_digest_items(*prepared.digest, chosen, {}, "ru").posts,
            select_digest_items(*prepared.digest, chosen, {}, "de").posts);
}

TEST_F(DigestTest, EqualSelectionsHaveEqualKeys) {
  const auto prepared = prepare();
  const TopicId travel[] = {kTravel};
  const TopicId travel_and_culture[] = {kTravel, kCulture};
  const auto a = select_digest_items(*prepared.digest, travel, {}, "en");
  const auto b = select_digest_items(*prepared.digest, travel, {}, "de");
  const auto c = select_digest_items(*prepared.digest, travel, {}, "ru");
  const auto d = select_digest_items(*prepared.digest, travel_and_culture, {}, "en");
  EXPECT_EQ(a.key(), b.key());  // German readers get the English fallback: the same letter
  EXPECT_NE(a.key(), c.key());
  EXPECT_NE(a.key(), d.key());
}

TEST_F(DigestTest, LongItemsAreCutWithALinkToTheirPage) {
  const auto prepared = prepare(40);
  auto letter = composer().preview(prepared, reader_, fixed_time());
  ASSERT_TRUE(letter);
  // Lapland: three paragraphs, cut after the first at a block boundary.
  EXPECT_NE(letter->html.find("watch the northern lights"), std::string::npos);
  EXPECT_EQ(letter->html.find("Several tour operators"), std::string::npos);
  EXPECT_NE(
      letter->text.find("Read more: https://news.embassy.example.org/posts/winter-in-lapland"),
      std::string::npos);
  EXPECT_NE(letter->html.find("Read more"), std::string::npos);
  // Short items stay whole.
  EXPECT_NE(letter->html.find("no longer need to present vaccination"), std::string::npos);
  // Every element opened is closed: the cut is made in the Markdown, rendered whole.
  for (const std::string tag : {"p", "blockquote", "ol", "ul", "li", "div", "a"}) {
    std::size_t opened = 0;
    std::size_t closed = 0;
    for (auto pos = letter->html.find("<" + tag + " "); pos != std::string::npos;
         pos = letter->html.find("<" + tag + " ", pos + 1)) {
      ++opened;
    }
    for (auto pos = letter->html.find("<" + tag + ">"); pos != std::string::npos;
         pos = letter->html.find("<" + tag + ">", pos + 1)) {
      ++opened;
    }
    for (auto pos = letter->html.find("</" + tag + ">"); pos != std::string::npos;
         pos = letter->html.find("</" + tag + ">", pos + 1)) {
      ++closed;
    }
    EXPECT_EQ(opened, closed) << tag;
  }
}

TEST(ExcerptMarkdown, ALongParagraphIsCutAtAWordBoundary) {
  std::string body;
  for (int i = 0; i < 100; ++i) {
    body += "word" + std::to_string(i) + " ";
  }
  bool cut = false;
  const auto excerpt = excerpt_markdown(body, 10, cut);
  EXPECT_TRUE(cut);
  EXPECT_EQ(excerpt, "word0 word1 word2 word3 word4 word5 word6 word7 word8 word9 …");
  EXPECT_EQ(excerpt_markdown("short text", 10, cut), "short text");
  EXPECT_FALSE(cut);
}

TEST_F(DigestTest, TemplatesSeeSectionsItemsAndTheTableOfContents) {
  const auto prepared = prepare();
  const auto context = composer().context(prepared, reader_, fixed_time());
  ASSERT_EQ(context["sections"].size(), 5u);
  EXPECT_EQ(context["item_count"], 15);
  const auto& item = context["sections"][3]["items"][1];
  EXPECT_EQ(context["sections"][3]["name"], "Travel");
  EXPECT_EQ(item["title"], "Lake Baikal on ice");
  EXPECT_EQ(item["url"], "https://news.embassy.example.org/posts/lake-baikal-on-ice");
  EXPECT_EQ(item["topics"][0]["name"], "travel");
  EXPECT_EQ(item["published"], "1 December 2026");
  EXPECT_EQ(item["anchor"], "post-11");
  EXPECT_EQ(context["toc"][3]["items"][1]["anchor"], "post-11");
}

}  // namespace
}  // namespace communique
