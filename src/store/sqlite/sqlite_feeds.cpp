// SqliteStore's feeds, the items they showed and the record of a poll (store/feed_store.hpp).
#include <algorithm>

#include "store/sqlite/sqlite_support.hpp"

namespace communique {

using namespace sqlite_support;  // NOLINT(google-build-using-namespace): the backend's own helpers

namespace {

// Keeps SQLite's temporary files in memory for one large transaction and back to the
// default after it. Inside a transaction every statement that may have to undo itself alone
// (a trigger, an upsert) journals the pages it changes that the transaction had already
// changed; past 64 KiB that journal goes to a temporary file, so writing thousands of rows
// in one transaction rewrote the same pages to disk again and again (a feed of 10,000
// items: 300,000 writes). Each such journal lives for one statement, so memory stays
// bounded. Like ForeignKeysOff, it wraps the transaction: the pragma is refused inside one.
class TemporaryFilesInMemory {
 public:
  explicit TemporaryFilesInMemory(sqlite::Database& db) : db_(db) {
    (void)db_.exec("PRAGMA temp_store = MEMORY", "temp-store-memory");
  }
  ~TemporaryFilesInMemory() { (void)db_.exec("PRAGMA temp_store = DEFAULT", "temp-store-default"); }
  TemporaryFilesInMemory(const TemporaryFilesInMemory&) = delete;
  TemporaryFilesInMemory& operator=(const TemporaryFilesInMemory&) = delete;

 private:
  sqlite::Database& db_;
};

std::string no_feed(FeedId id) {
  return "there is no feed " + std::to_string(id) + " (communique feeds ls lists them)";
}

std::optional<Timestamp> read_time(const sqlite::Statement& row, int column) {
  if (row.column_is_null(column)) {
    return std::nullopt;
  }
  return from_unix(row.column_int(column));
}

Feed read_feed(const sqlite::Statement& row) {
  Feed feed;
  feed.id = row.column_int(0);
  feed.list_id = row.column_int(1);
  feed.section_id = row.column_int(2);
  feed.url = row.column_text(3);
  feed.title = row.column_text(4);
  feed.every = std::chrono::seconds(row.column_int(5));
  feed.id_from = parse_feed_id_from(row.column_text(6)).value_or(FeedIdFrom::guid);
  feed.review = row.column_int(7) != 0;
  feed.language = row.column_text(8);
  feed.status = parse_feed_status(row.column_text(9)).value_or(FeedStatus::active);
  feed.etag = row.column_text(10);
  feed.last_modified = row.column_text(11);
  feed.last_fetched_at = read_time(row, 12);
  feed.last_status = row.column_text(13);
  feed.last_error = row.column_text(14);
  feed.failures = static_cast<int>(row.column_int(15));
  feed.next_poll_at = from_unix(row.column_int(16));
  feed.retry_after = read_time(row, 17);
  feed.items = row.column_int(18);
  feed.backfill = static_cast<int>(row.column_int(19));
  feed.polled_once = row.column_int(20) != 0;
  feed.created_at = from_unix(row.column_int(21));
  feed.updated_at = from_unix(row.column_int(22));
  return feed;
}

RecordedItem read_recorded_item(const sqlite::Statement& row) {
  RecordedItem item;
  item.key = row.column_text(0);
  if (!row.column_is_null(1)) {
    item.post = row.column_int(1);
  }
  item.content_hash = row.column_text(2);
  item.carried = row.column_int(3) != 0;
  return item;
}

}  // namespace

Result<void> SqliteStore::write_feed_topics(FeedId feed, std::span<const TopicId> topics) {
  std::vector<TopicId> sorted(topics.begin(), topics.end());
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  COMMUNIQUE_TRY(execute("delete-feed-topics", feed));
  for (TopicId topic : sorted) {
    auto added = execute("insert-feed-topic", feed, topic);
    if (!added) {
      return std::move(added).error();
    }
    if (*added == 0) {
      return make_error(ErrorCode::not_found,
                        "topic " + std::to_string(topic) + " is not a topic of the feed's list");
    }
  }
  return ok();
}

Result<Feed> SqliteStore::load_feed(FeedId id) {
  auto feed = find("get-feed", read_feed, no_feed(id), id);
  if (!feed) {
    return feed;
  }
  auto topics = rows("topics-of-feed", read_integer, id);
  if (!topics) {
    return std::move(topics).error();
  }
  feed->topics = std::move(*topics);
  return feed;
}

Result<Feed> SqliteStore::create_feed(const Feed& feed, Timestamp now) {
  Call call(*this);
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  // get-section's second column is the section's list.
  auto section_list = first_row(
      "get-section", [](const sqlite::Statement& row) { return row.column_int(1); },
      feed.section_id);
  if (!section_list) {
    return std::move(section_list).error();
  }
  if (!*section_list) {
    return make_error(ErrorCode::not_found,
                      "there is no section " + std::to_string(feed.section_id));
  }
  if (**section_list != feed.list_id) {
    return make_error(ErrorCode::not_found, "the section is not a section of the feed's list");
  }
  auto id = first_row("insert-feed", read_integer, feed.list_id, feed.section_id, feed.url,
                      static_cast<std::int64_t>(feed.every.count()), to_string(feed.id_from),
                      feed.review ? 1 : 0, feed.language, feed.next_poll_at, feed.backfill, now);
  if (!id) {
    return std::move(id).error();
  }
  COMMUNIQUE_TRY(write_feed_topics(id->value_or(0), feed.topics));
  auto created = load_feed(id->value_or(0));
  if (!created) {
    return created;
  }
  COMMUNIQUE_TRY(transaction.commit());
  return created;
}

Result<Feed> SqliteStore::find_feed(FeedId id) {
  Call call(*this);
  return load_feed(id);
}

Result<std::vector<Feed>> SqliteStore::feeds() {
  Call call(*this);
  auto all = rows("all-feeds", read_feed);
  if (!all) {
    return all;
  }
  for (auto& feed : *all) {
    auto topics = rows("topics-of-feed", read_integer, feed.id);
    if (!topics) {
      return std::move(topics).error();
    }
    feed.topics = std::move(*topics);
  }
  return all;
}

Result<Feed> SqliteStore::update_feed(FeedId id, const FeedChanges& changes, Timestamp now) {
  Call call(*this);
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  std::optional<std::int64_t> every;
  if (changes.every) {
    every = changes.every->count();
  }
  std::optional<std::string> id_from;
  if (changes.id_from) {
    id_from = std::string(to_string(*changes.id_from));
  }
  std::optional<std::int64_t> review;
  if (changes.review) {
    review = *changes.review ? 1 : 0;
  }
  auto changed = execute("update-feed", id, every, id_from, review, changes.language, now);
  if (!changed) {
    return std::move(changed).error();
  }
  if (*changed == 0) {
    return make_error(ErrorCode::not_found, no_feed(id));
  }
  if (changes.topics) {
    COMMUNIQUE_TRY(write_feed_topics(id, *changes.topics));
  }
  auto updated = load_feed(id);
  if (!updated) {
    return updated;
  }
  COMMUNIQUE_TRY(transaction.commit());
  return updated;
}

Result<void> SqliteStore::remove_feed(FeedId id) {
  Call call(*this);
  auto removed = execute("delete-feed", id);
  if (!removed) {
    return std::move(removed).error();
  }
  if (*removed == 0) {
    return make_error(ErrorCode::not_found, no_feed(id));
  }
  return ok();
}

Result<std::vector<RecordedItem>> SqliteStore::recorded_items(FeedId id) {
  Call call(*this);
  return rows("recorded-feed-items", read_recorded_item, id);
}

Result<std::vector<Feed>> SqliteStore::due_feeds(Timestamp now, std::size_t limit) {
  Call call(*this);
  auto due = rows("due-feeds", read_feed, now, limit);
  if (!due) {
    return due;
  }
  for (auto& feed : *due) {
    auto topics = rows("topics-of-feed", read_integer, feed.id);
    if (!topics) {
      return std::move(topics).error();
    }
    feed.topics = std::move(*topics);
  }
  return due;
}

Result<bool> SqliteStore::claim_feed(FeedId id, std::optional<Timestamp> seen, Timestamp now,
                                     Timestamp until) {
  Call call(*this);
  auto changed = execute("claim-feed", id, seen, now, until);
  if (!changed) {
    return std::move(changed).error();
  }
  return *changed == 1;
}

Result<FeedPollCounts> SqliteStore::record_feed_poll(FeedId id,
                                                     std::span<const FeedItemWrite> writes,
                                                     const FeedPollOutcome& outcome,
                                                     Timestamp now) {
  Call call(*this);
  const TemporaryFilesInMemory in_memory(*db_);
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  auto feed = first_row("get-feed", read_integer, id);
  if (!feed) {
    return std::move(feed).error();
  }
  if (!*feed) {
    return make_error(ErrorCode::not_found, no_feed(id));
  }
  FeedPollCounts counts;
  for (const FeedItemWrite& write : writes) {
    std::optional<std::int64_t> post;
    switch (write.action) {
      case ItemAction::unchanged:
        ++counts.unchanged;
        continue;
      case ItemAction::kept:
        ++counts.kept;
        break;
      case ItemAction::record_only:
        ++counts.recorded;
        break;
      case ItemAction::create_post: {
        // Another poll may have written it since this one read the items: link, not fail.
        auto existing =
            first_row("post-of-source", read_integer, write.post.source, write.post.external_id);
        if (!existing) {
          return std::move(existing).error();
        }
        if (*existing) {
          post = **existing;
          ++counts.unchanged;
          break;
        }
        auto created = create_post_locked(write.post, now);
        if (!created) {
          return std::move(created).error();
        }
        post = created->id;
        ++counts.created;
        break;
      }
      case ItemAction::update_post: {
        auto carried = first_row("post-carried-by-digest", read_integer, write.post.id);
        if (!carried) {
          return std::move(carried).error();
        }
        if (*carried) {
          ++counts.kept;
          break;
        }
        COMMUNIQUE_TRY(execute("update-post-from-feed", write.post.id, write.post.title,
                               write.post.body, write.post.language, now));
        ++counts.updated;
        break;
      }
    }
    COMMUNIQUE_TRY(execute("upsert-feed-item", id, write.key, post, write.content_hash, now));
  }
  COMMUNIQUE_TRY(execute("record-feed-outcome", id, to_string(outcome.status), outcome.etag,
                         outcome.last_modified, outcome.last_status, outcome.last_error,
                         outcome.failures, outcome.next_poll_at, outcome.retry_after, outcome.items,
                         outcome.title, outcome.polled_once ? 1 : 0, now));
  COMMUNIQUE_TRY(transaction.commit());
  return counts;
}

}  // namespace communique
