#include "http/post_pages.hpp"

#include <gtest/gtest.h>

#include "http/routes.hpp"
#include "store/open_store.hpp"
#include "test_support.hpp"

namespace communique {
namespace {

using communique::testing::fixed_time;

class PostPagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*open_store(StoreSettings{}, dir_.path()));
    press_ = *store_->create_list(NewList{.name = "press", .title = "Press office"}, fixed_time());
    secret_ = *store_->create_list(
        NewList{.name = "staff", .visibility = ListVisibility::private_list}, fixed_time());
    news_ = store_->create_section(press_.id, "News", fixed_time())->id;
    staff_news_ = store_->create_section(secret_.id, "News", fixed_time())->id;
    health_ = store_->create_topic(press_.id, "health", "", fixed_time())->id;
    travel_ = store_->create_topic(press_.id, "travel", "", fixed_time())->id;
  }

  Post add(ListId list, SectionId section, const std::string& title, const std::string& body,
           PostStatus status = PostStatus::published, std::vector<TopicId> topics = {},
           std::int64_t at = 0) {
    Post post;
    post.list_id = list;
    post.section_id = section;
    post.title = title;
    post.body = body;
    post.status = status;
    post.topics = std::move(topics);
    post.published_at = fixed_time(at);
    auto created = store_->create_post(post, fixed_time(at));
    EXPECT_TRUE(created) << created.error().message;
    return *created;
  }

  HttpResponse get(const std::string& path, const std::string& query = "",
                   const std::string& if_none_match = "") {
    Router router(make_routes(
        RouteServices{.store = *store_,
                      .links = links_,
                      .identity = SenderIdentity{.organisation = "Embassy Press Office",
                                                 .from_name = "Press Secretary",
                                                 .base_url = "https://news.example.org"},
                      .data_dir = dir_.path()}));
    HttpRequest request;
    request.method = "GET";
    request.path = path;
    request.query = query;
    if (!if_none_match.empty()) {
      request.headers["if-none-match"] = if_none_match;
    }
    return router.handle(request);
  }

  static std::string header(const HttpResponse& response, const std::string& name) {
    for (const auto& [key, value] : response.headers) {
      if (key == name) {
        return value;
      }
    }
    return "";
  }

  communique::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  LinkSigner links_ = *LinkSigner::create(std::string(64, 'a'));
  MailingList press_;
  MailingList secret_;
  SectionId news_ = 0;
  SectionId staff_news_ = 0;
  TopicId health_ = 0;
  TopicId travel_ = 0;
};

TEST_F(PostPagesTest, APublishedPostOfAPublicListHasAPage) {
  const auto post =
      add(press_.id, news_, "Talks with the Minister",
          "The **talks** were warm.\n\n> A quoted message.\n", PostStatus::published, {health_});
  const auto page = get("/posts/" + post.slug);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("<h1>Talks with the Minister</h1>"), std::string::npos);
  EXPECT_NE(page.body.find("<strong>talks</strong>"), std::string::npos);
  EXPECT_NE(page.body.find("<blockquote"), std::string::npos);
  EXPECT_NE(page.body.find("</time> · News"), std::string::npos);
  EXPECT_NE(page.body.find(">health</a>"), std::string::npos);
  EXPECT_NE(page.body.find("<a href=\"/archive/press\">Press office</a>"), std::string::npos);
  EXPECT_NE(page.body.find("property=\"og:title\" content=\"Talks with the Minister\""),
            std::string::npos);
  EXPECT_NE(page.body.find("name=\"description\" content=\"The talks were warm."),
            std::string::npos);
  EXPECT_NE(page.body.find("https://news.example.org/posts/" + post.slug), std::string::npos);
  EXPECT_EQ(page.body.find("noindex"), std::string::npos);
  EXPECT_EQ(header(page, "Content-Security-Policy").find("script"), std::string::npos);
}

TEST_F(PostPagesTest, DraftsPrivateListsAndUnknownSlugsAreTheSame404) {
  const auto draft = add(press_.id, news_, "Draft note", "Not yet.", PostStatus::draft);
  const auto hidden = add(secret_.id, staff_news_, "Staff note", "Internal.");
  const auto unknown = get("/posts/no-such-post");
  ASSERT_EQ(unknown.status, 404);
  for (const auto& path :
       {"/posts/" + draft.slug, "/posts/" + hidden.slug,
        std::string("/posts/..%2F..%2Fetc%2Fpasswd"), std::string("/posts/%2e%2e")}) {
    const auto page = get(path);
    EXPECT_EQ(page.status, 404) << path;
    EXPECT_EQ(page.body, unknown.body) << path;
  }
}

TEST_F(PostPagesTest, MarkupInATitleOrBodyIsEscapedOrSanitised) {
  const auto post = add(press_.id, news_, "<script>alert('t')</script> Title",
                        "Body <script>alert('b')</script> [link](javascript:alert(1))");
  const auto page = get("/posts/" + post.slug);
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body.find("<script"), std::string::npos);
  EXPECT_EQ(page.body.find("javascript:"), std::string::npos);
  EXPECT_NE(page.body.find("&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; Title"),
            std::string::npos)
      << page.body;
  const auto feed = get("/archive/press/feed.atom");
  ASSERT_EQ(feed.status, 200);
  EXPECT_EQ(feed.body.find("<script"), std::string::npos);
  EXPECT_EQ(feed.body.find("javascript:"), std::string::npos);
}

TEST_F(PostPagesTest, APostLinksItsTranslationsByLanguage) {
  auto original = add(press_.id, news_, "Visit", "In English.");
  *store_->update_post(original.id, PostChanges{.language = "en"}, fixed_time());
  Post russian;
  russian.list_id = press_.id;
  russian.section_id = news_;
  russian.title = "Визит";
  russian.body = "По-русски.";
  russian.language = "ru";
  russian.status = PostStatus::published;
  russian.translation_of = original.id;
  russian = *store_->create_post(russian, fixed_time(1));
  const auto page = get("/posts/" + original.slug);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<link rel=\"alternate\" hreflang=\"ru\" href=\"https://"
                           "news.example.org/posts/" +
                           russian.slug + "\">"),
            std::string::npos)
      << page.body;
  EXPECT_NE(page.body.find("hreflang=\"ru\" lang=\"ru\">Визит (ru)</a>"), std::string::npos);
  const auto translated = get("/posts/" + russian.slug);
  EXPECT_NE(translated.body.find("<html lang=\"ru\">"), std::string::npos);
  EXPECT_NE(translated.body.find("hreflang=\"en\" lang=\"en\">Visit (en)</a>"), std::string::npos);
}

TEST_F(PostPagesTest, AListFeedHasItsPublishedPostsNewestFirstAndAnswersConditionalGets) {
  add(press_.id, news_, "First", "One.", PostStatus::published, {health_}, 10);
  add(press_.id, news_, "Second", "Two.", PostStatus::published, {travel_}, 20);
  add(press_.id, news_, "Unpublished", "Draft.", PostStatus::draft, {health_}, 30);
  add(secret_.id, staff_news_, "Staff only", "No.", PostStatus::published, {}, 40);
  const auto feed = get("/archive/press/feed.atom");
  ASSERT_EQ(feed.status, 200);
  EXPECT_EQ(feed.content_type, "application/atom+xml; charset=utf-8");
  const auto second = feed.body.find("<title type=\"text\">Second</title>");
  const auto first = feed.body.find("<title type=\"text\">First</title>");
  ASSERT_NE(second, std::string::npos);
  ASSERT_NE(first, std::string::npos);
  EXPECT_LT(second, first);
  EXPECT_EQ(feed.body.find("Unpublished"), std::string::npos);
  EXPECT_EQ(feed.body.find("Staff only"), std::string::npos);
  EXPECT_NE(feed.body.find("<author><name>Press Secretary</name></author>"), std::string::npos);
  EXPECT_NE(feed.body.find("<id>tag:news.example.org,"), std::string::npos);
  EXPECT_NE(feed.body.find("<content type=\"html\">&lt;p&gt;One.&lt;/p&gt;"), std::string::npos)
      << feed.body;

  const auto etag = header(feed, "ETag");
  ASSERT_FALSE(etag.empty());
  const auto again = get("/archive/press/feed.atom", "", etag);
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());

  const auto topic = get("/archive/press/topics/health/feed.atom");
  ASSERT_EQ(topic.status, 200);
  EXPECT_NE(topic.body.find(">First<"), std::string::npos);
  EXPECT_EQ(topic.body.find(">Second<"), std::string::npos);
  EXPECT_EQ(get("/archive/press/topics/nothing/feed.atom").status, 404);
  EXPECT_EQ(get("/archive/staff/feed.atom").status, 404);
  EXPECT_EQ(get("/archive/nobody/feed.atom").status, 404);
}

TEST_F(PostPagesTest, AFeedEntryKeepsItsIdWhenThePostIsEdited) {
  const auto post = add(press_.id, news_, "Before", "Text.");
  const auto before = get("/archive/press/feed.atom").body;
  *store_->update_post(post.id, PostChanges{.title = "After"}, fixed_time(100));
  const auto after = get("/archive/press/feed.atom").body;
  const auto entry_id = [&](const std::string& xml) {
    const auto at = xml.find("<entry>");
    const auto start = xml.find("<id>", at);
    return xml.substr(start, xml.find("</id>", start) - start);
  };
  EXPECT_EQ(entry_id(before), entry_id(after));
  EXPECT_NE(after.find(">After<"), std::string::npos);
}

TEST_F(PostPagesTest, AListPageLinksItsPostsAndAPrivateListHasNone) {
  const auto post = add(press_.id, news_, "Listed post", "Text.");
  const auto page = get("/archive/press");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<a href=\"/posts/" + post.slug + "\">Listed post</a>"),
            std::string::npos);
  EXPECT_NE(page.body.find("/archive/press/feed.atom"), std::string::npos);
  EXPECT_EQ(get("/archive/staff").status, 404);
  const auto index = get("/archive");
  EXPECT_NE(index.body.find("<a href=\"/archive/press\">Press office</a>"), std::string::npos);
  EXPECT_EQ(index.body.find("/archive/staff"), std::string::npos);
}

TEST_F(PostPagesTest, SearchFindsPublicPostsWithEscapedHighlightedExcerpts) {
  add(press_.id, news_, "Vaccination week", "The <b>vaccination</b> campaign <script>x</script>.");
  add(press_.id, news_, "Draft vaccination", "vaccination", PostStatus::draft);
  add(secret_.id, staff_news_, "Staff vaccination", "vaccination");
  const auto page = get("/archive", "q=vaccination");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("Vaccination week"), std::string::npos);
  EXPECT_EQ(page.body.find("Draft vaccination"), std::string::npos);
  EXPECT_EQ(page.body.find("Staff vaccination"), std::string::npos);
  EXPECT_NE(page.body.find("&lt;b&gt;<mark>vaccination</mark>&lt;/b&gt;"), std::string::npos)
      << page.body;
  EXPECT_EQ(page.body.find("<script"), std::string::npos);
  EXPECT_EQ(page.body.find("<b>"), std::string::npos);
}

TEST_F(PostPagesTest, AnExcerptReadsAsTextWithoutMarkdownMarks) {
  add(press_.id, news_, "Statement", "## Heading\n\n> **Quoted** `code` on climate.\n");
  const auto page = get("/archive", "q=climate");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Heading Quoted code on <mark>climate</mark>."), std::string::npos)
      << page.body;
}

TEST_F(PostPagesTest, SearchFollowsEditsPublicationAndRemoval) {
  const auto post = add(press_.id, news_, "Harbour works", "Cranes.");
  const auto draft = add(press_.id, news_, "Lighthouse draft", "Lamps.", PostStatus::draft);
  *store_->update_post(post.id, PostChanges{.title = "Dockyard works"}, fixed_time(5));
  EXPECT_EQ(get("/archive", "q=harbour").body.find("works</a>"), std::string::npos);
  EXPECT_NE(get("/archive", "q=dockyard").body.find("Dockyard works</a>"), std::string::npos);
  EXPECT_EQ(get("/archive", "q=lighthouse").body.find("Lighthouse draft</a>"), std::string::npos);
  *store_->publish_post(draft.id, fixed_time(6), fixed_time(6));
  EXPECT_NE(get("/archive", "q=lighthouse").body.find("Lighthouse draft</a>"), std::string::npos);
  ASSERT_TRUE(store_->remove_post(post.id));
  EXPECT_EQ(get("/archive", "q=dockyard").body.find("Dockyard works</a>"), std::string::npos);
}

TEST_F(PostPagesTest, SearchPagesOlderResultsByCursor) {
  for (int i = 0; i < 45; ++i) {
    add(press_.id, news_, "Bulletin " + std::to_string(i), "weather report", PostStatus::published,
        {}, i);
  }
  std::vector<std::string> seen;
  std::string query = "q=weather";
  for (int page_number = 0; page_number < 4; ++page_number) {
    const auto page = get("/archive", query);
    ASSERT_EQ(page.status, 200);
    std::size_t at = 0;
    while ((at = page.body.find(">Bulletin ", at)) != std::string::npos) {
      at += 1;
      seen.push_back(page.body.substr(at, page.body.find('<', at) - at));
    }
    const auto next = page.body.find("href=\"/archive?q=weather&amp;before=");
    if (next == std::string::npos) {
      break;
    }
    const auto start = page.body.find('?', next) + 1;
    query = page.body.substr(start, page.body.find('"', start) - start);
    query.replace(query.find("&amp;"), 5, "&");
  }
  ASSERT_EQ(seen.size(), 45U);
  EXPECT_EQ(seen.front(), "Bulletin 44");
  EXPECT_EQ(seen.back(), "Bulletin 0");
}

TEST_F(PostPagesTest, SearchSyntaxAndLongQueriesGiveClearAnswersNotErrors) {
  add(press_.id, news_, "Near the border", "near( the * border \"quoted\"");
  for (const auto* query : {"q=%22", "q=NEAR(", "q=*", "q=near(", "q=%22near%22+OR", "q=a:b",
                            "q=-x", "q=%5E", "q=(", "q=AND"}) {
    const auto page = get("/archive", query);
    EXPECT_TRUE(page.status == 200 || page.status == 400) << query << " " << page.status;
  }
  EXPECT_NE(get("/archive", "q=NEAR(").body.find("Near the border"), std::string::npos);
  const auto nothing = get("/archive", "q=*");
  EXPECT_EQ(nothing.status, 400);
  EXPECT_NE(nothing.body.find("Type a word to search for"), std::string::npos);
  const auto long_query = get("/archive", "q=" + std::string(10 * 1024, 'a'));
  EXPECT_EQ(long_query.status, 400);
  EXPECT_NE(long_query.body.find("too long"), std::string::npos);
  const auto none = get("/archive", "q=zebra");
  EXPECT_EQ(none.status, 200);
  EXPECT_NE(none.body.find("Nothing in the archive matches"), std::string::npos);
}

}  // namespace
}  // namespace communique
