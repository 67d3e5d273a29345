// SqliteStore's delivery ledger and issue leases: one runner per issue, and the recovery of
// a stopped runner's letters in flight in the same transaction as the takeover that allows
// it (store/ledger_store.hpp).
#include <unordered_map>

#include "base/text.hpp"
#include "store/sqlite/sqlite_support.hpp"

namespace communique {

using namespace sqlite_support;  // NOLINT(google-build-using-namespace): the backend's own helpers

namespace {

DeliveryProblem read_problem(const sqlite::Statement& row) {
  return DeliveryProblem{
      .state = parse_delivery_state(row.column_text(0)).value_or(DeliveryState::deferred),
      .reply = row.column_text(1),
      .count = row.column_int(2)};
}

std::pair<std::string, std::int64_t> read_state_count(const sqlite::Statement& row) {
  return {row.column_text(0), row.column_int(1)};
}

// Sums the (state, count) rows of the ledger into counts.
DeliveryCounts delivery_counts_of(const std::vector<std::pair<std::string, std::int64_t>>& rows) {
  DeliveryCounts counts;
  for (const auto& [state, count] : rows) {
    switch (parse_delivery_state(state).value_or(DeliveryState::queued)) {
      case DeliveryState::queued:
        counts.queued = count;
        break;
      case DeliveryState::sending:
        counts.sending = count;
        break;
      case DeliveryState::sent:
        counts.sent = count;
        break;
      case DeliveryState::deferred:
        counts.deferred = count;
        break;
      case DeliveryState::failed:
        counts.failed = count;
        break;
      case DeliveryState::skipped:
        counts.skipped = count;
        break;
    }
  }
  return counts;
}

// "3,5,9": the ledger's items column.
std::string join_ids(std::span<const std::int64_t> ids) {
  std::string joined;
  for (const auto id : ids) {
    if (!joined.empty()) {
      joined += ',';
    }
    joined += std::to_string(id);
  }
  return joined;
}

// The ids of an items column; what does not read as a number is passed over.
void split_ids(std::string_view text, std::vector<std::int64_t>& into) {
  while (!text.empty()) {
    const auto comma = text.find(',');
    if (auto id = parse_integer(text.substr(0, comma))) {
      into.push_back(*id);
    }
    if (comma == std::string_view::npos) {
      break;
    }
    text.remove_prefix(comma + 1);
  }
}

}  // namespace

Result<std::int64_t> SqliteStore::freeze_audience(IssueId issue, Timestamp now) {
  Call call(*this);
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  auto added = execute("freeze-audience", issue, now);
  if (!added) {
    return std::move(added).error();
  }
  COMMUNIQUE_TRY(transaction.commit());
  return added;
}

Result<std::vector<Recipient>> SqliteStore::claim_recipients(IssueId issue, std::size_t limit,
                                                             Timestamp now) {
  Call call(*this);
  return with_statements(
      {"due-deferred-deliveries", "due-queued-deliveries", "mark-sending", "get-subscriber-by-id"},
      [&](sqlite::Statement& deferred, sqlite::Statement& queued, sqlite::Statement& mark,
          sqlite::Statement& find) -> Result<std::vector<Recipient>> {
        Transaction transaction(*db_);
        COMMUNIQUE_TRY(transaction.begin());
        struct Due {
          SubscriberId id;
          int attempts;
          std::int64_t queued_at;
        };
        const auto read_due = [](const sqlite::Statement& row) {
          return Due{row.column_int(0), static_cast<int>(row.column_int(1)), row.column_int(2)};
        };
        // Retries that are due first, then fresh recipients: each an index range scan.
        deferred.bind(1, issue);
        deferred.bind(2, to_unix(now));
        deferred.bind(3, static_cast<std::int64_t>(limit));
        auto due = deferred.collect(read_due);
        if (!due) {
          return std::move(due).error();
        }
        if (due->size() < limit) {
          queued.bind(1, issue);
          queued.bind(2, static_cast<std::int64_t>(limit - due->size()));
          auto fresh = queued.collect(read_due);
          if (!fresh) {
            return std::move(fresh).error();
          }
          due->insert(due->end(), fresh->begin(), fresh->end());
        }
        std::vector<Recipient> claimed;
        claimed.reserve(due->size());
        for (const auto& [subscriber_id, attempts, queued_at] : *due) {
          mark.reset();
          mark.bind(1, issue);
          mark.bind(2, subscriber_id);
          mark.bind(3, to_unix(now));
          COMMUNIQUE_TRY(mark.run());
          find.reset();
          find.bind(1, subscriber_id);
          auto found = find.step();
          if (!found) {
            return std::move(found).error();
          }
          if (*found) {
            claimed.push_back({read_subscriber(find), attempts + 1, from_unix(queued_at)});
          }
          find.reset();
        }
        COMMUNIQUE_TRY(transaction.commit());
        return claimed;
      });
}

Result<void> SqliteStore::record_deliveries(IssueId issue, std::span<const DeliveryResult> results,
                                            Timestamp now) {
  Call call(*this);
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  for (const auto& result : results) {
    COMMUNIQUE_TRY(execute("record-delivery", issue, result.subscriber, to_string(result.state),
                           result.next_attempt_at, result.reply, now, join_ids(result.items)));
  }
  COMMUNIQUE_TRY(transaction.commit());
  return ok();
}

Result<DeliveryCounts> SqliteStore::delivery_counts(IssueId issue) {
  Call call(*this);
  auto counted = rows("delivery-counts", read_state_count, issue);
  if (!counted) {
    return std::move(counted).error();
  }
  return delivery_counts_of(*counted);
}

Result<std::vector<DigestReader>> SqliteStore::digest_readers(
    IssueId issue, ListId list, std::span<const SubscriberId> subscribers) {
  Call call(*this);
  std::vector<DigestReader> readers;
  readers.reserve(subscribers.size());
  std::unordered_map<SubscriberId, std::size_t> index;
  std::string ids = "[";
  for (const auto id : subscribers) {
    index.emplace(id, readers.size());
    readers.push_back({.subscriber = id});
    ids += (ids.size() > 1 ? "," : "") + std::to_string(id);
  }
  ids += "]";
  using Row = std::pair<SubscriberId, std::string>;
  const auto read_row = [](const sqlite::Statement& row) {
    return Row{row.column_int(0), row.column_text(1)};
  };
  auto topics = rows("topics-of-readers", read_row, list, ids);
  if (!topics) {
    return std::move(topics).error();
  }
  for (const auto& [subscriber, topic] : *topics) {
    if (auto found = index.find(subscriber); found != index.end()) {
      split_ids(topic, readers[found->second].topics);
    }
  }
  auto received = rows("posts-received-by-readers", read_row, issue, ids);
  if (!received) {
    return std::move(received).error();
  }
  for (const auto& [subscriber, items] : *received) {
    if (auto found = index.find(subscriber); found != index.end()) {
      split_ids(items, readers[found->second].received);
    }
  }
  return readers;
}

Result<std::vector<DeliveryProblem>> SqliteStore::delivery_problems(IssueId issue,
                                                                    std::size_t limit) {
  Call call(*this);
  return rows("delivery-problems", read_problem, issue, limit);
}

Result<DeliveryCounts> SqliteStore::delivery_totals() {
  Call call(*this);
  auto counted = rows("delivery-totals", read_state_count);
  if (!counted) {
    return std::move(counted).error();
  }
  return delivery_counts_of(*counted);
}

Result<LeaseTake> SqliteStore::take_issue_lease(IssueId issue, const std::string& owner,
                                                const std::string& replacing, Timestamp now,
                                                Timestamp until) {
  Call call(*this);
  // BEGIN IMMEDIATE: two runners starting at once are serialised here, and the second
  // reads the lease the first has just written.
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  auto found = first_row(
      "issue-lease",
      [](const sqlite::Statement& row) {
        return LeaseHolder{row.column_text(0), from_unix(row.column_int(1))};
      },
      issue);
  if (!found) {
    return std::move(found).error();
  }
  if (*found && (*found)->expires_at > now && (*found)->owner != replacing) {
    return LeaseTake{.granted = false, .holder = std::move(**found)};
  }
  COMMUNIQUE_TRY(execute("put-issue-lease", issue, owner, now, until));
  auto requeued = execute("requeue-in-flight", issue, now);
  if (!requeued) {
    return std::move(requeued).error();
  }
  COMMUNIQUE_TRY(transaction.commit());
  return LeaseTake{.granted = true, .holder = {owner, until}, .requeued = *requeued};
}

Result<bool> SqliteStore::renew_issue_lease(IssueId issue, const std::string& owner,
                                            Timestamp until) {
  Call call(*this);
  auto changed = execute("renew-issue-lease", issue, owner, until);
  if (!changed) {
    return std::move(changed).error();
  }
  return *changed == 1;
}

Result<void> SqliteStore::release_issue_lease(IssueId issue, const std::string& owner) {
  Call call(*this);
  COMMUNIQUE_TRY(execute("release-issue-lease", issue, owner));
  return ok();
}

}  // namespace communique
