// The storage suite: every backend runs the same tests (instantiated at the bottom).
#include "store/store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>

#include "store/open_store.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "test_support.hpp"

namespace communique {
namespace {

using communique::testing::fixed_time;
using communique::testing::TempDir;

struct Backend {
  std::string name;
  std::function<Result<std::unique_ptr<Store>>(const std::filesystem::path&)> open;
  friend void PrintTo(const Backend& backend, std::ostream* out) { *out << backend.name; }
};

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { store_ = reopen(); }

  // No call may leave a transaction open: a read left open would hide other processes'
  // writes from this connection and make its own writes fail.
  void TearDown() override {
    if (auto* sqlite = dynamic_cast<SqliteStore*>(store_.get())) {
      EXPECT_EQ(sqlite->calls_left_in_transaction(), 0);
    }
  }

  std::unique_ptr<Store> reopen() {
    auto opened = GetParam().open(dir_.path());
    EXPECT_TRUE(opened) << (opened ? "" : opened.error().message);
    return opened ? std::move(*opened) : nullptr;
  }

  MailingList make_list(const std::string& name) {
    auto list = store_->create_list(NewList{.name = name}, fixed_time());
    EXPECT_TRUE(list) << (list ? "" : list.error().message);
    return list ? *list : MailingList{};
  }

  static ImportRecord record(const std::string& email, std::optional<std::string> name = {},
                             std::string attributes = "{}") {
    auto address = EmailAddress::parse(email);
    EXPECT_TRUE(address);
    return ImportRecord{
        .email = *address, .name = std::move(name), .attributes_json = std::move(attributes)};
  }

  Subscriber subscriber(const std::string& email) {
    auto found = store_->find_subscriber(*EmailAddress::parse(email));
    EXPECT_TRUE(found) << (found ? "" : found.error().message);
    return found ? *found : Subscriber{};
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreTest, SavedSettingsAreChangedTogetherAndForgotten) {
  ASSERT_TRUE(store_->saved_settings()->empty());
  ASSERT_TRUE(store_->change_saved_settings(
      {{"sender.organisation", "Embassy"}, {"smtp.password", "s3cret"}}, fixed_time()));
  ASSERT_TRUE(store_->change_saved_settings(
      {{"sender.organisation", "Embassy Press Office"}, {"smtp.password", std::nullopt}},
      fixed_time(60)));
  const auto saved = *store_->saved_settings();
  EXPECT_EQ(saved,
            (std::map<std::string, std::string>{{"sender.organisation", "Embassy Press Office"}}));
  EXPECT_EQ(*reopen()->saved_settings(), saved);  // kept in the database
}

TEST_P(StoreTest, AnotherConnectionsWritesAreSeenAfterReadingTheSchemaVersion) {
  ASSERT_TRUE(store_->schema_version());
  auto other = reopen();
  ASSERT_TRUE(other);
  ASSERT_TRUE(other->create_list(NewList{.name = "written-elsewhere"}, fixed_time()));
  EXPECT_TRUE(store_->find_list("written-elsewhere"));
  auto ours = store_->create_list(NewList{.name = "written-here"}, fixed_time());
  EXPECT_TRUE(ours) << (ours ? "" : ours.error().message);
}

TEST_P(StoreTest, AppliesMigrationsOnceAndKeepsData) {
  auto version = store_->schema_version();
  ASSERT_TRUE(version);
  EXPECT_EQ(*version, 16);
  make_list("press");
  store_.reset();
  store_ = reopen();
  ASSERT_TRUE(store_);
  EXPECT_EQ(*store_->schema_version(), 16);
  EXPECT_TRUE(store_->find_list("press"));
}

TEST_P(StoreTest, SubscriberIdsAreNeverGivenTwiceEvenAfterTheNewestIsDeleted) {
  auto ann = store_->add_subscriber(NewSubscriber{*EmailAddress::parse("ann@example.org")}, {},
                                    SubscriptionStatus::confirmed, fixed_time());
  auto bob = store_->add_subscriber(NewSubscriber{*EmailAddress::parse("bob@example.org")}, {},
                                    SubscriptionStatus::confirmed, fixed_time());
  ASSERT_TRUE(ann && bob);
  ASSERT_TRUE(store_->delete_subscriber(bob->id));
  auto cleo = store_->add_subscriber(NewSubscriber{*EmailAddress::parse("cleo@example.org")}, {},
                                     SubscriptionStatus::confirmed, fixed_time());
  ASSERT_TRUE(cleo);
  EXPECT_GT(cleo->id, bob->id);
  // Imports too, and after a reopen.
  ASSERT_TRUE(store_->delete_subscriber(cleo->id));
  store_ = reopen();
  const auto list = make_list("press");
  const ImportRecord dan[] = {record("dan@example.org")};
  ASSERT_TRUE(store_->import_batch(list.id, dan, {.now = fixed_time()}));
  EXPECT_GT(subscriber("dan@example.org").id, cleo->id);
}

TEST_P(StoreTest, EachNewSubscriberHasARandomLinkKeyOfTheirOwn) {
  auto ann = store_->add_subscriber(NewSubscriber{*EmailAddress::parse("ann@example.org")}, {},
                                    SubscriptionStatus::confirmed, fixed_time());
  ASSERT_TRUE(ann);
  EXPECT_EQ(ann->link_key.size(), 16u);
  EXPECT_EQ(subscriber("ann@example.org").link_key, ann->link_key);
  EXPECT_EQ(store_->find_subscriber(ann->id)->link_key, ann->link_key);
  const auto list = make_list("press");
  const ImportRecord bob[] = {record("bob@example.org")};
  ASSERT_TRUE(store_->import_batch(list.id, bob, {.now = fixed_time()}));
  const auto imported = subscriber("bob@example.org");
  EXPECT_EQ(imported.link_key.size(), 16u);
  EXPECT_NE(imported.link_key, ann->link_key);
  // An import that updates a known subscriber keeps their key, and their links with it.
  const ImportRecord again[] = {record("bob@example.org", "Bob")};
  ASSERT_TRUE(store_->import_batch(list.id, again, {.now = fixed_time(60)}));
  EXPECT_EQ(subscriber("bob@example.org").link_key, imported.link_key);
  auto updated = store_->update_subscriber(ann->id, SubscriberChange{.name = "Ann"}, fixed_time());
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->link_key, ann->link_key);
}

TEST_P(StoreTest, ListNamesAreUniqueIgnoringCase) {
  auto created = store_->create_list(NewList{.name = "Press",
                                             .description = "Statements",
                                             .visibility = ListVisibility::private_list,
                                             .opt_in = OptIn::double_opt_in},
                                     fixed_time());
  ASSERT_TRUE(created);
  auto found = store_->find_list("press");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, created->id);
  EXPECT_EQ(found->name, "Press");
  EXPECT_EQ(found->description, "Statements");
  EXPECT_EQ(found->visibility, ListVisibility::private_list);
  EXPECT_EQ(found->opt_in, OptIn::double_opt_in);
  EXPECT_EQ(found->created_at, fixed_time());

  auto duplicate = store_->create_list(NewList{.name = "PRESS"}, fixed_time());
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().code, ErrorCode::conflict);
  auto missing = store_->find_list("nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
}

TEST_P(StoreTest, AListKeepsItsTitleAndChangesOnlyWhatAnUpdateGives) {
  auto created = store_->create_list(
      NewList{.name = "press", .title = "Press releases", .description = "Statements"},
      fixed_time());
  ASSERT_TRUE(created);
  EXPECT_EQ(created->title, "Press releases");
  EXPECT_EQ(store_->find_list("press")->title, "Press releases");
  EXPECT_EQ(store_->find_list(created->id)->display_name(), "Press releases");
  EXPECT_EQ((*store_->lists())[0].title, "Press releases");
  EXPECT_EQ((*store_->list_summaries())[0].list.title, "Press releases");

  auto retitled =
      store_->update_list(created->id, ListChanges{.title = "Пресс-релизы"}, fixed_time(60));
  ASSERT_TRUE(retitled) << retitled.error().message;
  EXPECT_EQ(retitled->name, "press");
  EXPECT_EQ(retitled->title, "Пресс-релизы");
  EXPECT_EQ(retitled->description, "Statements");

  auto untitled = store_->update_list(created->id, ListChanges{.title = "", .description = "New"},
                                      fixed_time(60));
  ASSERT_TRUE(untitled);
  EXPECT_EQ(store_->find_list("press")->display_name(), "press");
  EXPECT_EQ(store_->find_list("press")->description, "New");

  auto missing = store_->update_list(created->id + 100, ListChanges{.title = "x"}, fixed_time());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
}

TEST_P(StoreTest, TopicsBelongToOneList) {
  auto press = make_list("press");
  auto digest = make_list("digest");
  ASSERT_TRUE(store_->create_topic(press.id, "health", "Health services", fixed_time()));
  ASSERT_TRUE(store_->create_topic(press.id, "travel", "", fixed_time()));
  ASSERT_TRUE(store_->create_topic(digest.id, "health", "", fixed_time()));
  auto again = store_->create_topic(press.id, "Health", "", fixed_time());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
  auto topics = store_->topics(press.id);
  ASSERT_TRUE(topics);
  ASSERT_EQ(topics->size(), 2u);
  EXPECT_EQ((*topics)[0].name, "health");
  EXPECT_EQ((*topics)[0].description, "Health services");
  EXPECT_EQ((*topics)[1].name, "travel");
}

TEST_P(StoreTest, ImportAddsNewSubscribersAndUpdatesKnownOnes) {
  auto list = make_list("press");
  std::vector<ImportRecord> first{record("ann@example.org", "Ann", R"({"city":"Oslo"})"),
                                  record("bob@example.org")};
  auto counts = store_->import_batch(list.id, first, {.now = fixed_time()});
  ASSERT_TRUE(counts) << counts.error().message;
  EXPECT_EQ(counts->imported, 2);
  EXPECT_EQ(counts->updated, 0);

  // The same person with other capitals; no name given; one more attribute.
  std::vector<ImportRecord> second{record("ANN@Example.org", std::nullopt, R"({"org":"UN"})")};
  counts = store_->import_batch(list.id, second, {.now = fixed_time(60)});
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->imported, 0);
  EXPECT_EQ(counts->updated, 1);

  auto ann = subscriber("ann@example.org");
  EXPECT_EQ(ann.email, "ann@example.org");
  EXPECT_EQ(ann.name, "Ann");                                       // absent field kept
  EXPECT_EQ(ann.attributes_json, R"({"city":"Oslo","org":"UN"})");  // merged
  EXPECT_EQ(ann.created_at, fixed_time());
  EXPECT_EQ(ann.updated_at, fixed_time(60));
  EXPECT_EQ(*store_->count_subscribers(std::nullopt), 2);
  EXPECT_EQ(*store_->count_subscribers(list.id), 2);
}

TEST_P(StoreTest, SkipModeLeavesKnownSubscribersAlone) {
  auto list = make_list("press");
  auto other = make_list("other");
  std::vector<ImportRecord> first{record("ann@example.org", "Ann")};
  ASSERT_TRUE(store_->import_batch(list.id, first, {.now = fixed_time()}));
  std::vector<ImportRecord> second{record("ann@example.org", "Changed"), record("new@example.org")};
  auto counts = store_->import_batch(other.id, second,
                                     {.mode = ImportMode::skip_existing, .now = fixed_time(5)});
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->imported, 1);
  EXPECT_EQ(counts->skipped, 1);
  EXPECT_EQ(counts->updated, 0);
  EXPECT_EQ(subscriber("ann@example.org").name, "Ann");
  EXPECT_EQ(*store_->count_subscribers(other.id), 1);
}

TEST_P(StoreTest, ImportNeverRevivesAnUnsubscribedMember) {
  auto list = make_list("press");
  std::vector<ImportRecord> records{record("ann@example.org")};
  ASSERT_TRUE(store_->import_batch(list.id, records, {.now = fixed_time()}));
  auto ann = subscriber("ann@example.org");
  ASSERT_TRUE(store_->set_subscription_status(ann.id, list.id, SubscriptionStatus::unsubscribed,
                                              fixed_time(1)));
  ASSERT_TRUE(store_->import_batch(list.id, records, {.now = fixed_time(2)}));
  auto subscriptions = store_->subscriptions_of(ann.id);
  ASSERT_TRUE(subscriptions);
  ASSERT_EQ(subscriptions->size(), 1u);
  EXPECT_EQ((*subscriptions)[0].status, SubscriptionStatus::unsubscribed);
  EXPECT_EQ(*store_->count_subscribers(list.id), 0);
}

TEST_P(StoreTest, ImportPromotesUnconfirmedButNeverDemotes) {
  auto list = make_list("press");
  std::vector<ImportRecord> records{record("ann@example.org"), record("bob@example.org")};
  ASSERT_TRUE(
      store_->import_batch(list.id, std::span(records).first(1),
                           {.status = SubscriptionStatus::unconfirmed, .now = fixed_time()}));
  ASSERT_TRUE(store_->import_batch(list.id, std::span(records).last(1),
                                   {.status = SubscriptionStatus::confirmed, .now = fixed_time()}));
  // Ann is promoted by a confirmed import; Bob stays confirmed under an unconfirmed one.
  ASSERT_TRUE(store_->import_batch(list.id, std::span(records).first(1),
                                   {.status = SubscriptionStatus::confirmed, .now = fixed_time()}));
  ASSERT_TRUE(
      store_->import_batch(list.id, std::span(records).last(1),
                           {.status = SubscriptionStatus::unconfirmed, .now = fixed_time()}));
  EXPECT_EQ((*store_->subscriptions_of(subscriber("ann@example.org").id))[0].status,
            SubscriptionStatus::confirmed);
  EXPECT_EQ((*store_->subscriptions_of(subscriber("bob@example.org").id))[0].status,
            SubscriptionStatus::confirmed);
}

TEST_P(StoreTest, AFailingBatchWritesNothing) {
  auto list = make_list("press");
  // The middle record breaks a database constraint (attributes must be JSON).
  std::vector<ImportRecord> records{record("ann@example.org"),
                                    record("bad@example.org", std::nullopt, "{not json"),
                                    record("cid@example.org")};
  auto counts = store_->import_batch(list.id, records, {.now = fixed_time()});
  ASSERT_FALSE(counts);
  EXPECT_NE(counts.error().message.find("bad@example.org"), std::string::npos);
  EXPECT_EQ(*store_->count_subscribers(std::nullopt), 0);
  // The store is usable afterwards: the transaction was rolled back, not left open.
  std::vector<ImportRecord> good{record("ann@example.org")};
  EXPECT_TRUE(store_->import_batch(list.id, good, {.now = fixed_time()}));
  EXPECT_EQ(*store_->count_subscribers(std::nullopt), 1);
}

TEST_P(StoreTest, SummariesCountMembersByStatus) {
  auto press = make_list("press");
  make_list("empty");
  std::vector<ImportRecord> records{record("a@example.org"), record("b@example.org"),
                                    record("c@example.org")};
  ASSERT_TRUE(store_->import_batch(press.id, records, {.now = fixed_time()}));
  ASSERT_TRUE(store_->set_subscription_status(subscriber("b@example.org").id, press.id,
                                              SubscriptionStatus::unconfirmed, fixed_time()));
  ASSERT_TRUE(store_->set_subscription_status(subscriber("c@example.org").id, press.id,
                                              SubscriptionStatus::unsubscribed, fixed_time()));
  ASSERT_TRUE(store_->create_topic(press.id, "health", "", fixed_time()));
  auto summaries = store_->list_summaries();
  ASSERT_TRUE(summaries);
  ASSERT_EQ(summaries->size(), 2u);
  EXPECT_EQ((*summaries)[0].list.name, "empty");
  EXPECT_EQ((*summaries)[0].confirmed, 0);
  const auto& p = (*summaries)[1];
  EXPECT_EQ(p.list.name, "press");
  EXPECT_EQ(p.confirmed, 1);
  EXPECT_EQ(p.unconfirmed, 1);
  EXPECT_EQ(p.unsubscribed, 1);
  EXPECT_EQ(p.topics, 1);
}

TEST_P(StoreTest, MembersStreamInOrderAndVisitErrorsStopTheWalk) {
  auto list = make_list("press");
  std::vector<ImportRecord> records;
  for (int i = 0; i < 50; ++i) {
    records.push_back(record("user" + std::to_string(i) + "@example.org"));
  }
  ASSERT_TRUE(store_->import_batch(list.id, records, {.now = fixed_time()}));
  std::vector<std::string> seen;
  ASSERT_TRUE(store_->for_each_member(list.id, [&](const Member& member) -> Result<void> {
    seen.push_back(member.subscriber.email);
    EXPECT_EQ(member.status, SubscriptionStatus::confirmed);
    return ok();
  }));
  ASSERT_EQ(seen.size(), 50u);
  EXPECT_EQ(seen.front(), "user0@example.org");
  EXPECT_EQ(seen.back(), "user49@example.org");

  int visits = 0;
  auto stopped = store_->for_each_member(list.id, [&](const Member&) -> Result<void> {
    if (++visits == 3) {
      return make_error(ErrorCode::io, "pipe closed");
    }
    return ok();
  });
  ASSERT_FALSE(stopped);
  EXPECT_EQ(stopped.error().message, "pipe closed");
  EXPECT_EQ(visits, 3);
  // The walk released its statement: the next call works.
  EXPECT_EQ(*store_->count_subscribers(list.id), 50);
}

TEST_P(StoreTest, IssuesKeepTheirListsAndSectionsInOrder) {
  auto press = make_list("press");
  auto digest = make_list("digest");
  Issue issue;
  issue.kind = IssueKind::digest;
  issue.subject = "Weekly digest";
  issue.language = "ru";
  issue.template_name = "embassy";
  issue.lists = {press.id, digest.id};
  issue.sections = {{"News", BodyFormat::markdown, "The President..."},
                    {"Travel", BodyFormat::html, "<p>Museums</p>"}};
  auto created = store_->create_issue(issue, fixed_time());
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_GT(created->id, 0);
  auto found = store_->find_issue(created->id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->kind, IssueKind::digest);
  EXPECT_EQ(found->status, IssueStatus::draft);
  EXPECT_EQ(found->subject, "Weekly digest");
  EXPECT_EQ(found->template_name, "embassy");
  EXPECT_EQ(found->lists, (std::vector<ListId>{press.id, digest.id}));
  ASSERT_EQ(found->sections.size(), 2u);
  EXPECT_EQ(found->sections[0].title, "News");
  EXPECT_EQ(found->sections[1].format, BodyFormat::html);
  EXPECT_EQ(found->sections[1].body, "<p>Museums</p>");
  auto all = store_->issues();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].lists.size(), 2u);
  EXPECT_EQ(store_->find_issue(999).error().code, ErrorCode::not_found);
}

TEST_P(StoreTest, AnEditionDateIsKeptAndChangedOnlyBeforeLettersAreMade) {
  using namespace std::chrono;
  auto press = make_list("press");
  Issue issue;
  issue.subject = "Weekly";
  issue.lists = {press.id};
  issue.sections = {{"", BodyFormat::markdown, "x"}};
  issue.edition_date = year_month_day(year(2030), January, day(15));
  const auto id = store_->create_issue(issue, fixed_time())->id;
  EXPECT_EQ(store_->find_issue(id)->edition_date, issue.edition_date);
  EXPECT_EQ((*store_->issues())[0].edition_date, issue.edition_date);

  issue.id = id;
  issue.edition_date.reset();
  ASSERT_TRUE(store_->update_issue(issue, fixed_time()));
  EXPECT_FALSE(store_->find_issue(id)->edition_date);

  const year_month_day later(year(2030), February, day(1));
  ASSERT_TRUE(store_->set_issue_edition_date(id, later, fixed_time()));
  EXPECT_EQ(store_->find_issue(id)->edition_date, later);

  // A run that has started (it holds the lease) fixes what its letters say, even while the
  // issue is still a draft: neither its date nor the rest can change under it.
  ASSERT_TRUE(store_->take_issue_lease(id, "runner", "", fixed_time(), fixed_time(60))->granted);
  auto dated = store_->set_issue_edition_date(id, std::nullopt, fixed_time(1));
  ASSERT_FALSE(dated);
  EXPECT_EQ(dated.error().code, ErrorCode::conflict);
  EXPECT_NE(dated.error().message.find("is being sent"), std::string::npos)
      << dated.error().message;
  issue.subject = "Changed under the runner";
  auto edited = store_->update_issue(issue, fixed_time(1));
  ASSERT_FALSE(edited);
  EXPECT_NE(edited.error().message.find("is being sent"), std::string::npos);
  EXPECT_EQ(store_->find_issue(id)->subject, "Weekly");
  EXPECT_EQ(store_->find_issue(id)->edition_date, later);
  // A lease that ran out (its runner is gone) holds nothing back.
  ASSERT_TRUE(store_->set_issue_edition_date(id, later, fixed_time(61)));
  ASSERT_TRUE(store_->set_issue_status(id, IssueStatus::sent, fixed_time()));
  auto refused = store_->set_issue_edition_date(id, std::nullopt, fixed_time());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::conflict);
  EXPECT_NE(refused.error().message.find("is sent"), std::string::npos);
  EXPECT_EQ(store_->find_issue(id)->edition_date, later);
  EXPECT_EQ(store_->set_issue_edition_date(999, later, fixed_time()).error().code,
            ErrorCode::not_found);
}

TEST_P(StoreTest, AnIssueForAMissingListWritesNothing) {
  Issue issue;
  issue.subject = "Orphan";
  issue.lists = {12345};
  issue.sections = {{"", BodyFormat::markdown, "x"}};
  auto created = store_->create_issue(issue, fixed_time());
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, ErrorCode::not_found);
  EXPECT_TRUE(store_->issues()->empty());
}

TEST_P(StoreTest, SecretsAreMadeOnceAndKept) {
  int calls = 0;
  auto generate = [&] {
    ++calls;
    return std::string("secret-") + std::to_string(calls);
  };
  auto first = store_->secret("link-signing", generate, fixed_time());
  auto second = store_->secret("link-signing", generate, fixed_time());
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  EXPECT_EQ(*first, "secret-1");
  EXPECT_EQ(*second, "secret-1");
  EXPECT_EQ(calls, 1);
  store_.reset();
  store_ = reopen();
  EXPECT_EQ(*store_->secret("link-signing", generate, fixed_time()), "secret-1");
}

TEST_P(StoreTest, TheAudienceIsFrozenOnceWithEachRecipientOnce) {
  auto press = make_list("press");
  auto digest = make_list("digest");
  std::vector<ImportRecord> both{record("ann@example.org"), record("bob@example.org")};
  std::vector<ImportRecord> pending{record("cid@example.org")};
  ASSERT_TRUE(store_->import_batch(press.id, both, {.now = fixed_time()}));
  ASSERT_TRUE(store_->import_batch(digest.id, both, {.now = fixed_time()}));
  ASSERT_TRUE(store_->import_batch(
      press.id, pending, {.status = SubscriptionStatus::unconfirmed, .now = fixed_time()}));
  ASSERT_TRUE(store_->set_subscription_status(subscriber("bob@example.org").id, press.id,
                                              SubscriptionStatus::unsubscribed, fixed_time()));
  Issue issue;
  issue.subject = "S";
  issue.lists = {press.id, digest.id};
  issue.sections = {{"", BodyFormat::markdown, "x"}};
  const auto id = store_->create_issue(issue, fixed_time())->id;

  auto added = store_->freeze_audience(id, fixed_time());
  ASSERT_TRUE(added) << added.error().message;
  // Ann (both lists, once) and Bob (still confirmed on digest); not Cid (unconfirmed).
  EXPECT_EQ(*added, 2);
  EXPECT_EQ(*store_->freeze_audience(id, fixed_time()), 0);
  auto counts = store_->delivery_counts(id);
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->queued, 2);
  EXPECT_EQ(counts->total(), 2);
}

// The addresses an issue's frozen audience holds, in address order.
std::vector<std::string> frozen_audience(Store& store, IssueId issue) {
  EXPECT_TRUE(store.freeze_audience(issue, fixed_time()));
  auto claimed = store.claim_recipients(issue, 1000, fixed_time());
  EXPECT_TRUE(claimed);
  std::vector<std::string> emails;
  for (const auto& recipient : claimed ? *claimed : std::vector<Recipient>{}) {
    emails.push_back(recipient.subscriber.email);
  }
  std::sort(emails.begin(), emails.end());
  return emails;
}

TEST_P(StoreTest, AnIssueToTopicsReachesMembersWhoChoseOneOfThemOrNoTopicOfTheList) {
  auto press = make_list("press");
  auto digest = make_list("digest");
  auto sport = *store_->create_topic(press.id, "sport", "", fixed_time());
  auto arts = *store_->create_topic(press.id, "arts", "", fixed_time());
  auto travel = *store_->create_topic(digest.id, "travel", "", fixed_time());
  std::vector<ImportRecord> people{record("ann@example.org"), record("bob@example.org"),
                                   record("cid@example.org"), record("dee@example.org")};
  ASSERT_TRUE(store_->import_batch(press.id, people, {.now = fixed_time()}));
  // Ann chose sport, Bob arts, Cid nothing; Dee chose only a topic of another list.
  const std::vector<TopicId> ann{sport.id};
  const std::vector<TopicId> bob{arts.id};
  const std::vector<TopicId> dee{travel.id};
  ASSERT_TRUE(store_->set_subscriber_topics(subscriber("ann@example.org").id, press.id, ann));
  ASSERT_TRUE(store_->set_subscriber_topics(subscriber("bob@example.org").id, press.id, bob));
  ASSERT_TRUE(store_->set_subscription_status(subscriber("dee@example.org").id, digest.id,
                                              SubscriptionStatus::unsubscribed, fixed_time()));
  ASSERT_TRUE(store_->set_subscriber_topics(subscriber("dee@example.org").id, digest.id, dee));
  Issue issue;
  issue.subject = "Match report";
  issue.lists = {press.id};
  issue.topics = {sport.id};
  issue.sections = {{"", BodyFormat::markdown, "x"}};
  const auto id = store_->create_issue(issue, fixed_time())->id;

  EXPECT_EQ(frozen_audience(*store_, id),
            (std::vector<std::string>{"ann@example.org", "cid@example.org", "dee@example.org"}));
}

TEST_P(StoreTest, TopicsOfOneListDoNotNarrowTheAudienceOfAnotherListOfTheIssue) {
  auto press = make_list("press");
  auto digest = make_list("digest");
  auto sport = *store_->create_topic(press.id, "sport", "", fixed_time());
  auto travel = *store_->create_topic(digest.id, "travel", "", fixed_time());
  ASSERT_TRUE(store_->import_batch(press.id, std::vector<ImportRecord>{record("ann@example.org")},
                                   {.now = fixed_time()}));
  ASSERT_TRUE(store_->import_batch(digest.id, std::vector<ImportRecord>{record("bob@example.org")},
                                   {.now = fixed_time()}));
  const std::vector<TopicId> bob{travel.id};
  ASSERT_TRUE(store_->set_subscriber_topics(subscriber("bob@example.org").id, digest.id, bob));
  Issue issue;
  issue.subject = "S";
  issue.lists = {press.id, digest.id};
  issue.topics = {sport.id};
  issue.sections = {{"", BodyFormat::markdown, "x"}};
  const auto id = store_->create_issue(issue, fixed_time())->id;

  // The issue names no topic of digest: all of digest's members receive it.
  EXPECT_EQ(frozen_audience(*store_, id),
            (std::vector<std::string>{"ann@example.org", "bob@example.org"}));
}

TEST_P(StoreTest, AnIssueOfACadenceReachesMembersWhoseOwnOrTheListsDefaultCadenceItIs) {
  auto press = make_list("press");
  ListChanges daily_by_default;
  daily_by_default.default_cadence = Cadence::daily;
  ASSERT_TRUE(store_->update_list(press.id, daily_by_default, fixed_time()));
  std::vector<ImportRecord> people{record("ann@example.org"), record("bob@example.org"),
                                   record("cid@example.org")};
  ASSERT_TRUE(store_->import_batch(press.id, people, {.now = fixed_time()}));
  // Ann chose weekly, Bob immediate, Cid nothing (the list's daily).
  ASSERT_TRUE(store_->set_subscription_cadence(subscriber("ann@example.org").id, press.id,
                                               Cadence::weekly, fixed_time()));
  ASSERT_TRUE(store_->set_subscription_cadence(subscriber("bob@example.org").id, press.id,
                                               Cadence::immediate, fixed_time()));
  const auto issue_of = [&](std::optional<Cadence> cadence) {
    Issue issue;
    issue.subject = "S";
    issue.lists = {press.id};
    issue.cadence = cadence;
    issue.sections = {{"", BodyFormat::markdown, "x"}};
    return store_->create_issue(issue, fixed_time())->id;
  };

  EXPECT_EQ(frozen_audience(*store_, issue_of(Cadence::weekly)),
            std::vector<std::string>{"ann@example.org"});
  EXPECT_EQ(frozen_audience(*store_, issue_of(Cadence::immediate)),
            std::vector<std::string>{"bob@example.org"});
  EXPECT_EQ(frozen_audience(*store_, issue_of(Cadence::daily)),
            std::vector<std::string>{"cid@example.org"});
  EXPECT_TRUE(frozen_audience(*store_, issue_of(Cadence::monthly)).empty());
  // A plain letter goes to everyone, whatever their cadence.
  EXPECT_EQ(frozen_audience(*store_, issue_of(std::nullopt)).size(), 3u);
}

TEST_P(StoreTest, ACadenceIsSetOnlyOnAListTheSubscriberIsOnAndCanGoBackToTheDefault) {
  auto press = make_list("press");
  auto other = make_list("other");
  ASSERT_TRUE(store_->import_batch(press.id, std::vector<ImportRecord>{record("ann@example.org")},
                                   {.now = fixed_time()}));
  const auto ann = subscriber("ann@example.org").id;
  auto refused = store_->set_subscription_cadence(ann, other.id, Cadence::daily, fixed_time());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::not_found);
  ASSERT_EQ(store_->subscriptions_of(ann)->size(), 1u);  // not put on `other`

  ASSERT_TRUE(store_->set_subscription_cadence(ann, press.id, Cadence::monthly, fixed_time()));
  EXPECT_EQ(store_->subscriptions_of(ann)->front().cadence, Cadence::monthly);
  ASSERT_TRUE(store_->set_subscription_cadence(ann, press.id, std::nullopt, fixed_time()));
  EXPECT_EQ(store_->subscriptions_of(ann)->front().cadence, std::nullopt);
}

TEST_P(StoreTest, APreferenceSaveSetsCadencesOnlyOnTheSubscribersListsInItsTransaction) {
  auto press = make_list("press");
  auto other = make_list("other");
  ASSERT_TRUE(store_->import_batch(press.id, std::vector<ImportRecord>{record("ann@example.org")},
                                   {.now = fixed_time()}));
  const auto ann = subscriber("ann@example.org").id;
  PreferenceChange change;
  change.name = "Ann";
  change.cadences = {{press.id, Cadence::daily}, {other.id, Cadence::weekly}};
  ASSERT_TRUE(store_->apply_preferences(ann, change, fixed_time()));
  auto subscriptions = store_->subscriptions_of(ann);
  ASSERT_EQ(subscriptions->size(), 1u);
  EXPECT_EQ(subscriptions->front().list_id, press.id);
  EXPECT_EQ(subscriptions->front().cadence, Cadence::daily);
}

TEST_P(StoreTest, DeliveryProblemsCountEachReplyOfDeferredAndFailedRecipients) {
  auto list = make_list("press");
  std::vector<ImportRecord> records;
  for (int i = 0; i < 6; ++i) {
    records.push_back(record("p" + std::to_string(i) + "@example.org"));
  }
  ASSERT_TRUE(store_->import_batch(list.id, records, {.now = fixed_time()}));
  Issue issue;
  issue.subject = "S";
  issue.lists = {list.id};
  const auto id = store_->create_issue(issue, fixed_time())->id;
  ASSERT_TRUE(store_->freeze_audience(id, fixed_time()));
  auto claimed = store_->claim_recipients(id, 6, fixed_time());
  ASSERT_TRUE(claimed);
  ASSERT_EQ(claimed->size(), 6u);
  const std::string full = "452 4.2.2 Mailbox full";
  const std::string unknown = "550 5.1.1 User unknown";
  std::vector<DeliveryResult> results;
  for (std::size_t i = 0; i < claimed->size(); ++i) {
    const auto subscriber = (*claimed)[i].subscriber.id;
    if (i < 3) {
      results.push_back({subscriber, DeliveryState::deferred, fixed_time(), full});
    } else if (i < 5) {
      results.push_back({subscriber, DeliveryState::failed, {}, unknown});
    } else {
      results.push_back({subscriber, DeliveryState::sent, {}, "250 2.0.0 Ok"});
    }
  }
  ASSERT_TRUE(store_->record_deliveries(id, results, fixed_time()));

  auto problems = store_->delivery_problems(id, 5);
  ASSERT_TRUE(problems) << problems.error().message;
  ASSERT_EQ(problems->size(), 2u);  // the sent recipient's reply is no problem
  EXPECT_EQ((*problems)[0].state, DeliveryState::deferred);
  EXPECT_EQ((*problems)[0].reply, full);
  EXPECT_EQ((*problems)[0].count, 3);
  EXPECT_EQ((*problems)[1].state, DeliveryState::failed);
  EXPECT_EQ((*problems)[1].reply, unknown);
  EXPECT_EQ((*problems)[1].count, 2);
  EXPECT_EQ(store_->delivery_problems(id, 1)->size(), 1u);
}

TEST_P(StoreTest, ALetterGivenBackUntriedKeepsItsAttemptCount) {
  auto list = make_list("press");
  const std::vector<ImportRecord> records = {record("r0@example.org")};
  ASSERT_TRUE(store_->import_batch(list.id, records, {.now = fixed_time()}));
  Issue issue;
  issue.subject = "S";
  issue.lists = {list.id};
  const auto id = store_->create_issue(issue, fixed_time())->id;
  ASSERT_TRUE(store_->freeze_audience(id, fixed_time()));
  auto claimed = store_->claim_recipients(id, 1, fixed_time());
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ((*claimed)[0].attempts, 1);
  // A halt gave it back before the transport tried it: that claim was no attempt.
  const DeliveryResult given_back[] = {
      {.subscriber = (*claimed)[0].subscriber.id, .state = DeliveryState::queued}};
  ASSERT_TRUE(store_->record_deliveries(id, given_back, fixed_time()));
  auto again = store_->claim_recipients(id, 1, fixed_time(1));
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].attempts, 1);
}

TEST_P(StoreTest, TheLedgerClaimsRecordsRetriesAndRecovers) {
  auto list = make_list("press");
  std::vector<ImportRecord> records;
  for (int i = 0; i < 5; ++i) {
    records.push_back(record("r" + std::to_string(i) + "@example.org"));
  }
  ASSERT_TRUE(store_->import_batch(list.id, records, {.now = fixed_time()}));
  Issue issue;
  issue.subject = "S";
  issue.lists = {list.id};
  const auto id = store_->create_issue(issue, fixed_time())->id;
  ASSERT_TRUE(store_->freeze_audience(id, fixed_time()));

  auto first = store_->claim_recipients(id, 3, fixed_time());
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_EQ(first->size(), 3u);
  EXPECT_EQ((*first)[0].subscriber.email, "r0@example.org");
  EXPECT_EQ((*first)[0].attempts, 1);
  EXPECT_EQ(store_->delivery_counts(id)->sending, 3);

  const DeliveryResult results[] = {
      {(*first)[0].subscriber.id, DeliveryState::sent, {}, "250 ok"},
      {(*first)[1].subscriber.id, DeliveryState::deferred, fixed_time(600), "451 later"},
      {(*first)[2].subscriber.id, DeliveryState::failed, {}, "550 unknown user"}};
  ASSERT_TRUE(store_->record_deliveries(id, results, fixed_time()));

  // The rest are claimed next; the deferred one only once it is due.
  auto second = store_->claim_recipients(id, 10, fixed_time(1));
  ASSERT_TRUE(second);
  ASSERT_EQ(second->size(), 2u);
  EXPECT_EQ((*second)[0].subscriber.email, "r3@example.org");
  auto later = store_->claim_recipients(id, 10, fixed_time(600));
  ASSERT_EQ(later->size(), 1u);
  EXPECT_EQ((*later)[0].subscriber.email, "r1@example.org");
  EXPECT_EQ((*later)[0].attempts, 2);

  // A runner dies holding three: the next runner to take the issue's lease puts them back
  // in the queue, nothing is lost.
  auto counts = *store_->delivery_counts(id);
  EXPECT_EQ(counts.sending, 3);
  EXPECT_EQ(counts.sent, 1);
  EXPECT_EQ(counts.failed, 1);
  auto taken = store_->take_issue_lease(id, "next", "", fixed_time(700), fixed_time(760));
  ASSERT_TRUE(taken) << taken.error().message;
  EXPECT_TRUE(taken->granted);
  EXPECT_EQ(taken->requeued, 3);
  counts = *store_->delivery_counts(id);
  EXPECT_EQ(counts.queued, 3);
  EXPECT_EQ(counts.sending, 0);
  EXPECT_FALSE(counts.finished());
  EXPECT_EQ(store_->claim_recipients(id, 10, fixed_time(700))->size(), 3u);
}

TEST_P(StoreTest, DigestReadersComeWithTheirTopicsAndThePostsTheyReceived) {
  auto list = make_list("press");
  std::vector<ImportRecord> records{record("r0@example.org"), record("r1@example.org"),
                                    record("r2@example.org")};
  ASSERT_TRUE(store_->import_batch(list.id, records, {.now = fixed_time()}));
  const auto news = store_->create_topic(list.id, "news", "", fixed_time())->id;
  const auto travel = store_->create_topic(list.id, "travel", "", fixed_time())->id;
  const SubscriberId r0 = subscriber("r0@example.org").id;
  const SubscriberId r1 = subscriber("r1@example.org").id;
  const SubscriberId r2 = subscriber("r2@example.org").id;
  const TopicId r0_topics[] = {news};
  const TopicId r1_topics[] = {news, travel};
  ASSERT_TRUE(store_->set_subscriber_topics(r0, list.id, r0_topics));
  ASSERT_TRUE(store_->set_subscriber_topics(r1, list.id, r1_topics));
  const auto section = store_->create_section(list.id, "News", fixed_time())->id;
  std::vector<PostId> posts;
  for (const char* title : {"One", "Two", "Three"}) {
    auto post = store_->create_post(Post{.list_id = list.id,
                                         .section_id = section,
                                         .title = title,
                                         .body = "Body",
                                         .status = PostStatus::published,
                                         .published_at = fixed_time()},
                                    fixed_time());
    ASSERT_TRUE(post) << post.error().message;
    posts.push_back(post->id);
  }
  const auto digest = [&](std::vector<PostId> ids) {
    Issue issue;
    issue.kind = IssueKind::digest;
    issue.subject = "Digest";
    issue.lists = {list.id};
    issue.posts = std::move(ids);
    return store_->create_issue(issue, fixed_time())->id;
  };
  const auto first = digest({posts[0], posts[1]});
  const auto unrelated = digest({posts[2]});
  for (const IssueId issue : {first, unrelated}) {
    ASSERT_TRUE(store_->freeze_audience(issue, fixed_time()));
    ASSERT_EQ(store_->claim_recipients(issue, 10, fixed_time())->size(), 3u);
  }
  const DeliveryResult results[] = {
      {.subscriber = r0, .state = DeliveryState::sent, .items = {posts[0]}},
      {.subscriber = r1, .state = DeliveryState::deferred, .items = {posts[1]}},
      {.subscriber = r2, .state = DeliveryState::sent, .items = {posts[0], posts[1]}}};
  ASSERT_TRUE(store_->record_deliveries(first, results, fixed_time()));
  const DeliveryResult elsewhere[] = {
      {.subscriber = r0, .state = DeliveryState::sent, .items = {posts[2]}},
      {.subscriber = r1, .state = DeliveryState::skipped},
      {.subscriber = r2, .state = DeliveryState::sent, .items = {posts[2]}}};
  ASSERT_TRUE(store_->record_deliveries(unrelated, elsewhere, fixed_time()));
  EXPECT_EQ(store_->delivery_counts(unrelated)->skipped, 1);
  EXPECT_TRUE(store_->delivery_counts(unrelated)->finished());

  // A second digest sharing the second post with the first.
  const auto second = digest({posts[1], posts[0]});
  const SubscriberId window[] = {r2, r0, r1};
  auto readers = store_->digest_readers(second, list.id, window);
  ASSERT_TRUE(readers) << readers.error().message;
  ASSERT_EQ(readers->size(), 3u);
  EXPECT_EQ((*readers)[0].subscriber, r2);
  EXPECT_TRUE((*readers)[0].topics.empty());  // chose none: every topic
  auto received = (*readers)[0].received;
  std::sort(received.begin(), received.end());
  EXPECT_EQ(received, (std::vector<PostId>{posts[0], posts[1]}));  // not the unrelated one
  EXPECT_EQ((*readers)[1].topics, (std::vector<TopicId>{news}));
  EXPECT_EQ((*readers)[1].received, (std::vector<PostId>{posts[0]}));
  auto r1_chosen = (*readers)[2].topics;
  std::sort(r1_chosen.begin(), r1_chosen.end());
  EXPECT_EQ(r1_chosen, (std::vector<TopicId>{news, travel}));
  EXPECT_TRUE((*readers)[2].received.empty());  // deferred: not received
}

TEST_P(StoreTest, AnIssueLeaseIsTakenRenewedAndTakenOverOnlyOnceItRunsOut) {
  auto list = make_list("press");
  const ImportRecord records[] = {record("a@example.org"), record("b@example.org")};
  ASSERT_TRUE(store_->import_batch(list.id, records, {.now = fixed_time()}));
  Issue issue;
  issue.subject = "S";
  issue.lists = {list.id};
  const auto id = store_->create_issue(issue, fixed_time())->id;

  // Runner A takes the free lease and claims both recipients.
  auto a = store_->take_issue_lease(id, "host:1:a", "", fixed_time(), fixed_time(60));
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_TRUE(a->granted);
  EXPECT_EQ(a->holder.owner, "host:1:a");
  ASSERT_TRUE(store_->freeze_audience(id, fixed_time()));
  ASSERT_EQ(store_->claim_recipients(id, 10, fixed_time())->size(), 2u);

  // B is refused while A's lease runs, and A's letters in flight stay A's.
  auto b = store_->take_issue_lease(id, "host:2:b", "", fixed_time(30), fixed_time(90));
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->granted);
  EXPECT_EQ(b->holder.owner, "host:1:a");
  EXPECT_EQ(b->holder.expires_at, fixed_time(60));
  EXPECT_EQ(store_->delivery_counts(id)->sending, 2);

  // A's heartbeat pushes the end back: B is still refused after the first end.
  EXPECT_TRUE(*store_->renew_issue_lease(id, "host:1:a", fixed_time(100)));
  EXPECT_FALSE(
      store_->take_issue_lease(id, "host:2:b", "", fixed_time(70), fixed_time(130))->granted);
  EXPECT_EQ(store_->delivery_counts(id)->sending, 2);

  // Once A's lease has run out, B takes it over and puts A's letters back in the queue.
  b = store_->take_issue_lease(id, "host:2:b", "", fixed_time(100), fixed_time(160));
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->granted);
  EXPECT_EQ(b->requeued, 2);
  EXPECT_EQ(store_->delivery_counts(id)->queued, 2);

  // A, late, finds its lease gone and cannot end B's.
  EXPECT_FALSE(*store_->renew_issue_lease(id, "host:1:a", fixed_time(200)));
  ASSERT_TRUE(store_->release_issue_lease(id, "host:1:a"));
  auto c = store_->take_issue_lease(id, "host:3:c", "", fixed_time(110), fixed_time(170));
  EXPECT_FALSE(c->granted);
  EXPECT_EQ(c->holder.owner, "host:2:b");
  EXPECT_EQ(c->holder.expires_at, fixed_time(160));

  // A holder known to be gone is taken over at once; a released lease is free.
  c = store_->take_issue_lease(id, "host:3:c", "host:2:b", fixed_time(110), fixed_time(170));
  EXPECT_TRUE(c->granted);
  ASSERT_TRUE(store_->release_issue_lease(id, "host:3:c"));
  auto d = store_->take_issue_lease(id, "host:4:d", "", fixed_time(111), fixed_time(171));
  EXPECT_TRUE(d->granted);
  EXPECT_EQ(d->requeued, 0);

  // Leases are per issue.
  EXPECT_TRUE(
      store_->take_issue_lease(id + 1, "host:1:a", "", fixed_time(111), fixed_time(171))->granted);
}

TEST_P(StoreTest, UnknownSubscriberIsNotFound) {
  auto missing = store_->find_subscriber(*EmailAddress::parse("ghost@example.org"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
}

TEST_P(StoreTest, AConfirmationConfirmsTheListsItAskedAboutOnce) {
  const auto weekly = make_list("weekly");
  const auto monthly = make_list("monthly");
  const auto ann = *EmailAddress::parse("ann@example.org");
  auto asked = store_->record_subscribe_request(
      ann, "Ann", fixed_time(-86400),
      [&](const SubscribeFacts& facts) {
        EXPECT_FALSE(facts.subscriber);
        return SubscribeWrites{.pending = {weekly.id}, .ask = {weekly.id}};
      },
      fixed_time());
  ASSERT_TRUE(asked && *asked) << (asked ? "no confirmation" : asked.error().message);
  const auto id = subscriber("ann@example.org").id;
  // A later request sees the letter, and keeps a list pending without asking.
  auto later = store_->record_subscribe_request(
      ann, "", fixed_time(-86400),
      [&](const SubscribeFacts& facts) {
        EXPECT_EQ(facts.recent_letters, std::vector<Timestamp>{fixed_time()});
        EXPECT_EQ(facts.subscriptions.size(), 1u);
        return SubscribeWrites{.pending = {monthly.id}};
      },
      fixed_time(60));
  ASSERT_TRUE(later);
  EXPECT_FALSE(*later);

  auto due = store_->claim_confirmation_letters(fixed_time(60), 10, fixed_time(660));
  ASSERT_TRUE(due);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].subscriber.email, "ann@example.org");
  ASSERT_EQ((*due)[0].confirmation.lists.size(), 1u);
  EXPECT_EQ((*due)[0].confirmation.lists[0].name, "weekly");
  ASSERT_TRUE(store_->record_confirmation_letter(**asked, LetterOutcome::sent, "", fixed_time(60),
                                                 fixed_time(60)));
  EXPECT_TRUE(store_->claim_confirmation_letters(fixed_time(3600), 10, fixed_time(4200))->empty());

  EXPECT_FALSE(store_->find_confirmation(**asked, id + 1));  // it names its subscriber
  auto used = store_->use_confirmation(**asked, id, fixed_time(120));
  ASSERT_TRUE(used) << used.error().message;
  const auto subscriptions = store_->subscriptions_of(id);
  ASSERT_TRUE(subscriptions);
  ASSERT_EQ(subscriptions->size(), 2u);
  for (const auto& subscription : *subscriptions) {
    EXPECT_EQ(subscription.status, subscription.list_id == weekly.id
                                       ? SubscriptionStatus::confirmed
                                       : SubscriptionStatus::unconfirmed);
  }
  auto again = store_->use_confirmation(**asked, id, fixed_time(180));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
  EXPECT_TRUE(store_->find_confirmation(**asked, id)->used_at);
}

TEST_P(StoreTest, AClaimedConfirmationLetterGoesToOneSenderUntilItsClaimRunsOut) {
  const auto weekly = make_list("weekly");
  std::vector<ConfirmationId> asked;
  for (const char* address : {"ann@example.org", "bob@example.org"}) {
    auto queued = store_->record_subscribe_request(
        *EmailAddress::parse(address), "", fixed_time(-86400),
        [&](const SubscribeFacts&) {
          return SubscribeWrites{.pending = {weekly.id}, .ask = {weekly.id}};
        },
        fixed_time());
    ASSERT_TRUE(queued && *queued);
    asked.push_back(**queued);
  }
  const auto ids = [](const std::vector<ConfirmationLetter>& letters) {
    std::vector<ConfirmationId> out;
    for (const auto& letter : letters) {
      out.push_back(letter.confirmation.id);
    }
    return out;
  };

  // The first sender claims both letters until 660; a second sender gets none of them.
  auto first = store_->claim_confirmation_letters(fixed_time(60), 10, fixed_time(660));
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(ids(*first), asked);
  auto second = store_->claim_confirmation_letters(fixed_time(61), 10, fixed_time(661));
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_TRUE(second->empty());

  // The first records one letter and dies before the other: the other comes back to
  // whoever looks once the claim has run out, and only to them.
  ASSERT_TRUE(store_->record_confirmation_letter(asked[0], LetterOutcome::sent, "", fixed_time(62),
                                                 fixed_time(62)));
  EXPECT_TRUE(store_->claim_confirmation_letters(fixed_time(659), 10, fixed_time(1259))->empty());
  auto again = store_->claim_confirmation_letters(fixed_time(660), 10, fixed_time(1260));
  ASSERT_TRUE(again);
  EXPECT_EQ(ids(*again), std::vector<ConfirmationId>{asked[1]});
  EXPECT_TRUE(store_->claim_confirmation_letters(fixed_time(661), 10, fixed_time(1261))->empty());
}

TEST_P(StoreTest, AConfirmationUsedAfterItsSubscriberWasErasedIsNotFound) {
  const auto weekly = make_list("weekly");
  auto asked = store_->record_subscribe_request(
      *EmailAddress::parse("ann@example.org"), "", fixed_time(-86400),
      [&](const SubscribeFacts&) {
        return SubscribeWrites{.pending = {weekly.id}, .ask = {weekly.id}};
      },
      fixed_time());
  ASSERT_TRUE(asked && *asked);
  const auto id = subscriber("ann@example.org").id;
  ASSERT_TRUE(store_->delete_subscriber(id));
  auto used = store_->use_confirmation(**asked, id, fixed_time(60));
  ASSERT_FALSE(used);
  EXPECT_EQ(used.error().code, ErrorCode::not_found);
}

TEST_P(StoreTest, ARequestThatWritesNothingAddsNoSubscriber) {
  auto asked = store_->record_subscribe_request(
      *EmailAddress::parse("bot@example.org"), "", fixed_time(-86400),
      [](const SubscribeFacts&) { return SubscribeWrites{}; }, fixed_time());
  ASSERT_TRUE(asked);
  EXPECT_FALSE(*asked);
  EXPECT_FALSE(store_->find_subscriber(*EmailAddress::parse("bot@example.org")));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest,
                         ::testing::Values(Backend{"sqlite",
                                                   [](const std::filesystem::path& dir) {
                                                     return open_store(StoreSettings{},
                                                                       dir / "data");
                                                   }}),
                         [](const ::testing::TestParamInfo<Backend>& backend) {
                           return backend.param.name;
                         });

}  // namespace
}  // namespace communique
