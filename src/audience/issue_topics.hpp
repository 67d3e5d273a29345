// IssueTopics: the topics an issue is sent to, as the CLI (`issues create --topic`) and the
// API (`topics`) name them, resolved among the topics of the issue's lists.
//
// Policy (core/topic_choice.hpp): names or ids, a name on several of the lists is
// ambiguous and refused. Who receives an issue sent to topics is the ledger's freeze
// (members who chose one of them, or no topic of that list); this only reads the store.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "core/topic_choice.hpp"
#include "store/store.hpp"

namespace communique {

// The ids of `references` among the topics of `lists`; not_found for a list that does not
// exist, invalid_input (starting with `field`) for an unknown or ambiguous topic.
Result<std::vector<TopicId>> issue_topic_ids(Store& store, std::span<const ListId> lists,
                                             std::span<const TopicReference> references,
                                             std::string_view field);

}  // namespace communique
