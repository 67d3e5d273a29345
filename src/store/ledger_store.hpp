// LedgerStore: the delivery ledger (one row per issue and recipient) and the lease that
// lets one runner at a time work an issue, as the store keeps them.
//
// Policy: the audience is frozen once; recipients are claimed (marked sending) in one
// transaction before any letter leaves, and what became of them is recorded after, so a
// crash can never lose a recipient — at worst a letter in flight goes out twice. Only the
// runner holding an issue's lease sends it; letters a stopped runner left in flight are
// queued again only in the transaction that takes its lease over.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "core/delivery.hpp"
#include "core/issue.hpp"

namespace communique {

// Who holds an issue's lease (one runner per issue), and until when unless renewed.
struct LeaseHolder {
  std::string owner;  // host:pid:random
  Timestamp expires_at{};
};

// What LedgerStore::take_issue_lease did: granted (to the caller, `holder`), or refused
// because `holder` holds it and its lease has not run out.
// What a digest letter to one reader depends on besides the issue: the topics they chose of
// the issue's list (none: every topic) and the posts they already received from the list's
// other digest issues that share posts with this one (the ledger's items of those issues'
// sent and sending letters).
struct DigestReader {
  SubscriberId subscriber = 0;
  std::vector<TopicId> topics;
  std::vector<PostId> received;
};

struct LeaseTake {
  bool granted = false;
  LeaseHolder holder;
  std::int64_t requeued = 0;  // when granted: recipients a stopped runner left in flight
};

class LedgerStore {
 public:
  virtual ~LedgerStore() = default;

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
  // For a claimed window of the digest issue `issue` (of `list`): each of `subscribers`
  // with their chosen topics of the list and the posts they already received; in the
  // order of `subscribers`. Two queries, whatever the window's size.
  virtual Result<std::vector<DigestReader>> digest_readers(
      IssueId issue, ListId list, std::span<const SubscriberId> subscribers) = 0;
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
};

}  // namespace communique
