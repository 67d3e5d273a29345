#include "http/unsubscribe.hpp"

#include <gtest/gtest.h>

#include "forwarding_store.hpp"
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

  std::string token() {
    return links_.sign({TokenPurpose::unsubscribe, ann_.id, issue_, 20000}, ann_.link_key);
  }

  // The one-click token of subscriber `id` (with no key when there is no such subscriber).
  std::string token_of(SubscriberId id, IssueId issue) {
    auto found = store_->find_subscriber(id);
    return links_.sign({TokenPurpose::unsubscribe, id, issue, 20000}, found ? found->link_key : "");
  }

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
  EXPECT_NE(response.body.find("<input type=\"hidden\" name=\"page\" value=\"1\">"),
            std::string::npos);  // its answer is a page too
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

TEST_F(UnsubscribeTest, TheLinkOfSomeoneWhoLeftSaysSoAndOffersAWayBack) {
  ASSERT_EQ(call("POST", token()).status, 200);
  auto response = call("GET", token());
  EXPECT_EQ(response.status, 200);
  EXPECT_NE(response.body.find("You already left <strong>Press &lt;releases&gt;</strong>"),
            std::string::npos);
  EXPECT_NE(response.body.find("<a href=\"/subscribe\">Subscribe again</a>"), std::string::npos);
  EXPECT_EQ(response.body.find("<form"), std::string::npos);
}

TEST_F(UnsubscribeTest, AnOrganisationEndingInAFullStopEndsTheSentence) {
  const auto page = unsubscribed_page({"press"}, "Embassy to the U.S.");
  EXPECT_NE(page.body.find("from Embassy to the U.S.</p>"), std::string::npos);
  EXPECT_EQ(page.body.find("U.S.."), std::string::npos);
}

TEST_F(UnsubscribeTest, TamperedOrForeignTokensGetAPlain404) {
  std::string tampered = token();
  tampered[5] = tampered[5] == 'A' ? 'B' : 'A';
  const std::string foreign =
      links_.sign({TokenPurpose::preferences, ann_.id, issue_, 20000}, ann_.link_key);
  for (const auto& bad : {tampered, foreign, std::string("nonsense")}) {
    auto response = call("POST", bad);
    EXPECT_EQ(response.status, 404);
    EXPECT_NE(response.body.find("This link is not valid"), std::string::npos);
  }
  EXPECT_EQ(status(), SubscriptionStatus::confirmed);
}

TEST_F(UnsubscribeTest, TheLinkOfADeletedSubscriberUnsubscribesNobodyElse) {
  const std::string anns = token();
  ASSERT_TRUE(store_->delete_subscriber(ann_.id));
  std::vector<ImportRecord> records{{.email = *EmailAddress::parse("bob@example.org")}};
  ASSERT_TRUE(store_->import_batch(list_.id, records, {.now = fixed_time()}));
  const auto bob = *store_->find_subscriber(*EmailAddress::parse("bob@example.org"));
  EXPECT_NE(bob.id, ann_.id);
  EXPECT_EQ(call("GET", anns).status, 404);
  EXPECT_EQ(call("POST", anns).status, 404);
  // Nor does one made with another key for the id Bob holds now (a restored backup).
  const auto not_his =
      links_.sign({TokenPurpose::unsubscribe, bob.id, issue_, 20000}, ann_.link_key);
  EXPECT_EQ(call("POST", not_his).status, 404);
  EXPECT_EQ((*store_->subscriptions_of(bob.id))[0].status, SubscriptionStatus::confirmed);
}

TEST_F(UnsubscribeTest, ABatchIsStoredAtOnceAndAnsweredInOrder) {
  std::vector<ImportRecord> records;
  for (int i = 0; i < 20; ++i) {
    records.push_back({.email = *EmailAddress::parse("p" + std::to_string(i) + "@example.org")});
  }
  ASSERT_TRUE(store_->import_batch(list_.id, records, {.now = fixed_time()}));
  const auto post = [](std::string token) {
    HttpRequest request;
    request.method = "POST";
    request.params["token"] = std::move(token);
    return request;
  };
  std::vector<HttpRequest> batch;
  for (SubscriberId subscriber = 1; subscriber <= 22; ++subscriber) {  // 22 does not exist
    batch.push_back(post(token_of(subscriber, issue_)));
  }
  batch.push_back(post("tampered"));
  batch.push_back(post(token_of(1, issue_ + 100)));
  batch.push_back(HttpRequest{});                       // no token at all
  batch[1].body = "List-Unsubscribe=One-Click&page=1";  // the page's button: a page

  UnsubscribedPages pages("Embassy");
  auto answers = unsubscribe_batch(
      batch,
      RouteServices{.store = *store_, .links = links_, .clock = [] { return fixed_time(60); }},
      pages);
  ASSERT_EQ(answers.size(), batch.size());
  for (std::size_t i = 0; i < 21; ++i) {
    EXPECT_EQ(answers[i].status, 200) << i;
    if (i == 1) {
      continue;
    }
    EXPECT_EQ(answers[i].content_type, "text/plain; charset=utf-8");
    EXPECT_EQ(answers[i].body,
              "You are unsubscribed: you will no longer receive Press <releases> from Embassy.\n");
  }
  EXPECT_EQ(answers[1].content_type, "text/html; charset=utf-8");
  EXPECT_NE(answers[1].body.find("<strong>Press &lt;releases&gt;</strong>"), std::string::npos);
  for (std::size_t i = 21; i < answers.size(); ++i) {
    EXPECT_EQ(answers[i].status, 404) << i;
  }
  EXPECT_EQ(*store_->count_subscribers(list_.id), 0);
}

TEST(UnsubscribedPages, AnAnswerIsMadeAgainWhenTheListsChangeTheirNames) {
  UnsubscribedPages pages("Embassy");
  EXPECT_NE(pages.answer(7, {"Press"}, true).body.find("<strong>Press</strong>"),
            std::string::npos);
  EXPECT_NE(pages.answer(7, {"Press"}, false).body.find("receive Press from"), std::string::npos);
  const auto renamed = pages.answer(7, {"News", "Press"}, true).body;
  EXPECT_NE(renamed.find("<strong>News</strong> and <strong>Press</strong>"), std::string::npos);
  EXPECT_NE(pages.answer(7, {"News", "Press"}, false).body.find("receive News and Press from"),
            std::string::npos);
  EXPECT_NE(pages.answer(8, {"Visas"}, true).body.find("Visas"), std::string::npos);
  EXPECT_EQ(pages.answer(7, {"News", "Press"}, true).body, renamed);
}

TEST_F(UnsubscribeTest, ABatchThatCannotBeStoredIsToldToTryAgain) {
  // The store refuses writes: nobody may be told they are unsubscribed.
  struct FullDisk final : communique::testing::ForwardingStore {
    using ForwardingStore::ForwardingStore;
    Result<std::vector<bool>> unsubscribe_many(std::span<const std::pair<SubscriberId, IssueId>>,
                                               Timestamp) override {
      return make_error(ErrorCode::storage, "database or disk is full");
    }
  } full(*store_);
  std::vector<HttpRequest> batch(2);
  batch[0].params["token"] = token();
  batch[1].params["token"] = "tampered";
  UnsubscribedPages pages("Embassy");
  auto answers = unsubscribe_batch(
      batch, RouteServices{.store = full, .links = links_, .clock = [] { return fixed_time(60); }},
      pages);
  EXPECT_EQ(answers[0].status, 503);
  EXPECT_NE(answers[0].body.find("try again"), std::string::npos);
  EXPECT_EQ(answers[1].status, 404);
  EXPECT_EQ(status(), SubscriptionStatus::confirmed);
}

}  // namespace
}  // namespace communique
