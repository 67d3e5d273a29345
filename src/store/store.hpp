// Store: everything Communiqué keeps, behind one interface that speaks the domain's types.
//
// Policy: a backend owns its SQL (in .sql files, one set per backend) and its driver; no
// driver type, SQL dialect or error shape crosses this interface. Every write that must be
// all-or-nothing is one method here, so that each backend makes it one transaction.
// Timestamps are passed in by the caller (a clock it owns), so tests control time.
// Expected failures are Results: not_found, conflict (a name taken), invalid_input,
// unavailable (the database is busy), storage (anything else).
//
// Implementations: SqliteStore (the embedded default). A PostgreSQL backend implements the
// same interface and runs the same test suite (tests/store).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "core/delivery.hpp"
#include "core/email_address.hpp"
#include "core/issue.hpp"
#include "core/mailing_list.hpp"
#include "core/subscriber.hpp"
#include "store/account_store.hpp"
#include "store/confirmation_store.hpp"

namespace communique {

// One valid row of an import: an address, and the fields the file gave (absent fields
// leave a known subscriber's values as they are).
struct ImportRecord {
  EmailAddress email;
  std::optional<std::string> name;
  std::optional<std::string> language;
  std::string attributes_json = "{}";  // a JSON object; merged into known attributes
};

enum class ImportMode {
  upsert,         // a known address is updated with the row's fields
  skip_existing,  // a known address is left as it is (and not added to the list)
};

struct ImportPolicy {
  ImportMode mode = ImportMode::upsert;
  SubscriptionStatus status = SubscriptionStatus::confirmed;  // of new subscriptions
  Timestamp now{};
};

struct ImportCounts {
  std::int64_t imported = 0;  // new subscribers
  std::int64_t updated = 0;   // known subscribers updated (upsert)
  std::int64_t skipped = 0;   // known subscribers left alone (skip_existing)
};

struct ListSummary {
  MailingList list;
  std::int64_t confirmed = 0;
  std::int64_t unconfirmed = 0;
  std::int64_t unsubscribed = 0;
  std::int64_t topics = 0;
};

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
};

// A change to a subscriber: absent fields stay as they are.
struct SubscriberChange {
  std::optional<std::string> name;
  std::optional<std::string> language;
  std::optional<std::string> attributes_json;  // replaces the object
  std::optional<SubscriberStatus> status;
};

// A count for a key of one or two ids: (link, 0) clicks, (link, subscriber) personal
// clicks, (issue, subscriber) opens.
struct Counted {
  std::int64_t first = 0;
  std::int64_t second = 0;
  std::int64_t count = 0;
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

// A link of an issue whose clicks are counted.
struct TrackedLink {
  std::int64_t id = 0;
  IssueId issue = 0;
  std::string url;
  std::int64_t clicks = 0;
};

// Who holds an issue's lease (one runner per issue), and until when unless renewed.
struct LeaseHolder {
  std::string owner;  // host:pid:random
  Timestamp expires_at{};
};

// What Store::take_issue_lease did: granted (to the caller, `holder`), or refused because
// `holder` holds it and its lease has not run out.
struct LeaseTake {
  bool granted = false;
  LeaseHolder holder;
  std::int64_t requeued = 0;  // when granted: recipients a stopped runner left in flight
};

// A subscriber as a member of one list, as export sees it.
struct Member {
  Subscriber subscriber;
  SubscriptionStatus status = SubscriptionStatus::unconfirmed;
};

// What the preference page saves for one subscriber (Store::apply_preferences).
struct PreferenceChange {
  std::string name;
  std::string language;
  // The lists whose status changes, and to what.
  std::vector<std::pair<ListId, SubscriptionStatus>> statuses;
  // The lists whose topics are replaced by those of `topics` that belong to them.
  std::vector<ListId> topic_lists;
  std::vector<TopicId> topics;
};

class Store : public AccountStore, public ConfirmationStore {
 public:
  // The number of the newest migration applied.
  virtual Result<int> schema_version() = 0;

  // Lists. Names are unique ignoring ASCII case: conflict when taken.
  virtual Result<MailingList> create_list(const NewList& list, Timestamp now) = 0;
  virtual Result<MailingList> find_list(const std::string& name) = 0;
  virtual Result<MailingList> find_list(ListId id) = 0;
  virtual Result<std::vector<ListSummary>> list_summaries() = 0;
  virtual Result<std::vector<MailingList>> lists() = 0;

  // Topics, unique by name inside their list.
  virtual Result<Topic> create_topic(ListId list, const std::string& name,
                                     const std::string& description, Timestamp now) = 0;
  virtual Result<std::vector<Topic>> topics(ListId list) = 0;

  // Adds or updates `records` and subscribes them to `list`, as one transaction: either
  // every record of the batch is written or none is. A subscription that exists is never
  // downgraded, and an unsubscribed one is never revived by an import.
  virtual Result<ImportCounts> import_batch(ListId list, std::span<const ImportRecord> records,
                                            const ImportPolicy& policy) = 0;

  // Sets the status of `subscriber` on `list` (creating the subscription when missing):
  // the one path for confirm, unsubscribe and an administrator's change.
  virtual Result<void> set_subscription_status(SubscriberId subscriber, ListId list,
                                               SubscriptionStatus status, Timestamp now) = 0;

  // The names of the lists `issue` goes to, in list order (empty for an unknown issue).
  virtual Result<std::vector<std::string>> issue_list_names(IssueId issue) = 0;
  // Unsubscribes each (subscriber, issue) pair from every list of the issue, all in one
  // transaction (the one-click path, which must stay cheap): for each pair, whether it was
  // done (false for a subscriber who no longer exists).
  virtual Result<std::vector<bool>> unsubscribe_many(
      std::span<const std::pair<SubscriberId, IssueId>> pairs, Timestamp now) = 0;

  // Subscribers.
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
  // The topics a subscriber chose, on every list.
  virtual Result<std::vector<Topic>> topics_of_subscriber(SubscriberId id) = 0;
  // Replaces the subscriber's topics of `list` with `topics` (ids of other lists are
  // ignored), as one transaction.
  virtual Result<void> set_subscriber_topics(SubscriberId id, ListId list,
                                             std::span<const TopicId> topics) = 0;
  virtual Result<std::vector<Subscription>> subscriptions_of(SubscriberId subscriber) = 0;
  // All subscribers, or those of `list` who have not unsubscribed.
  virtual Result<std::int64_t> count_subscribers(std::optional<ListId> list) = 0;

  // Issues. create_issue writes the issue, its lists and its sections as one transaction;
  // not_found when a list does not exist.
  virtual Result<Issue> create_issue(const Issue& issue, Timestamp now) = 0;
  virtual Result<Issue> find_issue(IssueId id) = 0;
  // Every issue, newest first, with its lists but without section bodies.
  virtual Result<std::vector<Issue>> issues() = 0;
  // Issues that went out (sending or sent), newest first, with their sections: at most
  // `limit` with ids below `before` (keyset pagination for the public archive).
  virtual Result<std::vector<Issue>> public_issues(IssueId before, std::size_t limit) = 0;

  // Replaces a draft's fields, lists and sections, as one transaction; conflict when the
  // issue is no longer a draft.
  virtual Result<Issue> update_issue(const Issue& issue, Timestamp now) = 0;
  // Lets the public archive show an issue (when its lists are all public) or keeps it out,
  // in any state; not_found when there is no such issue.
  virtual Result<void> set_issue_archive(IssueId id, bool archive) = 0;

  // Click counting: the ids of `urls` in `issue` (registered on first use, stable after),
  // a link's URL, clicks added to links (one transaction), an issue's links with counts.
  virtual Result<std::vector<std::int64_t>> register_links(IssueId issue,
                                                           std::span<const std::string> urls) = 0;
  virtual Result<std::string> link_url(std::int64_t link) = 0;
  // One transaction: `clicks` per link, and per (link, subscriber) for issues that track
  // subscribers, and `opens` per (issue, subscriber).
  virtual Result<void> add_clicks(std::span<const Counted> clicks,
                                  std::span<const Counted> personal_clicks,
                                  std::span<const Counted> opens) = 0;
  virtual Result<SubscriberActivity> activity_of(SubscriberId subscriber) = 0;
  // Unique openers and unique clickers of an issue.
  virtual Result<std::pair<std::int64_t, std::int64_t>> engagement(IssueId issue) = 0;
  virtual Result<std::vector<TrackedLink>> links_of_issue(IssueId issue) = 0;

  virtual Result<void> set_issue_status(IssueId id, IssueStatus status, Timestamp now) = 0;
  // The status alone (cheap enough to ask between two windows of a send).
  virtual Result<IssueStatus> issue_status(IssueId id) = 0;
  // Moves `id` to `status` (with a note saying why) only if it is in one of `from`;
  // conflict otherwise (the message names the state it is in).
  virtual Result<void> change_issue_status(IssueId id, std::span<const IssueStatus> from,
                                           IssueStatus status, const std::string& note,
                                           Timestamp now) = 0;
  // Schedules a draft, scheduled or paused issue; conflict for any other.
  virtual Result<void> schedule_issue(IssueId id, Timestamp at,
                                      std::optional<std::chrono::seconds> expire_after,
                                      Timestamp now) = 0;
  // Issues sending, and scheduled ones due by `now`, with their schedules.
  virtual Result<std::vector<Issue>> issues_to_run(Timestamp now) = 0;

  // The delivery ledger (one row per issue and recipient).
  // Fixes the audience of `issue` (confirmed, enabled members of its lists, each once);
  // returns how many recipients were added (0 when it was frozen before).
  virtual Result<std::int64_t> freeze_audience(IssueId issue, Timestamp now) = 0;
  // Claims up to `limit` due recipients (queued, or deferred and due by `now`) and marks
  // them sending, as one transaction, before any letter leaves.
  virtual Result<std::vector<Recipient>> claim_recipients(IssueId issue, std::size_t limit,
                                                          Timestamp now) = 0;
  // Records what became of claimed recipients, as one transaction.
  virtual Result<void> record_deliveries(IssueId issue, std::span<const DeliveryResult> results,
                                         Timestamp now) = 0;
  virtual Result<DeliveryCounts> delivery_counts(IssueId issue) = 0;
  // The `limit` most common last replies of the issue's deferred and failed recipients.
  virtual Result<std::vector<DeliveryProblem>> delivery_problems(IssueId issue,
                                                                 std::size_t limit) = 0;
  // The ledger's states summed over every issue (for /metrics).
  virtual Result<DeliveryCounts> delivery_totals() = 0;

  // Issue leases: one runner per issue. Takes the lease of `issue` for `owner` until
  // `until`, as one transaction, when nobody holds it, when its holder's lease ran out by
  // `now`, or when its holder is `replacing` (a runner known to be gone; empty for none).
  // Only then, in the same transaction, are the recipients a stopped runner left
  // `sending` put back in the queue (each may have been sent already: the only duplicates
  // the ledger allows); a live runner's letters in flight are never touched. Otherwise
  // nothing changes and the answer names the holder.
  virtual Result<LeaseTake> take_issue_lease(IssueId issue, const std::string& owner,
                                             const std::string& replacing, Timestamp now,
                                             Timestamp until) = 0;
  // The heartbeat: extends `owner`'s lease to `until`. false when it is no longer theirs
  // (it ran out and another runner took it over).
  virtual Result<bool> renew_issue_lease(IssueId issue, const std::string& owner,
                                         Timestamp until) = 0;
  // Ends `owner`'s lease; nothing when it is no longer theirs.
  virtual Result<void> release_issue_lease(IssueId issue, const std::string& owner) = 0;

  // The installation's secret named `name`, created from `generate()` on first use. Every
  // caller (and every node sharing the database) gets the same value.
  virtual Result<std::string> secret(const std::string& name,
                                     const std::function<std::string()>& generate,
                                     Timestamp now) = 0;

  // Settings saved through the API (`section.key` → value), and changing them in one
  // transaction: a value saves it, nothing forgets it (the file's value applies again).
  virtual Result<std::map<std::string, std::string>> saved_settings() = 0;
  virtual Result<void> change_saved_settings(
      const std::map<std::string, std::optional<std::string>>& changes, Timestamp now) = 0;

  // Calls `visit` for every member of `list` in the order they were added (an import
  // adds each batch in address order), streaming: memory does not
  // grow with the list. Stops at the first error `visit` returns and returns it.
  virtual Result<void> for_each_member(ListId list,
                                       const std::function<Result<void>(const Member&)>& visit) = 0;

  // The preference page's save, as one transaction: the name and language, then each
  // status, then each list's topics. Nothing is written when any of it fails: not_found
  // when the subscriber, or a list named in `change`, no longer exists.
  virtual Result<void> apply_preferences(SubscriberId subscriber, const PreferenceChange& change,
                                         Timestamp now) = 0;
};

}  // namespace communique
