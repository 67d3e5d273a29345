// Topic choice: the topics a person names (on the command line, in the API, in a CSV
// column) resolved among the topics of some lists.
//
// Policy: a topic is named by its name (ASCII case ignored, as the store compares them) or,
// where the caller allows, by its id. A name found on several of the lists is ambiguous and
// refused rather than guessed; "LIST/TOPIC" names one list's topic. Each topic is returned
// once, in the order first named. Errors name what was not found and the topics there are,
// so the person can correct it. Reading the lists' topics is the caller's (this is pure).
#pragma once

#include <span>
#include <string>
#include <variant>
#include <vector>

#include "base/result.hpp"
#include "core/mailing_list.hpp"

namespace communique {

// A topic as named: its id, or its name (maybe "LIST/TOPIC").
using TopicReference = std::variant<TopicId, std::string>;

// The ids of `references` among `topics`, which are every topic of `lists`. invalid_input
// when one is unknown or ambiguous; `field` starts the message ("--topic", "topics").
Result<std::vector<TopicId>> resolve_topics(std::span<const MailingList> lists,
                                            std::span<const Topic> topics,
                                            std::span<const TopicReference> references,
                                            std::string_view field);

// Topic names separated by ';' (as a CSV column holds them), trimmed; empty ones dropped.
std::vector<std::string> split_topic_names(std::string_view text);

}  // namespace communique
