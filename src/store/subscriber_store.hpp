// SubscriberStore: one subscriber at a time — who they are, the lists and topics they
// chose, and what is recorded about them — as the store keeps them.
//
// Policy: a subscriber's status on a list changes through one path
// (set_subscription_status), whoever asks: confirm, unsubscribe or an administrator.
// Erasing a subscriber erases all that is kept about them. The one-click unsubscribe of a
// burst of letters is one transaction, so it stays cheap. Lists taken as a whole are
// ListStore's; subscribe requests and their letters are ConfirmationStore's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "core/email_address.hpp"
#include "core/issue.hpp"
#include "core/mailing_list.hpp"
#include "core/subscriber.hpp"

namespace communique {

// Which subscribers to list, and which page: every filter is optional, and pages follow
// the id order (keyset: `after` is the last id of the previous page).
struct SubscriberQuery {
  std::optional<ListId> list;
  std::optional<SubscriptionStatus> status;  // on `list`
  std::optional<std::string> email_contains;
  std::optional<std::string> attribute_name;  // with attribute_value: attributes[name] == value
  std::string attribute_value;
  SubscriberId after = 0;
  std::size_t limit = 50;
};

struct NewSubscriber {
  EmailAddress email;
  std::string name;
  std::string language;
  std::string attributes_json = "{}";
  std::optional<Cadence> cadence;  // on each of their lists; none: the lists' defaults
};

// A change to a subscriber: absent fields stay as they are.
struct SubscriberChange {
  std::optional<std::string> name;
  std::optional<std::string> language;
  std::optional<std::string> attributes_json;  // replaces the object
  std::optional<SubscriberStatus> status;
  // How often they receive the posts of each list named (none: the list's default); each
  // must be a list they are on.
  std::vector<std::pair<ListId, std::optional<Cadence>>> cadences;
};

// What is recorded about one subscriber's letters, for their privacy download.
struct SubscriberActivity {
  struct Letter {
    IssueId issue = 0;
    std::string state;  // queued, sent, deferred, failed...
    Timestamp updated_at{};
  };
  struct Click {
    IssueId issue = 0;
    std::string url;
    std::int64_t clicks = 0;
  };
  struct Open {
    IssueId issue = 0;
    std::int64_t opens = 0;
  };
  // A confirmation letter that asked them about some lists.
  struct Confirmation {
    Timestamp asked_at{};
    std::vector<std::string> lists;  // in name order
    std::string letter_state;        // queued, sent or failed
    std::optional<Timestamp> sent_at;
    std::optional<Timestamp> used_at;  // when its link confirmed the lists
  };
  std::vector<Letter> letters;
  std::vector<Click> clicks;
  std::vector<Open> opens;
  std::vector<Confirmation> confirmations;  // oldest first
};

// What the preference page saves for one subscriber (SubscriberStore::apply_preferences).
struct PreferenceChange {
  std::string name;
  std::string language;
  // The lists whose status changes, and to what.
  std::vector<std::pair<ListId, SubscriptionStatus>> statuses;
  // The lists whose topics are replaced by those of `topics` that belong to them.
  std::vector<ListId> topic_lists;
  std::vector<TopicId> topics;
  // The lists whose cadence changes, and to what (none: the list's default). Only a list
  // the subscriber is on changes.
  std::vector<std::pair<ListId, std::optional<Cadence>>> cadences;
};

class SubscriberStore {
 public:
  virtual ~SubscriberStore() = default;

  virtual Result<Subscriber> find_subscriber(const EmailAddress& email) = 0;
  virtual Result<Subscriber> find_subscriber(SubscriberId id) = 0;
  // The link key of each subscriber in `ids` (nothing for one that does not exist), read
  // in one call: what checking a burst of personal links needs, and no more.
  virtual Result<std::vector<std::optional<std::string>>> link_keys(
      std::span<const SubscriberId> ids) = 0;
  virtual Result<std::vector<Subscriber>> find_subscribers(const SubscriberQuery& query) = 0;
  // Adds a subscriber on `lists` with `status`, as one transaction; conflict when the
  // address is known, not_found when a list is not.
  virtual Result<Subscriber> add_subscriber(const NewSubscriber& subscriber,
                                            std::span<const ListId> lists,
                                            SubscriptionStatus status, Timestamp now) = 0;
  virtual Result<Subscriber> update_subscriber(SubscriberId id, const SubscriberChange& change,
                                               Timestamp now) = 0;
  // Erases a subscriber and all that is kept about them (subscriptions, topics, ledger rows).
  virtual Result<void> delete_subscriber(SubscriberId id) = 0;

  virtual Result<std::vector<Subscription>> subscriptions_of(SubscriberId subscriber) = 0;
  // Sets the status of `subscriber` on `list` (creating the subscription when missing):
  // the one path for confirm, unsubscribe and an administrator's change.
  virtual Result<void> set_subscription_status(SubscriberId subscriber, ListId list,
                                               SubscriptionStatus status, Timestamp now) = 0;
  // Unsubscribes each (subscriber, issue) pair from every list of the issue, all in one
  // transaction (the one-click path, which must stay cheap): for each pair, whether it was
  // done (false for a subscriber who no longer exists).
  virtual Result<std::vector<bool>> unsubscribe_many(
      std::span<const std::pair<SubscriberId, IssueId>> pairs, Timestamp now) = 0;

  // Sets how often `subscriber` receives the posts of `list` (none: the list's default).
  // not_found when they are not on the list (in any status): a cadence needs a subscription.
  virtual Result<void> set_subscription_cadence(SubscriberId subscriber, ListId list,
                                                std::optional<Cadence> cadence, Timestamp now) = 0;

  // The topics a subscriber chose, on every list.
  virtual Result<std::vector<Topic>> topics_of_subscriber(SubscriberId id) = 0;
  // Replaces the subscriber's topics of `list` with `topics` (ids of other lists are
  // ignored), as one transaction.
  virtual Result<void> set_subscriber_topics(SubscriberId id, ListId list,
                                             std::span<const TopicId> topics) = 0;

  // The preference page's save, as one transaction: the name and language, then each
  // status, then each list's topics, then each list's cadence (a list they are not on is
  // left alone). Nothing is written when any of it fails: not_found
  // when the subscriber, or a list named in `change`, no longer exists.
  virtual Result<void> apply_preferences(SubscriberId subscriber, const PreferenceChange& change,
                                         Timestamp now) = 0;

  // Everything recorded about the subscriber's letters, clicks, opens and confirmations.
  virtual Result<SubscriberActivity> activity_of(SubscriberId subscriber) = 0;
};

}  // namespace communique
