#include "http/subscriber_pages.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <utility>

#include "core/time.hpp"
#include "delivery/issue_letters.hpp"
#include "forwarding_store.hpp"
#include "http/access.hpp"
#include "http/click_counter.hpp"
#include "http/confirmation_sender.hpp"
#include "http/routes.hpp"
#include "security/link_binding.hpp"
#include "store/open_store.hpp"
#include "test_support.hpp"

namespace communique {
namespace {

using communique::testing::fixed_time;

// Transport that keeps what it is given, to read the confirmation letters; `while_sending`,
// when set, runs (once) as a letter is handed over, as another process could meanwhile.
class KeepingTransport final : public Transport {
 public:
  std::vector<TransportOutcome> send(std::span<const OutgoingLetter> letters) override {
    if (auto meanwhile = std::exchange(while_sending, nullptr)) {
      meanwhile();
    }
    for (const auto& letter : letters) {
      kept.push_back(letter);
    }
    return std::vector<TransportOutcome>(letters.size());
  }
  std::string describe() const override { return "kept in memory"; }
  std::vector<OutgoingLetter> kept;
  std::function<void()> while_sending;
};

class PagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*open_store(StoreSettings{}, dir_.path()));
    weekly_ = *store_->create_list(
        NewList{.name = "Weekly", .description = "Our digest", .opt_in = OptIn::double_opt_in},
        fixed_time());
    alerts_ = *store_->create_list(NewList{.name = "Alerts"}, fixed_time());
    staff_ = *store_->create_list(
        NewList{.name = "Staff only", .visibility = ListVisibility::private_list}, fixed_time());
    topic_ = *store_->create_topic(weekly_.id, "Travel", "", fixed_time());
    clicks_ = std::make_unique<ClickCounter>(*store_);
    router_ = std::make_unique<Router>(make_routes(
        RouteServices{.store = *store_,
                      .links = links_,
                      .identity = SenderIdentity{.organisation = "Embassy <Press>",
                                                 .from_address = "press@example.org",
                                                 .base_url = "https://news.example.org"},
                      .clock = [this] { return now_; },
                      .subscriptions = Subscriptions(*store_, {.posts_per_address = 3}, &limiter_),
                      .letters = {.composer = &composer_, .mailer = &mailer_},
                      .clicks = clicks_.get()}));
    sender_ = std::make_unique<ConfirmationSender>(
        *store_, links_, composer_, mailer_,
        SenderIdentity{.from_address = "press@example.org", .base_url = "https://news.example.org"},
        [this] { return now_; });
  }

  // Sends the queued confirmation letters; the path of the link in the last one sent.
  std::string confirm_link() {
    EXPECT_TRUE(sender_->run_once());
    if (transport_.kept.empty()) {
      ADD_FAILURE() << "no letter was sent";
      return "";
    }
    // The link is quoted-printable in the letter: undo soft breaks and =3D before matching.
    std::string text = std::regex_replace(transport_.kept.back().message, std::regex("=\r\n"), "");
    text = std::regex_replace(text, std::regex("=3D"), "=");
    std::smatch link;
    if (!std::regex_search(text, link,
                           std::regex("https://news.example.org(/confirm/[A-Za-z0-9_-]+)"))) {
      ADD_FAILURE() << "no confirm link in " << text;
      return "";
    }
    return link[1].str();
  }

  HttpResponse call(const std::string& method, const std::string& path,
                    const std::string& body = "", const std::string& from = "192.0.2.7") {
    HttpRequest request;
    request.method = method;
    request.path = path;
    request.body = body;
    request.remote_address = from;
    return router_->handle(request);
  }

  // A token as letters carry it: bound to the subscriber's key when its purpose is (none
  // for a subscriber who does not exist).
  std::string token(TokenPurpose purpose, SubscriberId id, std::int64_t issue = 0) {
    const auto found = store_->find_subscriber(id);
    return token_with_key(purpose, id, token_key(purpose, found ? found->link_key : ""), issue);
  }

  std::string token_with_key(TokenPurpose purpose, SubscriberId id, std::string_view key,
                             std::int64_t issue = 0) {
    const auto day = day_number(now_);
    return links_.sign({purpose, id, issue, day}, key);
  }

  Subscriber subscriber(const std::string& email) {
    return *store_->find_subscriber(*EmailAddress::parse(email));
  }

  SubscriptionStatus status_on(SubscriberId id, ListId list) {
    const auto subscriptions = store_->subscriptions_of(id);
    for (const auto& s : *subscriptions) {
      if (s.list_id == list) {
        return s.status;
      }
    }
    return SubscriptionStatus::unsubscribed;
  }

  communique::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  LinkSigner links_ = *LinkSigner::create(std::string(64, 'p'));
  LetterComposer composer_{SenderIdentity{.organisation = "Embassy",
                                          .from_address = "press@example.org",
                                          .base_url = "https://news.example.org"},
                           links_,
                           {}};
  KeepingTransport transport_;
  Mailer mailer_{transport_};
  SlidingWindow limiter_{std::chrono::hours(1)};
  std::unique_ptr<ClickCounter> clicks_;
  Timestamp now_ = fixed_time();
  std::unique_ptr<Router> router_;
  std::unique_ptr<ConfirmationSender> sender_;
  MailingList weekly_, alerts_, staff_;
  Topic topic_;
};

TEST_F(PagesTest, TheLandingPageAndFormOfferOnlyPublicLists) {
  auto landing = call("GET", "/");
  EXPECT_EQ(landing.status, 200);
  EXPECT_NE(landing.body.find("href=\"/subscribe\""), std::string::npos);
  EXPECT_NE(landing.body.find("Embassy &lt;Press&gt;"), std::string::npos);
  // The landing page is titled with the organisation's name, once.
  EXPECT_NE(landing.body.find("<title>Embassy &lt;Press&gt;</title>"), std::string::npos);
  auto form = call("GET", "/subscribe");
  EXPECT_NE(form.body.find(" · Embassy &lt;Press&gt;</title>"), std::string::npos);
  EXPECT_NE(form.body.find("Weekly"), std::string::npos);
  EXPECT_EQ(form.body.find("Staff only"), std::string::npos);
  EXPECT_NE(form.body.find("name=\"website\""), std::string::npos);
  EXPECT_EQ(form.body.find("<script"), std::string::npos);
}

TEST_F(PagesTest, TheSnippetPostsToThisSiteWithTheHoneypot) {
  ASSERT_TRUE(store_->create_list(NewList{.name = "News & <Views>"}, fixed_time()));
  auto snippet = call("GET", "/subscribe/snippet");
  EXPECT_EQ(snippet.status, 200);
  EXPECT_EQ(snippet.content_type, "text/plain; charset=utf-8");
  EXPECT_NE(snippet.body.find("action=\"https://news.example.org/subscribe\""), std::string::npos);
  EXPECT_NE(snippet.body.find("News &amp; &lt;Views&gt;"), std::string::npos);
  EXPECT_NE(snippet.body.find("name=\"website\""), std::string::npos);
  EXPECT_EQ(snippet.body.find("Staff only"), std::string::npos);
}

TEST_F(PagesTest, DoubleOptInQueuesAConfirmationWhoseButtonConfirms) {
  const std::string body = "email=ann%40example.org&name=Ann&list=" + std::to_string(weekly_.id) +
                           "&list=" + std::to_string(alerts_.id);
  auto answer = call("POST", "/subscribe", body);
  EXPECT_EQ(answer.status, 200);
  const auto ann = subscriber("ann@example.org");
  EXPECT_EQ(status_on(ann.id, weekly_.id), SubscriptionStatus::unconfirmed);
  EXPECT_EQ(status_on(ann.id, alerts_.id), SubscriptionStatus::confirmed);
  // Nothing is sent on the request path: the letter waits for the sender.
  EXPECT_TRUE(transport_.kept.empty());
  const auto path = confirm_link();
  ASSERT_EQ(transport_.kept.size(), 1u);
  EXPECT_EQ(transport_.kept[0].recipient, "ann@example.org");
  EXPECT_EQ(call("GET", path).status, 200);
  EXPECT_EQ(call("HEAD", path).status, 200);
  EXPECT_EQ(status_on(ann.id, weekly_.id), SubscriptionStatus::unconfirmed);
  auto confirmed = call("POST", "/confirm", "token=" + path.substr(path.rfind('/') + 1));
  EXPECT_EQ(confirmed.status, 200);
  EXPECT_EQ(status_on(ann.id, weekly_.id), SubscriptionStatus::confirmed);
  // The sender has nothing more to send.
  EXPECT_EQ(*sender_->run_once(), 0);
}

TEST_F(PagesTest, TwoSendersOnOneStoreSendEachConfirmationLetterOnce) {
  call("POST", "/subscribe", "email=ann%40example.org&list=" + std::to_string(weekly_.id));
  // A second sender (another `serve` on the same database) looks while the first is
  // handing the letter to the relay.
  Mailer other_mailer{transport_};
  ConfirmationSender other(
      *store_, links_, composer_, other_mailer,
      SenderIdentity{.from_address = "press@example.org", .base_url = "https://news.example.org"},
      [this] { return now_; });
  Result<int> others = 0;
  transport_.while_sending = [&] { others = other.run_once(); };
  auto sent = sender_->run_once();
  ASSERT_TRUE(sent) << sent.error().message;
  ASSERT_TRUE(others) << others.error().message;
  EXPECT_EQ(*sent, 1);
  EXPECT_EQ(*others, 0);
  ASSERT_EQ(transport_.kept.size(), 1u);
  EXPECT_EQ(transport_.kept[0].recipient, "ann@example.org");
}

TEST_F(PagesTest, ThePrivacyDownloadHoldsTheConfirmationLettersAboutThem) {
  call("POST", "/subscribe", "email=ann%40example.org&list=" + std::to_string(weekly_.id));
  const auto ann = subscriber("ann@example.org");
  const auto path = confirm_link();
  const Timestamp sent_at = now_;
  now_ += std::chrono::minutes(5);
  ASSERT_EQ(call("POST", "/confirm", "token=" + path.substr(path.rfind('/') + 1)).status, 200);
  auto data = call("GET", "/privacy/" + token(TokenPurpose::privacy, ann.id) + "/data");
  ASSERT_EQ(data.status, 200);
  const auto confirmations = nlohmann::json::parse(data.body)["confirmations"];
  ASSERT_EQ(confirmations.size(), 1u) << data.body;
  EXPECT_EQ(confirmations[0]["asked_at"], format_iso8601(fixed_time()));
  EXPECT_EQ(confirmations[0]["lists"], nlohmann::json::array({"Weekly"}));
  EXPECT_EQ(confirmations[0]["letter"], "sent");
  EXPECT_EQ(confirmations[0]["sent_at"], format_iso8601(sent_at));
  EXPECT_EQ(confirmations[0]["used_at"], format_iso8601(now_));
}

TEST_F(PagesTest, TheAnswerIsTheSameForKnownAndUnknownAddresses) {
  call("POST", "/subscribe", "email=ann%40example.org&list=" + std::to_string(alerts_.id));
  auto known =
      call("POST", "/subscribe", "email=ann%40example.org&list=" + std::to_string(alerts_.id));
  auto unknown =
      call("POST", "/subscribe", "email=bob%40example.org&list=" + std::to_string(alerts_.id));
  EXPECT_EQ(known.status, unknown.status);
  EXPECT_EQ(known.body, unknown.body);
}

TEST_F(PagesTest, AFilledHoneypotSubscribesNobodyAndLooksTheSame) {
  auto trapped = call("POST", "/subscribe", "email=bot%40example.org&website=http%3A%2F%2Fspam");
  auto person = call("POST", "/subscribe", "email=ann%40example.org");
  EXPECT_EQ(trapped.status, 200);
  EXPECT_NE(trapped.body.find("receives Alerts from the next issue on"), std::string::npos);
  EXPECT_EQ(trapped.body, person.body);
  EXPECT_FALSE(store_->find_subscriber(*EmailAddress::parse("bot@example.org")));
}

TEST_F(PagesTest, BadInputIsShownOnTheFormAndTheFormIsRateLimited) {
  auto bad = call("POST", "/subscribe", "email=not-an-address&name=Ann");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("value=\"not-an-address\""), std::string::npos);
  EXPECT_EQ(call("POST", "/subscribe", "email=%ZZ").status, 400);
  EXPECT_EQ(call("POST", "/subscribe", "email=c%40example.org").status, 200);
  auto limited = call("POST", "/subscribe", "email=c%40example.org");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(call("POST", "/subscribe", "email=c%40example.org", "198.51.100.1").status, 200);
}

TEST_F(PagesTest, TamperedOrExpiredTokensGetThePlain404Page) {
  call("POST", "/subscribe", "email=ann%40example.org");
  const auto ann = subscriber("ann@example.org");
  auto good = token(TokenPurpose::preferences, ann.id);
  std::string tampered = good;
  tampered[5] = tampered[5] == 'A' ? 'B' : 'A';
  for (const std::string& path : std::vector<std::string>{
           "/preferences/" + tampered, "/confirm/" + good, "/privacy/" + good, "/l/" + good,
           "/privacy/" + tampered + "/data", std::string("/confirm/x")}) {
    auto response = call("GET", path);
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_NE(response.body.find("This link is not valid"), std::string::npos);
  }
  call("POST", "/subscribe", "email=ann%40example.org&list=" + std::to_string(weekly_.id));
  const auto confirm = confirm_link();
  EXPECT_EQ(call("GET", confirm).status, 200);
  // A confirm token names a confirmation: one made by hand names none.
  EXPECT_EQ(call("GET", "/confirm/" + token(TokenPurpose::confirm, ann.id)).status, 404);
  now_ = fixed_time(8 * 86400);
  EXPECT_EQ(call("GET", confirm).status, 404);
  EXPECT_EQ(call("POST", "/confirm", "token=" + confirm.substr(confirm.rfind('/') + 1)).status,
            404);
}

TEST_F(PagesTest, PreferencesChangeListsTopicsNameAndLanguage) {
  call("POST", "/subscribe", "email=ann%40example.org&list=" + std::to_string(alerts_.id));
  const auto ann = subscriber("ann@example.org");
  const auto path = "/preferences/" + token(TokenPurpose::preferences, ann.id);
  auto page = call("GET", path);
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("ann@example.org"), std::string::npos);
  EXPECT_EQ(page.body.find("Staff only"), std::string::npos);
  auto saved = call("POST", path,
                    "name=Ann+Smith&language=pt-br&list=" + std::to_string(weekly_.id) +
                        "&topic=" + std::to_string(topic_.id));
  EXPECT_EQ(saved.status, 200);
  EXPECT_NE(saved.body.find("Your choices are saved"), std::string::npos);
  const auto after = subscriber("ann@example.org");
  EXPECT_EQ(after.name, "Ann Smith");
  EXPECT_EQ(after.language, "pt-BR");
  EXPECT_EQ(status_on(ann.id, weekly_.id), SubscriptionStatus::confirmed);
  EXPECT_EQ(status_on(ann.id, alerts_.id), SubscriptionStatus::unsubscribed);
  ASSERT_EQ(store_->topics_of_subscriber(ann.id)->size(), 1u);
  auto bad = call("POST", path, "language=not+a+language!");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(subscriber("ann@example.org").language, "pt-BR");
}

TEST_F(PagesTest, ThePreferencePageOffersACadencePerListPreselectedAndSavesIt) {
  call("POST", "/subscribe", "email=ann%40example.org&list=" + std::to_string(alerts_.id));
  const auto ann = subscriber("ann@example.org");
  const auto path = "/preferences/" + token(TokenPurpose::preferences, ann.id);
  const auto alerts = std::to_string(alerts_.id);
  auto page = call("GET", path);
  ASSERT_EQ(page.status, 200);
  for (const char* label : {"As it happens", "Weekly digest"}) {  // weekly: the default
    EXPECT_NE(page.body.find(label), std::string::npos) << label;
  }
  EXPECT_EQ(page.body.find("Daily digest"), std::string::npos);    // no daily digest here
  EXPECT_EQ(page.body.find("Monthly digest"), std::string::npos);  // nor a monthly one
  DigestDefinition daily;
  daily.list_id = alerts_.id;
  daily.name = "daily";
  daily.rule = *parse_schedule_rule("daily 08:00", "UTC");
  ASSERT_TRUE(store_->create_digest(daily, fixed_time()));
  page = call("GET", path);
  EXPECT_NE(page.body.find("Daily digest"), std::string::npos);  // now there is one
  EXPECT_NE(page.body.find("value=\"" + alerts + ":weekly\" selected"), std::string::npos);
  const auto form = "list=" + alerts + "&shown=" + alerts + "&shown_cadences=" + alerts +
                    ":weekly&cadence=" + alerts + ":daily";
  ASSERT_EQ(call("POST", path, form).status, 200);
  EXPECT_EQ(store_->subscriptions_of(ann.id)->front().cadence, Cadence::daily);
  EXPECT_NE(call("GET", path).body.find("value=\"" + alerts + ":daily\" selected"),
            std::string::npos);

  // A list whose default is monthly offers it.
  ListChanges monthly;
  monthly.default_cadence = Cadence::monthly;
  ASSERT_TRUE(store_->update_list(weekly_.id, monthly, fixed_time()));
  EXPECT_NE(call("GET", path).body.find("Monthly digest"), std::string::npos);
}

TEST_F(PagesTest, AStalePreferencePageLeavesACadenceChangedSinceItWasLoaded) {
  call("POST", "/subscribe", "email=ann%40example.org&list=" + std::to_string(alerts_.id));
  const auto ann = subscriber("ann@example.org");
  const auto path = "/preferences/" + token(TokenPurpose::preferences, ann.id);
  const auto alerts = std::to_string(alerts_.id);
  // The page showed weekly; an administrator then made it immediate.
  ASSERT_TRUE(store_->set_subscription_cadence(ann.id, alerts_.id, Cadence::immediate, now_));
  ASSERT_EQ(call("POST", path,
                 "list=" + alerts + "&shown=" + alerts + "&shown_cadences=" + alerts +
                     ":weekly&cadence=" + alerts + ":weekly")
                .status,
            200);
  EXPECT_EQ(store_->subscriptions_of(ann.id)->front().cadence, Cadence::immediate);
}

TEST_F(PagesTest, AForgedPreferenceFormSetsNoCadenceOrTopicOnAListThePersonIsNotOn) {
  call("POST", "/subscribe", "email=ann%40example.org&list=" + std::to_string(alerts_.id));
  const auto ann = subscriber("ann@example.org");
  const auto path = "/preferences/" + token(TokenPurpose::preferences, ann.id);
  const auto staff_topic = *store_->create_topic(staff_.id, "Payroll", "", fixed_time());
  const auto alerts = std::to_string(alerts_.id);
  auto saved =
      call("POST", path,
           "list=" + alerts + "&shown=" + alerts + "&cadence=" + std::to_string(staff_.id) +
               ":daily&cadence=" + std::to_string(weekly_.id) +
               ":immediate&topic=" + std::to_string(staff_topic.id));
  EXPECT_EQ(saved.status, 200);
  auto subscriptions = store_->subscriptions_of(ann.id);
  ASSERT_EQ(subscriptions->size(), 1u);  // not put on staff or weekly
  EXPECT_EQ(subscriptions->front().list_id, alerts_.id);
  EXPECT_EQ(subscriptions->front().cadence, std::nullopt);
  EXPECT_TRUE(store_->topics_of_subscriber(ann.id)->empty());
}

TEST_F(PagesTest, AnInvalidCadenceIsRefusedAndNothingIsSaved) {
  call("POST", "/subscribe", "email=ann%40example.org&list=" + std::to_string(alerts_.id));
  const auto ann = subscriber("ann@example.org");
  const auto path = "/preferences/" + token(TokenPurpose::preferences, ann.id);
  const auto alerts = std::to_string(alerts_.id);
  for (const auto& cadence : {alerts + ":hourly", std::string("daily"), alerts + "x:daily"}) {
    auto refused = call("POST", path, "name=Mallory&list=" + alerts + "&cadence=" + cadence);
    EXPECT_EQ(refused.status, 400) << cadence;
    EXPECT_NE(refused.body.find("is not a choice this page offers"), std::string::npos);
  }
  // Monthly is not offered by a list without a monthly digest.
  auto monthly =
      call("POST", path, "name=Mallory&list=" + alerts + "&cadence=" + alerts + ":monthly");
  EXPECT_EQ(monthly.status, 400);
  EXPECT_NE(monthly.body.find("does not offer monthly letters"), std::string::npos);
  EXPECT_EQ(subscriber("ann@example.org").name, "");
  EXPECT_EQ(store_->subscriptions_of(ann.id)->front().cadence, std::nullopt);
}

TEST_F(PagesTest, PrivacyDownloadsEverythingAndErases) {
  call("POST", "/subscribe", "email=ann%40example.org&name=Ann&list=" + std::to_string(alerts_.id));
  const auto ann = subscriber("ann@example.org");
  const auto path = "/privacy/" + token(TokenPurpose::privacy, ann.id);
  EXPECT_EQ(call("GET", path).status, 200);
  auto data = call("GET", path + "/data");
  EXPECT_EQ(data.status, 200);
  auto parsed = nlohmann::json::parse(data.body);
  EXPECT_EQ(parsed["email"], "ann@example.org");
  EXPECT_EQ(parsed["subscriptions"][0]["list"], "Alerts");
  EXPECT_EQ(call("POST", path, "").status, 400);
  EXPECT_TRUE(store_->find_subscriber(ann.id));
  EXPECT_EQ(call("POST", path, "erase=yes").status, 200);
  EXPECT_FALSE(store_->find_subscriber(ann.id));
  EXPECT_EQ(call("GET", path).status, 404);
}

TEST_F(PagesTest, TheLinksOfAnErasedSubscriberOpenNothingForWhoeverSubscribesNext) {
  call("POST", "/subscribe", "email=ann%40example.org&list=" + std::to_string(alerts_.id));
  const auto ann = subscriber("ann@example.org");
  const std::vector<std::string> paths{
      "/preferences/" + token(TokenPurpose::preferences, ann.id),
      "/privacy/" + token(TokenPurpose::privacy, ann.id),
      "/privacy/" + token(TokenPurpose::privacy, ann.id) + "/data"};
  for (const auto& path : paths) {
    EXPECT_EQ(call("GET", path).status, 200) << path;
  }
  ASSERT_EQ(call("POST", paths[1], "erase=yes").status, 200);
  call("POST", "/subscribe", "email=bob%40example.org&list=" + std::to_string(alerts_.id));
  const auto bob = subscriber("bob@example.org");
  EXPECT_NE(bob.id, ann.id);
  for (const auto& path : paths) {
    auto response = call("GET", path);
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_EQ(response.body.find("bob@example.org"), std::string::npos);
  }
  EXPECT_EQ(call("POST", paths[0], "name=Mallory").status, 404);
  EXPECT_EQ(call("POST", paths[1], "erase=yes").status, 404);
  EXPECT_EQ(subscriber("bob@example.org").name, "");
  EXPECT_EQ(status_on(bob.id, alerts_.id), SubscriptionStatus::confirmed);
}

TEST_F(PagesTest, ATokenMadeForAnotherHolderOfTheIdOpensNothing) {
  // As after a restored backup gave an erased subscriber's id to someone new: the token
  // names the id, but it was made with the key of the person who held it before.
  call("POST", "/subscribe", "email=ann%40example.org&list=" + std::to_string(alerts_.id));
  const auto ann = subscriber("ann@example.org");
  const std::string before_her(16, 'k');
  ASSERT_NE(ann.link_key, before_her);
  EXPECT_EQ(
      call("GET", "/preferences/" + token_with_key(TokenPurpose::preferences, ann.id, before_her))
          .status,
      404);
  EXPECT_EQ(
      call("GET", "/preferences/" + token_with_key(TokenPurpose::preferences, ann.id, "")).status,
      404);
  EXPECT_EQ(call("GET", "/preferences/" + token(TokenPurpose::preferences, ann.id)).status, 200);
}

TEST_F(PagesTest, ASubscriberFromBeforeLinkKeysStillOpensTheirPagesWithTheirOldLinks) {
  call("POST", "/subscribe", "email=ann%40example.org&list=" + std::to_string(alerts_.id));
  const auto ann = subscriber("ann@example.org");
  // The store as a database migrated from before keys has them: an empty key.
  struct MigratedStore final : communique::testing::ForwardingStore {
    using ForwardingStore::ForwardingStore;
    Result<Subscriber> find_subscriber(SubscriberId id) override {
      auto found = ForwardingStore::find_subscriber(id);
      if (found) {
        found->link_key.clear();
      }
      return found;
    }
  } migrated(*store_);
  Router router(make_routes(RouteServices{.store = migrated,
                                          .links = links_,
                                          .identity = SenderIdentity{.organisation = "Embassy"},
                                          .clock = [this] { return now_; }}));
  HttpRequest request;
  request.method = "GET";
  request.path = "/preferences/" + token_with_key(TokenPurpose::preferences, ann.id, "");
  EXPECT_EQ(router.handle(request).status, 200);
  request.path = "/preferences/" + token_with_key(TokenPurpose::preferences, ann.id, ann.link_key);
  EXPECT_EQ(router.handle(request).status, 404);
}

TEST_F(PagesTest, ClicksAreCountedPerLinkAndRedirect) {
  Issue issue;
  issue.subject = "Weekly";
  issue.lists = {weekly_.id};
  const auto id = store_->create_issue(issue, fixed_time())->id;
  const std::vector<std::string> urls{"https://example.org/a", "https://example.org/b"};
  auto links = *store_->register_links(id, urls);
  EXPECT_EQ(*store_->register_links(id, urls), links);
  const auto path = "/l/" + token(TokenPurpose::click, 0, links[1]);
  HttpRequest request;
  request.method = "GET";
  request.path = path;
  std::string route;
  // Not cached yet: the I/O thread hands it to the pool, which reads the store.
  EXPECT_FALSE(router_->try_quick(request, &route));
  request.path = "/l/" + token(TokenPurpose::unsubscribe, 0, links[1]);
  auto refused = router_->try_quick(request, &route);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 404);
  request.path = path;
  for (int i = 0; i < 2; ++i) {
    auto response = call("GET", path);
    EXPECT_EQ(response.status, 302);
    ASSERT_FALSE(response.headers.empty());
    EXPECT_EQ(response.headers[0].second, "https://example.org/b");
  }
  // Cached now: answered on the I/O thread.
  auto quick = router_->try_quick(request, &route);
  ASSERT_TRUE(quick);
  EXPECT_EQ(quick->status, 302);
  EXPECT_EQ(route, "/l/{token}");
  ASSERT_TRUE(clicks_->flush());
  auto counted = *store_->links_of_issue(id);
  EXPECT_EQ(counted[0].clicks, 0);
  EXPECT_EQ(counted[1].clicks, 3);
}

}  // namespace
}  // namespace communique

namespace communique {
namespace {

TEST_F(PagesTest, ATrackedIssuesLinksLeadThroughCountedRedirects) {
  Issue issue;
  issue.subject = "Weekly";
  issue.lists = {weekly_.id};
  issue.track_clicks = true;
  issue.sections = {{"", BodyFormat::markdown,
                     "Read [the speech](https://example.org/speech?a=1&b=2) and "
                     "[mail us](mailto:press@example.org)."}};
  const auto id = store_->create_issue(issue, fixed_time())->id;
  auto prepared = prepare_stored_issue(*store_, *store_->find_issue(id), dir_.path());
  ASSERT_TRUE(prepared) << prepared.error().message;
  ASSERT_TRUE(track_links(*store_, composer_, *prepared, now_));
  const auto& html = prepared->sections[0].html;
  const auto& text = prepared->sections[0].text;
  EXPECT_EQ(html.find("https://example.org/speech"), std::string::npos) << html;
  EXPECT_NE(html.find("mailto:press@example.org"), std::string::npos);
  std::smatch link;
  ASSERT_TRUE(
      std::regex_search(html, link, std::regex("https://news.example.org(/l/[A-Za-z0-9_-]+)")));
  EXPECT_NE(text.find(link[0].str()), std::string::npos) << text;
  auto followed = call("GET", link[1].str());
  EXPECT_EQ(followed.status, 302);
  EXPECT_EQ(followed.headers[0].second, "https://example.org/speech?a=1&b=2");
  ASSERT_TRUE(clicks_->flush());
  EXPECT_EQ((*store_->links_of_issue(id))[0].clicks, 1);
}

}  // namespace
}  // namespace communique

namespace communique {
namespace {

TEST_F(PagesTest, PersonalTrackingIsOnlyWhereTheIssueAsksAndCountsWhoClickedAndOpened) {
  call("POST", "/subscribe", "email=ann%40example.org&list=" + std::to_string(alerts_.id));
  const auto ann = subscriber("ann@example.org");
  Issue issue;
  issue.subject = "Weekly";
  issue.lists = {alerts_.id};
  issue.track_clicks = true;
  issue.sections = {{"", BodyFormat::markdown, "Read [the speech](https://example.org/speech)."}};
  const auto anonymous = store_->create_issue(issue, fixed_time())->id;
  issue.track_subscribers = true;
  issue.track_opens = true;
  const auto personal = store_->create_issue(issue, fixed_time())->id;

  auto plain = prepare_stored_issue(*store_, *store_->find_issue(anonymous), dir_.path());
  ASSERT_TRUE(track_links(*store_, composer_, *plain, now_));
  EXPECT_FALSE(plain->personal_tracking);
  EXPECT_EQ(plain->sections[0].html.find("/o/"), std::string::npos);

  auto prepared = prepare_stored_issue(*store_, *store_->find_issue(personal), dir_.path());
  ASSERT_TRUE(track_links(*store_, composer_, *prepared, now_));
  EXPECT_TRUE(prepared->personal_tracking);
  composer_.plan(*prepared, now_);
  EXPECT_FALSE(prepared->plan);  // every letter has its own links
  // A preview shows the tracked links, but they count nothing and lead nowhere.
  auto preview = composer_.preview(*prepared, ann, now_);
  ASSERT_TRUE(preview);
  EXPECT_EQ(preview->html.find('\x01'), std::string::npos);
  std::smatch click;
  std::smatch open;
  ASSERT_TRUE(std::regex_search(preview->html, click,
                                std::regex("https://news.example.org(/l/[A-Za-z0-9_-]+)")));
  ASSERT_TRUE(std::regex_search(preview->html, open,
                                std::regex("https://news.example.org(/o/[A-Za-z0-9_-]+)")));
  EXPECT_EQ(call("GET", click[1].str()).status, 404);
  EXPECT_EQ(call("GET", open[1].str()).status, 404);
  // The letter sent has live ones (quoted-printable: undo soft breaks before matching).
  auto letter = composer_.compose(*prepared, ann, now_, composer_.new_message_id());
  ASSERT_TRUE(letter);
  const std::string message = std::regex_replace(*letter, std::regex("=\r\n"), "");
  EXPECT_EQ(message.find('\x01'), std::string::npos);
  ASSERT_TRUE(
      std::regex_search(message, click, std::regex("https://news.example.org(/l/[A-Za-z0-9_-]+)")));
  ASSERT_TRUE(
      std::regex_search(message, open, std::regex("https://news.example.org(/o/[A-Za-z0-9_-]+)")));
  EXPECT_NE(message.find(click[0].str(), click.position(0) + 1), std::string::npos)
      << "the text part has the link too";
  EXPECT_EQ(call("GET", click[1].str()).status, 302);
  auto pixel = call("GET", open[1].str());
  EXPECT_EQ(pixel.status, 200);
  EXPECT_EQ(pixel.content_type, "image/gif");
  EXPECT_EQ(pixel.body.rfind("GIF89a", 0), 0u);
  ASSERT_TRUE(clicks_->flush());
  EXPECT_EQ(*store_->engagement(personal), (std::pair<std::int64_t, std::int64_t>{1, 1}));
  EXPECT_EQ(*store_->engagement(anonymous), (std::pair<std::int64_t, std::int64_t>{0, 0}));
  // What was recorded is in the privacy download.
  auto data = nlohmann::json::parse(
      call("GET", "/privacy/" + token(TokenPurpose::privacy, ann.id) + "/data").body);
  ASSERT_EQ(data["clicks"].size(), 1u);
  EXPECT_EQ(data["clicks"][0]["url"], "https://example.org/speech");
  EXPECT_EQ(data["opens"][0]["opens"], 1);
  // Erasing the subscriber erases who they were in the counts; the totals stay.
  ASSERT_TRUE(store_->delete_subscriber(ann.id));
  EXPECT_EQ(*store_->engagement(personal), (std::pair<std::int64_t, std::int64_t>{0, 0}));
  EXPECT_EQ((*store_->links_of_issue(personal))[0].clicks, 1);
}

}  // namespace
}  // namespace communique
