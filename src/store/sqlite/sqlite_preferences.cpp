// SqliteStore's save of the preference page: one transaction for the name, the language,
// the statuses and the topics, so that a failure part-way leaves the subscriber as they were.
#include "store/sqlite/sqlite_support.hpp"

namespace communique {

using namespace sqlite_support;  // NOLINT(google-build-using-namespace): the backend's own helpers

Result<void> SqliteStore::apply_preferences(SubscriberId subscriber, const PreferenceChange& change,
                                            Timestamp now) {
  Call call(*this);
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  auto updated = execute("update-subscriber", subscriber, change.name, change.language,
                         std::nullopt, std::nullopt, now);
  if (!updated) {
    return std::move(updated).error();
  }
  if (*updated == 0) {
    return make_error(ErrorCode::not_found, "there is no subscriber " + std::to_string(subscriber));
  }
  for (const auto& [list, status] : change.statuses) {
    auto set = execute("set-subscription-status", list, subscriber, to_string(status), now);
    if (!set && set.error().code == ErrorCode::conflict) {
      // The foreign key: the list was deleted since the page was read.
      return make_error(ErrorCode::not_found, "there is no list " + std::to_string(list) +
                                                  " any more; open the page again");
    }
    COMMUNIQUE_TRY(set);
  }
  for (ListId list : change.topic_lists) {
    COMMUNIQUE_TRY(execute("clear-subscriber-topics-of-list", subscriber, list));
    for (TopicId topic : change.topics) {
      COMMUNIQUE_TRY(execute("insert-subscriber-topic", subscriber, topic, list));
    }
  }
  for (const auto& [list, cadence] : change.cadences) {
    COMMUNIQUE_TRY(
        execute("set-subscription-cadence", list, subscriber, cadence_text(cadence), now));
  }
  return transaction.commit();
}

}  // namespace communique
