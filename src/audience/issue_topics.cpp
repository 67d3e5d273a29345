// The topics an issue is sent to, as named: see issue_topics.hpp.
#include "audience/issue_topics.hpp"

namespace communique {

Result<std::vector<TopicId>> issue_topic_ids(Store& store, std::span<const ListId> lists,
                                             std::span<const TopicReference> references,
                                             std::string_view field) {
  if (references.empty()) {
    return std::vector<TopicId>{};
  }
  std::vector<MailingList> found_lists;
  std::vector<Topic> topics;
  for (ListId id : lists) {
    auto list = store.find_list(id);
    if (!list) {
      return std::move(list).error();
    }
    auto of_list = store.topics(id);
    if (!of_list) {
      return std::move(of_list).error();
    }
    found_lists.push_back(std::move(*list));
    topics.insert(topics.end(), of_list->begin(), of_list->end());
  }
  return resolve_topics(found_lists, topics, references, field);
}

}  // namespace communique
