#include "http/unsubscribe.hpp"

#include <gtest/gtest.h>

#include "http/routes.hpp"
#include "store/open_store.hpp"
#include "test_support.hpp"

namespace communique {
namespace {

using communique::testing::fixed_time;

class UnsubscribeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*open_store(StoreSettings{}, dir_.path()));
    list_ = *store_->create_list(NewList{.name = "Press <releases>"}, fixed_time());
    std::vector<ImportRecord> records{{.email = *EmailAddress::parse("ann@example.org")}};
    ASSERT_TRUE(store_->import_batch(list_.id, records, {.now = fixed_time()}));
    ann_ = *store_->find_subscriber(*EmailAddress::parse("ann@example.org"));
    Issue issue;
    issue.subject = "Weekly";
    issue.lists = {list_.id};
    issue_ = store_->create_issue(issue, fixed_time())->id;
  }

  HttpResponse call(const std::string& method, const std::string& token) {
    Router router(make_routes(
        RouteServices{.store = *store_,
                      .links = links_,
                      .identity = SenderIdentity{.organisation = "Embassy Press Office"},
                      .clock = [] { return fixed_time(60); }}));
    HttpRequest request;
    request.method = method;
    request.path = "/unsubscribe/" + token;
    request.body = "List-Unsubscribe=One-Click";
    return router.handle(request);
  }

  std::string token() { return links_.sign({TokenPurpose::unsubscribe, ann_.id, issue_, 20000}); }

  SubscriptionStatus status() { return (*store_->subscriptions_of(ann_.id))[0].status; }

  communique::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  LinkSigner links_ = *LinkSigner::create(std::string(64, 'u'));
  MailingList list_;
  Subscriber ann_;
  IssueId issue_ = 0;
};

TEST_F(UnsubscribeTest, TheLinkShowsOneButtonAndChangesNothing) {
  auto response = call("GET", token());
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "text/html; charset=utf-8");
  EXPECT_NE(response.body.find("<form method=\"post\">"), std::string::npos);
  EXPECT_NE(response.body.find("<strong>Press &lt;releases&gt;</strong>"), std::string::npos);
  EXPECT_EQ(response.body.find("<script"), std::string::npos);
  EXPECT_EQ(status(), SubscriptionStatus::confirmed);
}

TEST_F(UnsubscribeTest, OneClickUnsubscribesAtOnceWithoutARedirect) {
  auto response = call("POST", token());
  EXPECT_EQ(response.status, 200);
  EXPECT_NE(response.body.find("You are unsubscribed"), std::string::npos);
  EXPECT_EQ(status(), SubscriptionStatus::unsubscribed);
  EXPECT_EQ(call("POST", token()).status, 200);  // again: harmless
}

TEST_F(UnsubscribeTest, TamperedOrForeignTokensGetAPlain404) {
  std::string tampered = token();
  tampered[5] = tampered[5] == 'A' ? 'B' : 'A';
  const std::string foreign = links_.sign({TokenPurpose::preferences, ann_.id, issue_, 20000});
  for (const auto& bad : {tampered, foreign, std::string("nonsense")}) {
    auto response = call("POST", bad);
    EXPECT_EQ(response.status, 404);
    EXPECT_NE(response.body.find("This link is not valid"), std::string::npos);
  }
  EXPECT_EQ(status(), SubscriptionStatus::confirmed);
}

}  // namespace
}  // namespace communique
