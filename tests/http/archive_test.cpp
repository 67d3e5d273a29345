#include "http/archive.hpp"

#include <gtest/gtest.h>

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

  HttpResponse get(const std::string& path) {
    Router router(make_routes(
        RouteServices{.store = *store_,
                      .links = links_,
                      .identity = SenderIdentity{.organisation = "Embassy Press Office",
                                                 .base_url = "https://news.example.org"},
                      .data_dir = dir_.path()}));
    HttpRequest request;
    request.method = "GET";
    request.path = path;
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
  EXPECT_EQ(get("/archive/" + std::to_string(id_)).status, 404);  // the id alone
  EXPECT_EQ(get("/archive/" + std::to_string(id_) + "-other-words").status, 404);
  EXPECT_EQ(get("/archive/nonsense").status, 404);
}

}  // namespace
}  // namespace communique
