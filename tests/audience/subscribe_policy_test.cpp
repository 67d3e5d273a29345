#include "audience/subscribe_policy.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace communique {
namespace {

using communique::testing::fixed_time;
using std::chrono::minutes;

const MailingList kSingle{.id = 1, .name = "Alerts", .opt_in = OptIn::single_opt_in};
const MailingList kDouble{.id = 2, .name = "Weekly", .opt_in = OptIn::double_opt_in};
const MailingList kBoth[] = {kSingle, kDouble};

SubscribeFacts known(std::vector<Subscription> subscriptions,
                     SubscriberStatus status = SubscriberStatus::enabled) {
  SubscribeFacts facts;
  facts.subscriber = Subscriber{.id = 7, .email = "ann@example.org", .status = status};
  facts.subscriptions = std::move(subscriptions);
  return facts;
}

Subscription on(const MailingList& list, SubscriptionStatus status) {
  return {.list_id = list.id, .list_name = list.name, .status = status};
}

TEST(SubscribePolicyTest, ANewAddressJoinsSingleOptInAtOnceAndIsAskedAboutDoubleOptIn) {
  const auto writes = SubscribePolicy().decide({}, kBoth, fixed_time());
  EXPECT_EQ(writes.join, std::vector<ListId>{kSingle.id});
  EXPECT_EQ(writes.pending, std::vector<ListId>{kDouble.id});
  EXPECT_EQ(writes.ask, std::vector<ListId>{kDouble.id});
}

TEST(SubscribePolicyTest, SomeoneWhoLeftASingleOptInListIsOnlyAskedAgain) {
  const auto writes = SubscribePolicy().decide(
      known({on(kSingle, SubscriptionStatus::unsubscribed)}), kBoth, fixed_time());
  EXPECT_TRUE(writes.join.empty());
  EXPECT_EQ(writes.ask, (std::vector<ListId>{kSingle.id, kDouble.id}));
}

TEST(SubscribePolicyTest, ConfirmedListsAreLeftAlone) {
  const auto writes = SubscribePolicy().decide(known({on(kSingle, SubscriptionStatus::confirmed),
                                                      on(kDouble, SubscriptionStatus::confirmed)}),
                                               kBoth, fixed_time());
  EXPECT_TRUE(writes.empty());
}

TEST(SubscribePolicyTest, ABlocklistedAddressGetsNothingWritten) {
  const auto writes =
      SubscribePolicy().decide(known({}, SubscriberStatus::blocklisted), kBoth, fixed_time());
  EXPECT_TRUE(writes.empty());
}

TEST(SubscribePolicyTest, OneLetterAnHourAndThreeADayPerAddress) {
  const SubscribePolicy policy;
  const auto now = fixed_time(86400);
  auto facts = known({on(kDouble, SubscriptionStatus::unconfirmed)});
  facts.recent_letters = {now - minutes(59)};
  EXPECT_TRUE(policy.decide(facts, kBoth, now).ask.empty());
  facts.recent_letters = {now - minutes(61)};
  EXPECT_FALSE(policy.decide(facts, kBoth, now).ask.empty());
  facts.recent_letters = {now - minutes(300), now - minutes(200), now - minutes(100)};
  EXPECT_TRUE(policy.decide(facts, kBoth, now).ask.empty());
  // Within the cooldown a new single opt-in list is still joined and a double opt-in one
  // kept pending; no letter is queued.
  facts = known({});
  facts.recent_letters = {now - minutes(10)};
  const auto writes = policy.decide(facts, kBoth, now);
  EXPECT_EQ(writes.join, std::vector<ListId>{kSingle.id});
  EXPECT_EQ(writes.pending, std::vector<ListId>{kDouble.id});
  EXPECT_TRUE(writes.ask.empty());
  EXPECT_LE(policy.letters_since(now), now - std::chrono::hours(24));
}

}  // namespace
}  // namespace communique
