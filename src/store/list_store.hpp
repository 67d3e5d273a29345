// ListStore: mailing lists, their topics, and their members taken as a whole (an import,
// an export, a count), as the store keeps them.
//
// Policy: list names are unique ignoring ASCII case, topic names unique inside their list.
// Members arrive in batches and leave in a stream: an import batch is one transaction
// that never downgrades a subscription nor revives an unsubscribed one, and an export
// reads the members without holding the list in memory. What one subscriber does is
// SubscriberStore's.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "core/email_address.hpp"
#include "core/mailing_list.hpp"
#include "core/subscriber.hpp"

namespace communique {

// One valid row of an import: an address, and the fields the file gave (absent fields
// leave a known subscriber's values as they are).
struct ImportRecord {
  EmailAddress email;
  std::optional<std::string> name;
  std::optional<std::string> language;
  std::string attributes_json = "{}";  // a JSON object; merged into known attributes
  // What the file says of the person (a `status` or `subscription` column): an import
  // never subscribes them more than this. `unsubscribed` records them as having left the
  // list (and takes back a subscription they had); `blocklisted` blocklists the address
  // and subscribes it nowhere.
  std::optional<SubscriptionStatus> at_most;
  bool blocklisted = false;
  // What the file says they chose of the list (a `topics` and a `cadence` column): their
  // topics of the list are replaced by these, their cadence set. Absent: left as they are.
  std::optional<std::vector<TopicId>> topics;
  std::optional<Cadence> cadence;
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
  std::int64_t imported = 0;      // new subscribers
  std::int64_t updated = 0;       // known subscribers updated (upsert)
  std::int64_t skipped = 0;       // known subscribers left alone (skip_existing)
  std::int64_t unsubscribed = 0;  // rows recorded as having left the list, as the file said
  std::int64_t blocklisted = 0;   // rows whose address the file said is blocklisted
};

struct ListSummary {
  MailingList list;
  std::int64_t confirmed = 0;
  std::int64_t unconfirmed = 0;
  std::int64_t unsubscribed = 0;
  std::int64_t topics = 0;
};

// A subscriber as a member of one list, as export sees it.
struct Member {
  Subscriber subscriber;
  SubscriptionStatus status = SubscriptionStatus::unconfirmed;
  std::optional<Cadence> cadence;   // chosen on the list; none: the list's default
  std::vector<std::string> topics;  // names of the list's topics they chose (none: all)
};

class ListStore {
 public:
  virtual ~ListStore() = default;

  // Lists. Names are unique ignoring ASCII case: conflict when taken.
  virtual Result<MailingList> create_list(const NewList& list, Timestamp now) = 0;
  virtual Result<MailingList> find_list(const std::string& name) = 0;
  virtual Result<MailingList> find_list(ListId id) = 0;
  // Changes the fields `changes` has; not_found when there is no list `id`.
  virtual Result<MailingList> update_list(ListId id, const ListChanges& changes, Timestamp now) = 0;
  virtual Result<std::vector<ListSummary>> list_summaries() = 0;
  virtual Result<std::vector<MailingList>> lists() = 0;

  // Topics, unique by name inside their list.
  virtual Result<Topic> create_topic(ListId list, const std::string& name,
                                     const std::string& description, Timestamp now) = 0;
  virtual Result<std::vector<Topic>> topics(ListId list) = 0;
  // The cadences of the list's enabled digest definitions, each once (what subscribers may
  // choose beside a letter per post).
  virtual Result<std::vector<Cadence>> digest_cadences(ListId list) = 0;

  // Adds or updates `records` and subscribes them to `list`, as one transaction: either
  // every record of the batch is written or none is. A subscription that exists is never
  // downgraded, and an unsubscribed one is never revived by an import.
  virtual Result<ImportCounts> import_batch(ListId list, std::span<const ImportRecord> records,
                                            const ImportPolicy& policy) = 0;

  // Calls `visit` for every member of `list` in the order they were added (an import
  // adds each batch in address order), streaming: memory does not
  // grow with the list. Stops at the first error `visit` returns and returns it.
  virtual Result<void> for_each_member(ListId list,
                                       const std::function<Result<void>(const Member&)>& visit) = 0;

  // All subscribers, or those of `list` who have not unsubscribed.
  virtual Result<std::int64_t> count_subscribers(std::optional<ListId> list) = 0;
};

}  // namespace communique
