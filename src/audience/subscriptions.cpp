#include "audience/subscriptions.hpp"

#include <algorithm>

#include "base/log.hpp"

namespace communique {

namespace {

bool contains(std::span<const ListId> ids, ListId id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

const Subscription* subscription_on(const std::vector<Subscription>& subscriptions, ListId list) {
  auto found = std::find_if(subscriptions.begin(), subscriptions.end(),
                            [&](const Subscription& s) { return s.list_id == list; });
  return found == subscriptions.end() ? nullptr : &*found;
}

bool receives(const Subscription* subscription) {
  return subscription != nullptr && subscription->status != SubscriptionStatus::unsubscribed;
}

// The lists the preference page offers: public ones, and private ones the subscriber is on.
std::vector<MailingList> offered_lists(std::vector<MailingList> lists,
                                       const std::vector<Subscription>& subscriptions) {
  std::erase_if(lists, [&](const MailingList& list) {
    return list.visibility != ListVisibility::public_list &&
           subscription_on(subscriptions, list.id) == nullptr;
  });
  return lists;
}

// The cadence of `list` in `pairs`, if any.
std::optional<Cadence> cadence_for(const std::vector<std::pair<ListId, Cadence>>& pairs,
                                   ListId list) {
  for (const auto& [id, cadence] : pairs) {
    if (id == list) {
      return cadence;
    }
  }
  return std::nullopt;
}

}  // namespace

Result<std::vector<Cadence>> Subscriptions::cadences_offered(const MailingList& list,
                                                             Cadence current) const {
  auto digests = store_.digest_cadences(list.id);
  if (!digests) {
    return std::move(digests).error();
  }
  // A letter per post always; a digest cadence only where the list sends such digests (or
  // it is the list's default, or the person's own): a choice nobody serves would be silence.
  std::vector<Cadence> offered{Cadence::immediate};
  for (Cadence cadence : {Cadence::daily, Cadence::weekly, Cadence::monthly}) {
    if (cadence == current || cadence == list.default_cadence ||
        std::find(digests->begin(), digests->end(), cadence) != digests->end()) {
      offered.push_back(cadence);
    }
  }
  return offered;
}

Result<std::vector<MailingList>> Subscriptions::public_lists() const {
  auto lists = store_.lists();
  if (!lists) {
    return std::move(lists).error();
  }
  std::erase_if(*lists, [](const MailingList& list) {
    return list.visibility != ListVisibility::public_list;
  });
  return lists;
}

Result<std::vector<MailingList>> Subscriptions::lists_asked(std::span<const ListId> chosen) const {
  auto lists = public_lists();
  if (!lists) {
    return lists;
  }
  if (chosen.empty()) {
    lists->resize(std::min<std::size_t>(lists->size(), 1));
    return lists;
  }
  std::erase_if(*lists, [&](const MailingList& list) { return !contains(chosen, list.id); });
  return lists;
}

bool Subscriptions::admit_post(const std::string& client, Timestamp now) const {
  if (limiter_ == nullptr) {
    return true;
  }
  if (!limiter_->below(client, settings_.posts_per_address, now)) {
    return false;
  }
  limiter_->add(client, now);
  return true;
}

Result<void> Subscriptions::subscribe(const EmailAddress& email, const std::string& name,
                                      std::span<const MailingList> lists, Timestamp now) const {
  // The letter, if any, is sent later by the confirmation sender.
  auto recorded = store_.record_subscribe_request(
      email, name, policy_.letters_since(now),
      [&](const SubscribeFacts& facts) { return policy_.decide(facts, lists, now); }, now);
  if (!recorded) {
    return std::move(recorded).error();
  }
  return ok();
}

Result<Confirmation> Subscriptions::confirm(ConfirmationId id, SubscriberId subscriber,
                                            Timestamp now) const {
  auto used = store_.use_confirmation(id, subscriber, now);
  if (used) {
    logger("audience")->info("subscriber {} confirmed confirmation {}", used->subscriber, used->id);
  }
  return used;
}

Result<std::vector<std::string>> Subscriptions::receiving(const Confirmation& confirmation) const {
  auto current = store_.subscriptions_of(confirmation.subscriber);
  if (!current) {
    return std::move(current).error();
  }
  std::vector<std::string> names;
  const auto& asked = confirmation.lists;
  for (const auto& subscription : *current) {
    const auto was_asked = [&](const MailingList& list) { return list.id == subscription.list_id; };
    if (subscription.status == SubscriptionStatus::confirmed &&
        std::any_of(asked.begin(), asked.end(), was_asked)) {
      names.emplace_back(subscription.list_display_name());
    }
  }
  return names;
}

Result<PreferenceChoices> Subscriptions::preference_choices(const Subscriber& subscriber) const {
  auto current = store_.subscriptions_of(subscriber.id);
  auto chosen = store_.topics_of_subscriber(subscriber.id);
  auto lists = store_.lists();
  auto languages = store_.issue_languages();
  if (!current || !chosen || !lists || !languages) {
    return make_error(ErrorCode::unavailable, "the preferences could not be read; try again");
  }
  PreferenceChoices choices;
  choices.languages = {"", subscriber.language};
  std::vector<ListId> offered_ids;
  for (auto& list : offered_lists(std::move(*lists), *current)) {
    auto topics = store_.topics(list.id);
    if (!topics) {
      return std::move(topics).error();
    }
    const auto* subscription = subscription_on(*current, list.id);
    const Cadence cadence =
        subscription != nullptr ? subscription->effective_cadence() : list.default_cadence;
    auto cadences = cadences_offered(list, cadence);
    if (!cadences) {
      return std::move(cadences).error();
    }
    OfferedList offered{.list = std::move(list),
                        .receiving = receives(subscription),
                        .cadences = std::move(*cadences),
                        .cadence = cadence};
    for (auto& topic : *topics) {
      const bool is_chosen = std::any_of(chosen->begin(), chosen->end(),
                                         [&](const Topic& t) { return t.id == topic.id; });
      offered.topics.emplace_back(std::move(topic), is_chosen);
    }
    offered_ids.push_back(offered.list.id);
    choices.lists.push_back(std::move(offered));
  }
  for (auto& [list, language] : *languages) {
    if (contains(offered_ids, list)) {
      choices.languages.push_back(std::move(language));
    }
  }
  std::sort(choices.languages.begin(), choices.languages.end());
  choices.languages.erase(std::unique(choices.languages.begin(), choices.languages.end()),
                          choices.languages.end());
  return choices;
}

Result<void> Subscriptions::add_cadence_change(const MailingList& list,
                                               const Subscription* subscription, bool wants,
                                               const PreferenceForm& form,
                                               PreferenceChange& change) const {
  const auto chosen = cadence_for(form.cadences, list.id);
  // A cadence needs a subscription: one they have, or one this save makes.
  if (!chosen || (subscription == nullptr && !wants)) {
    return ok();
  }
  const Cadence now_cadence =
      subscription != nullptr ? subscription->effective_cadence() : list.default_cadence;
  const auto shown = form.shown_cadences ? cadence_for(*form.shown_cadences, list.id)
                                         : std::optional<Cadence>(now_cadence);
  if (*chosen == shown.value_or(now_cadence) || *chosen == now_cadence) {
    return ok();
  }
  auto offered = cadences_offered(list, now_cadence);
  if (!offered) {
    return std::move(offered).error();
  }
  if (std::find(offered->begin(), offered->end(), *chosen) == offered->end()) {
    return make_error(ErrorCode::invalid_input, "the list " + std::string(list.display_name()) +
                                                    " does not offer " +
                                                    std::string(to_string(*chosen)) + " letters");
  }
  change.cadences.emplace_back(list.id, *chosen);
  return ok();
}

Result<void> Subscriptions::change_preferences(SubscriberId subscriber, const PreferenceForm& form,
                                               Timestamp now) const {
  auto current = store_.subscriptions_of(subscriber);
  auto lists = store_.lists();
  if (!current || !lists) {
    return make_error(ErrorCode::unavailable, "the preferences could not be read; try again");
  }
  PreferenceChange change{.name = form.name, .language = form.language, .topics = form.topics};
  for (const auto& list : offered_lists(std::move(*lists), *current)) {
    const bool wants = contains(form.lists, list.id);
    const bool had =
        form.shown ? contains(*form.shown, list.id) : receives(subscription_on(*current, list.id));
    if (wants != had && wants != receives(subscription_on(*current, list.id))) {
      change.statuses.emplace_back(
          list.id, wants ? SubscriptionStatus::confirmed : SubscriptionStatus::unsubscribed);
    }
    change.topic_lists.push_back(list.id);
    if (auto added =
            add_cadence_change(list, subscription_on(*current, list.id), wants, form, change);
        !added) {
      return added;
    }
  }
  return store_.apply_preferences(subscriber, change, now);
}

Result<std::vector<bool>> Subscriptions::unsubscribe(
    std::span<const std::pair<SubscriberId, IssueId>> pairs, Timestamp now) const {
  if (pairs.empty()) {
    return std::vector<bool>{};
  }
  return store_.unsubscribe_many(pairs, now);
}

Result<void> Subscriptions::erase(SubscriberId subscriber) const {
  auto erased = store_.delete_subscriber(subscriber);
  if (erased) {
    logger("audience")->info("subscriber {} erased", subscriber);
  }
  return erased;
}

}  // namespace communique
