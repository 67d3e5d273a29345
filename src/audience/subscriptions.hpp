// Subscriptions: what a subscriber does on a public page — subscribe, confirm, change
// their preferences, unsubscribe, erase — one method each, for the public pages and the API
// alike. Callers check tokens and forms; this decides and writes.
//
// Policy:
// - Form posts are counted per client address: at most `posts_per_address` in the window
//   of the limiter given (none given: no limit).
// - A form asks for the public lists it ticked or, when it ticked none, for the first
//   public list (the form ticks it when it is the only one); private lists are never asked.
// - What a request writes and whether a letter is queued is SubscribePolicy's, decided
//   inside the one store transaction that writes it.
// - The preference page offers the public lists and the private ones the subscriber is
//   on; joining one from it needs no letter (its link came by mail to the address). Its
//   save is one store transaction: a list deleted meanwhile fails it whole.
// - The languages offered are those the offered lists publish in (their issues'), and the
//   subscriber's own, whatever it is.
// Not here: tokens (http/personal_links.hpp), pages, and sending the confirmation letters
// (http/confirmation_sender.hpp).
#pragma once

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "audience/subscribe_policy.hpp"
#include "base/sliding_window.hpp"
#include "store/store.hpp"

namespace communique {

struct SubscriptionsSettings {
  SubscribePolicySettings policy;
  int posts_per_address = 10;  // form posts per client address in the limiter's window
};

// A list as the preference page offers it, with the subscriber's choices.
struct OfferedList {
  MailingList list;
  bool receiving = false;                      // subscribed and not unsubscribed
  std::vector<std::pair<Topic, bool>> topics;  // each with whether it is chosen
  // How often they may receive its posts: a letter per post, daily or weekly digests, and
  // monthly ones when the list has a monthly digest (or it is their cadence already).
  std::vector<Cadence> cadences;
  Cadence cadence = Cadence::weekly;  // theirs: chosen, or else the list's default
};

struct PreferenceChoices {
  std::vector<OfferedList> lists;
  std::vector<std::string> languages;  // sorted; with the subscriber's own, and "" (none)
};

// What the preference page posts, checked by its caller.
struct PreferenceForm {
  std::string name;
  std::string language;
  std::vector<ListId> lists;  // those to receive; offered lists not named are left
  std::vector<TopicId> topics;
  // The lists the page showed as received. A list's status changes only where the form
  // differs from what the page showed, so a page loaded before a one-click unsubscribe
  // cannot undo it; none given: compared with what the subscriber receives now.
  std::optional<std::vector<ListId>> shown;
  // The cadence chosen per list, and the one the page showed: like a status, a cadence
  // changes only where the form differs from what the page showed (none given: compared
  // with the subscriber's cadence now). Only lists they are on, or join in this save, change.
  std::vector<std::pair<ListId, Cadence>> cadences;
  std::optional<std::vector<std::pair<ListId, Cadence>>> shown_cadences;
};

class Subscriptions {
 public:
  // `limiter` (shared, thread-safe) counts form posts per client address; null: no limit.
  explicit Subscriptions(Store& store, SubscriptionsSettings settings = {},
                         SlidingWindow* limiter = nullptr)
      : store_(store), settings_(settings), limiter_(limiter), policy_(settings.policy) {}

  // The lists the form offers.
  Result<std::vector<MailingList>> public_lists() const;
  // The lists a form that ticked `chosen` asks for; empty when it asks for none.
  Result<std::vector<MailingList>> lists_asked(std::span<const ListId> chosen) const;
  // Whether a form post from `client` may be handled now; counts it when it may.
  bool admit_post(const std::string& client, Timestamp now) const;
  // Records a request of `email` for `lists` (from lists_asked), as one transaction.
  Result<void> subscribe(const EmailAddress& email, const std::string& name,
                         std::span<const MailingList> lists, Timestamp now) const;

  // Confirms exactly the lists confirmation `id` of `subscriber` asked about, once:
  // conflict when it was used, not_found when it (or its subscriber) is gone.
  Result<Confirmation> confirm(ConfirmationId id, SubscriberId subscriber, Timestamp now) const;
  // The display names of the lists of `confirmation` that its subscriber receives now, in
  // name order.
  Result<std::vector<std::string>> receiving(const Confirmation& confirmation) const;

  // What the preference page shows `subscriber`.
  Result<PreferenceChoices> preference_choices(const Subscriber& subscriber) const;
  // Saves the page's form, all or nothing: invalid_input when it chooses a cadence the list
  // does not offer.
  Result<void> change_preferences(SubscriberId subscriber, const PreferenceForm& form,
                                  Timestamp now) const;

  // Leaves every list of each pair's issue, all in one transaction: for each pair, whether
  // it was done (false for a subscriber who no longer exists).
  Result<std::vector<bool>> unsubscribe(std::span<const std::pair<SubscriberId, IssueId>> pairs,
                                        Timestamp now) const;
  // Erases the subscriber and all that is kept about them.
  Result<void> erase(SubscriberId subscriber) const;

 private:
  // Adds to `change` the cadence `form` chooses for `list`, if it changes one.
  Result<void> add_cadence_change(const MailingList& list, const Subscription* subscription,
                                  bool wants, const PreferenceForm& form,
                                  PreferenceChange& change) const;
  // The cadences `list` offers to a subscriber whose cadence on it is `current`.
  Result<std::vector<Cadence>> cadences_offered(const MailingList& list, Cadence current) const;

  Store& store_;
  SubscriptionsSettings settings_;
  SlidingWindow* limiter_;
  SubscribePolicy policy_;
};

}  // namespace communique
