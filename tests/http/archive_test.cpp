#include "http/archive.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "http/routes.hpp"
#include "store/open_store.hpp"
#include "test_support.hpp"

namespace communique {
namespace {

using communique::testing::fixed_time;

class ArchiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*open_store(StoreSettings{}, dir_.path()));
    auto list = *store_->create_list(NewList{.name = "press"}, fixed_time());
    std::vector<ImportRecord> records{{.email = *EmailAddress::parse("ann@example.org")}};
    ASSERT_TRUE(store_->import_batch(list.id, records, {.now = fixed_time()}));
    Issue issue;
    issue.subject = "Weekly digest";
    issue.lists = {list.id};
    issue.sections = {{"", BodyFormat::markdown, "The **President** spoke."},
                      {"Raw", BodyFormat::html, "<p onclick=\"x()\">raw</p><script>x()</script>"}};
    id_ = store_->create_issue(issue, fixed_time())->id;
  }

  IssueId publish(const std::string& subject) {
    Issue issue = *store_->find_issue(id_);
    issue.subject = subject;
    const auto id = store_->create_issue(issue, fixed_time())->id;
    EXPECT_TRUE(store_->set_issue_status(id, IssueStatus::sent, fixed_time(id)));
    return id;
  }

  HttpResponse get(const std::string& path, const std::string& query = "") {
    Router router(make_routes(
        RouteServices{.store = *store_,
                      .links = links_,
                      .identity = SenderIdentity{.organisation = "Embassy Press Office",
                                                 .base_url = "https://news.example.org"},
                      .data_dir = dir_.path()}));
    HttpRequest request;
    request.method = "GET";
    request.path = path;
    request.query = query;
    return router.handle(request);
  }

  communique::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  LinkSigner links_ = *LinkSigner::create(std::string(64, 'a'));
  IssueId id_ = 0;
};

TEST_F(ArchiveTest, OnlyIssuesThatWentOutArePublic) {
  const std::string slug = "/archive/" + std::to_string(id_) + "-weekly-digest";
  EXPECT_EQ(get(slug).status, 404);  // a draft
  ASSERT_TRUE(store_->set_issue_status(id_, IssueStatus::sent, fixed_time()));
  auto page = get(slug);
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Weekly digest"), std::string::npos);
  EXPECT_NE(page.body.find("<strong>President</strong>"), std::string::npos);
  EXPECT_EQ(page.body.find("ann@example.org"), std::string::npos);
  bool strict_policy = false;
  for (const auto& [name, value] : page.headers) {
    strict_policy |= name == "Content-Security-Policy" && value.starts_with("default-src 'none'");
  }
  EXPECT_TRUE(strict_policy) << "scripts in an HTML body must not run";
  // The id alone, or other words after it: moved to the issue's one address.
  for (const auto& other : {std::string(), std::string("-other-words")}) {
    auto moved = get("/archive/" + std::to_string(id_) + other);
    EXPECT_EQ(moved.status, 301);
    EXPECT_NE(std::find(moved.headers.begin(), moved.headers.end(),
                        std::pair<std::string, std::string>("Location", slug)),
              moved.headers.end());
  }
  EXPECT_EQ(get("/archive/nonsense").status, 404);
}

TEST_F(ArchiveTest, ALongSubjectIsCutAtAWordBoundary) {
  const IssueId id =
      publish("Briefing by the Ambassador on the situation in the region, held on May 11, 2020");
  const std::string slug = "/archive/" + std::to_string(id) +
                           "-briefing-by-the-ambassador-on-the-situation-in-the-region";
  EXPECT_EQ(get(slug).status, 200);
  // The old cut, in the middle of a word, still finds it.
  auto moved = get("/archive/" + std::to_string(id) +
                   "-briefing-by-the-ambassador-on-the-situation-in-the-region-he");
  EXPECT_EQ(moved.status, 301);
}

TEST_F(ArchiveTest, TheIndexListsPublishedIssuesNewestFirstInPages) {
  std::vector<IssueId> published;
  for (int i = 1; i <= 22; ++i) {
    published.push_back(publish("Digest number " + std::to_string(i)));
  }
  auto first = get("/archive");
  EXPECT_EQ(first.status, 200);
  EXPECT_NE(first.body.find("Digest number 22"), std::string::npos);
  EXPECT_NE(first.body.find("Digest number 3<"), std::string::npos);
  EXPECT_EQ(first.body.find("Digest number 2<"), std::string::npos);  // on the next page
  EXPECT_EQ(first.body.find(">Weekly digest<"), std::string::npos);   // still a draft
  const std::string older = "/archive?before=" + std::to_string(published[2]);
  EXPECT_NE(first.body.find("<a href=\"" + older + "\">Older issues</a>"), std::string::npos);
  auto second = get("/archive", "before=" + std::to_string(published[2]));
  EXPECT_NE(second.body.find("Digest number 2<"), std::string::npos);
  EXPECT_NE(second.body.find("Digest number 1<"), std::string::npos);
  EXPECT_EQ(second.body.find("Older issues"), std::string::npos);
  EXPECT_EQ(get("/archive", "before=x'; DROP TABLE issues;--").status, 200);  // only data
}

TEST_F(ArchiveTest, AnHtmlBodyStoredBeforeSanitisingIsSanitisedWhenShown) {
  ASSERT_TRUE(store_->set_issue_status(id_, IssueStatus::sent, fixed_time()));
  auto page = get("/archive/" + std::to_string(id_) + "-weekly-digest");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<p>raw</p>"), std::string::npos) << page.body;
  EXPECT_EQ(page.body.find("onclick"), std::string::npos);
  EXPECT_EQ(page.body.find("x()"), std::string::npos);
  std::string policy;
  for (const auto& [name, value] : page.headers) {
    if (name == "Content-Security-Policy") {
      policy = value;
    }
  }
  for (std::string_view directive : {"default-src 'none'", "sandbox", "form-action 'none'",
                                     "base-uri 'none'", "frame-ancestors 'none'"}) {
    EXPECT_NE(policy.find(directive), std::string::npos) << directive << " in " << policy;
  }
}

TEST_F(ArchiveTest, TheIndexHasNoInlineStyleItsPolicyWouldBlock) {
  publish("Styled by the stylesheet");
  auto index = get("/archive");
  ASSERT_EQ(index.status, 200);
  EXPECT_NE(index.body.find("<ul class=\"issues\">"), std::string::npos) << index.body;
  EXPECT_EQ(index.body.find("style="), std::string::npos) << index.body;
  EXPECT_EQ(index.body.find("<style"), std::string::npos);
  auto stylesheet = get("/assets/public.css");
  EXPECT_NE(stylesheet.body.find("ul.issues{list-style:none;padding:0}"), std::string::npos);
}

TEST_F(ArchiveTest, TheFeedIsAtomWithEscapedEntries) {
  publish("Q&A <briefing>");
  publish("Travel notes");
  auto feed = get("/archive/feed.atom");
  EXPECT_EQ(feed.status, 200);
  EXPECT_EQ(feed.content_type, "application/atom+xml; charset=utf-8");
  EXPECT_TRUE(feed.body.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
  std::size_t entries = 0;
  for (auto at = feed.body.find("<entry>"); at != std::string::npos;
       at = feed.body.find("<entry>", at + 1)) {
    ++entries;
  }
  EXPECT_EQ(entries, 2u);
  EXPECT_NE(feed.body.find("<title>Q&amp;A &lt;briefing&gt;</title>"), std::string::npos);
  EXPECT_NE(feed.body.find("<id>https://news.example.org/archive/"), std::string::npos);
  EXPECT_NE(feed.body.find("<summary>The President spoke."), std::string::npos);
}

}  // namespace
}  // namespace communique
