#include "audience/subscribe_policy.hpp"

#include <algorithm>

namespace communique {

namespace {

constexpr auto kDay = std::chrono::hours(24);

}  // namespace

Timestamp SubscribePolicy::letters_since(Timestamp now) const {
  return now - std::max<std::chrono::seconds>(kDay, settings_.cooldown);
}

bool SubscribePolicy::may_send_letter(const SubscribeFacts& facts, Timestamp now) const {
  const auto within = [&](std::chrono::seconds span) {
    return std::count_if(facts.recent_letters.begin(), facts.recent_letters.end(),
                         [&](Timestamp made) { return made > now - span; });
  };
  return within(settings_.cooldown) == 0 && within(kDay) < settings_.daily_letters;
}

SubscribeWrites SubscribePolicy::decide(const SubscribeFacts& facts,
                                        std::span<const MailingList> asked, Timestamp now) const {
  SubscribeWrites writes;
  if (facts.subscriber && facts.subscriber->status == SubscriberStatus::blocklisted) {
    return writes;
  }
  for (const auto& list : asked) {
    const auto held = std::find_if(
        facts.subscriptions.begin(), facts.subscriptions.end(),
        [&](const Subscription& subscription) { return subscription.list_id == list.id; });
    if (held == facts.subscriptions.end()) {
      if (list.opt_in == OptIn::single_opt_in) {
        writes.join.push_back(list.id);
      } else {
        writes.pending.push_back(list.id);
        writes.ask.push_back(list.id);
      }
    } else if (held->status != SubscriptionStatus::confirmed) {
      writes.ask.push_back(list.id);
    }
  }
  if (!writes.ask.empty() && !may_send_letter(facts, now)) {
    writes.ask.clear();
  }
  return writes;
}

}  // namespace communique
