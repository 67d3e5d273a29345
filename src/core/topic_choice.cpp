// Resolving named topics among lists' topics: see topic_choice.hpp.
#include "core/topic_choice.hpp"

#include <algorithm>
#include <string_view>

#include "base/text.hpp"

namespace communique {

namespace {

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ascii_lower(a) == ascii_lower(b);
}

std::string list_name_of(std::span<const MailingList> lists, ListId id) {
  for (const auto& list : lists) {
    if (list.id == id) {
      return list.name;
    }
  }
  return "#" + std::to_string(id);
}

// "press: sport, arts; digest: travel", or "none" when the lists have no topics.
std::string topics_there_are(std::span<const MailingList> lists, std::span<const Topic> topics) {
  std::string text;
  for (const auto& list : lists) {
    std::string names;
    for (const auto& topic : topics) {
      if (topic.list_id == list.id) {
        names += (names.empty() ? "" : ", ") + topic.name;
      }
    }
    if (!names.empty()) {
      text += (text.empty() ? "" : "; ") + list.name + ": " + names;
    }
  }
  return text.empty() ? std::string("none (create one with: communique topics create)") : text;
}

// The topics `name` names: those called so, or with "LIST/TOPIC" that list's one.
std::vector<const Topic*> named(std::span<const MailingList> lists, std::span<const Topic> topics,
                                const std::string& name) {
  std::vector<const Topic*> found;
  for (const auto& topic : topics) {
    if (same_name(topic.name, name)) {
      found.push_back(&topic);
    }
  }
  const auto slash = name.find('/');
  if (!found.empty() || slash == std::string::npos) {
    return found;
  }
  const auto list_part = std::string_view(name).substr(0, slash);
  const auto topic_part = std::string_view(name).substr(slash + 1);
  for (const auto& topic : topics) {
    if (same_name(topic.name, topic_part) &&
        same_name(list_name_of(lists, topic.list_id), list_part)) {
      found.push_back(&topic);
    }
  }
  return found;
}

}  // namespace

Result<std::vector<TopicId>> resolve_topics(std::span<const MailingList> lists,
                                            std::span<const Topic> topics,
                                            std::span<const TopicReference> references,
                                            std::string_view field) {
  std::vector<TopicId> ids;
  const auto add = [&ids](TopicId id) {
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
      ids.push_back(id);
    }
  };
  for (const auto& reference : references) {
    if (const auto* id = std::get_if<TopicId>(&reference)) {
      const auto it = std::find_if(topics.begin(), topics.end(),
                                   [&](const Topic& topic) { return topic.id == *id; });
      if (it == topics.end()) {
        return make_error(ErrorCode::invalid_input,
                          std::string(field) + ": topic " + std::to_string(*id) +
                              " is not a topic of " +
                              (lists.size() == 1 ? "the list" : "these lists") +
                              "; topics there are " + topics_there_are(lists, topics));
      }
      add(*id);
      continue;
    }
    const auto& name = std::get<std::string>(reference);
    const auto found = named(lists, topics, name);
    if (found.empty()) {
      return make_error(ErrorCode::invalid_input,
                        std::string(field) + ": no topic '" + name + "' on " +
                            (lists.size() == 1 ? "list " + lists.front().name : "these lists") +
                            "; topics there are " + topics_there_are(lists, topics));
    }
    if (found.size() > 1) {
      std::string choices;
      for (const auto* topic : found) {
        choices += (choices.empty() ? "" : " or ") + list_name_of(lists, topic->list_id) + "/" +
                   topic->name;
      }
      return make_error(ErrorCode::invalid_input,
                        std::string(field) + ": topic '" + name +
                            "' is on several lists and so is ambiguous; name one as " + choices);
    }
    add(found.front()->id);
  }
  return ids;
}

std::vector<std::string> split_topic_names(std::string_view text) {
  std::vector<std::string> names;
  while (!text.empty()) {
    const auto end = text.find(';');
    auto name = trim(text.substr(0, end));
    if (!name.empty()) {
      names.emplace_back(name);
    }
    if (end == std::string_view::npos) {
      break;
    }
    text.remove_prefix(end + 1);
  }
  return names;
}

}  // namespace communique
